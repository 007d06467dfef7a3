// Command splitheaders is the floor .ci/bench-archive measures ferrule
// against: it splits an mbox into messages ("From " lines) and parses each
// message's header with net/mail, reading the Message-ID, Subject and Date,
// and nothing more. Usage: splitheaders FILE.mbox
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: splitheaders FILE.mbox")
		os.Exit(2)
	}
	n, bad, err := run(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "splitheaders: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d messages, %d without a readable header\n", n, bad)
}

func run(path string) (n, bad int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 256<<10)
	var msg bytes.Buffer
	flush := func() {
		if msg.Len() == 0 {
			return
		}
		n++
		m, err := mail.ReadMessage(bytes.NewReader(msg.Bytes()))
		if err != nil {
			bad++
		} else {
			_ = m.Header.Get("Message-Id")
			_ = m.Header.Get("Subject")
			if _, err := m.Header.Date(); err != nil {
				bad++
			}
		}
		msg.Reset()
	}
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			msg.Write(line)
			continue
		}
		if bytes.HasPrefix(line, []byte("From ")) {
			flush()
		} else {
			msg.Write(line)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, bad, err
		}
	}
	flush()
	return n, bad, nil
}
