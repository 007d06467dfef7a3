package mail_test

import (
	"context"
	"fmt"
	"strings"

	"ferrule/mail"
)

// A source splits an mbox into raw messages; Parse decodes each one.
func ExampleParse() {
	mbox := "From mboxrd@z Thu Jan  1 00:00:00 1970\n" +
		"From: =?utf-8?q?Miguel_Ojeda?= <ojeda@example.org>\n" +
		"Subject: [PATCH] rust: fix a typo\n" +
		"Message-ID: <1@example.org>\n" +
		"Content-Transfer-Encoding: quoted-printable\n" +
		"\n" +
		"caf=C3=A9\n"
	src := mail.NewMboxReader(strings.NewReader(mbox), "inline.mbox", nil)
	raw, _ := src.Next(context.Background())
	m, err := mail.Parse(raw)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Position, m.MessageID, m.From.Name, m.Subject, strings.TrimSpace(m.Text))
	// Output: inline.mbox:2 1@example.org Miguel Ojeda [PATCH] rust: fix a typo café
}
