package mail

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
)

func FuzzMboxReader(f *testing.F) {
	f.Add([]byte("From a Mon Jan  1 00:00:00 2024\nS: x\n\n>From b\n\nFrom c Mon Jan  1 00:00:00 2024\nS: y\n"))
	f.Add([]byte("Subject: bare\n\nbody"))
	f.Add([]byte("\n\nFrom \nFrom \r\n\r\nFrom x"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewMboxReader(bytes.NewReader(in), "fuzz", &MboxOptions{MaxMessageBytes: 1 << 12})
		total := 0
		for i := 0; ; i++ {
			raw, err := r.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("Next() = %v", err)
			}
			if raw.Err == nil && len(raw.Bytes) == 0 {
				t.Fatal("empty message delivered")
			}
			total += len(raw.Bytes)
			if i > len(in) {
				t.Fatal("more messages than input bytes")
			}
		}
		if total > len(in) {
			t.Fatalf("delivered %d bytes from %d", total, len(in))
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("Subject: =?utf-8?q?caf=C3=A9?=\nMessage-ID: <a@b>\nContent-Type: text/plain; charset=koi8-r\n\nbody\n"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/x-patch\nContent-Transfer-Encoding: base64\n\nZGlm\n--B--\n"))
	f.Add([]byte("From: \"x\" <\nReferences: <<<>>\nDate: 99 Foo 99999\n\n"))
	f.Add([]byte("Content-Type: multipart/alternative; boundary=\"\"\n\n--\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := Parse(&Raw{Position: "fuzz:1", Bytes: in})
		if err != nil {
			return
		}
		if m.MessageID == "" {
			t.Fatal("no Message-ID, not even a synthetic one")
		}
	})
}
