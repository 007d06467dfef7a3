package review_test

import (
	"context"
	"fmt"

	"ferrule/mail"
	"ferrule/review"
)

// Ingest reads an mbox and assembles its series; superseded revisions
// point at their successor.
func ExampleIngest() {
	src, err := mail.Open([]string{"../examples/rust-pwm-demo.mbox"}, nil)
	if err != nil {
		panic(err)
	}
	defer src.Close()
	res, err := review.Ingest(context.Background(), src, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d messages, %d unparsed\n", res.Counts.Total, res.Counts.Unparsed)
	for _, s := range res.Series {
		state := "current"
		if s.Superseded() {
			state = fmt.Sprintf("superseded by v%d", s.Next.Version)
		}
		fmt.Printf("v%d %s: %d/%d parts, %s\n", s.Version, s.Title, len(s.Parts), s.Total, state)
	}
	// Output:
	// 11 messages, 0 unparsed
	// v1 pwm: demo: add a Rust driver for the demo PWM: 2/2 parts, superseded by v2
	// v2 pwm: demo: add a Rust driver for the demo PWM: 2/2 parts, current
	// v1 pwm: core: fix a typo in a comment: 1/1 parts, current
}

func ExampleParseSubject() {
	s := review.ParseSubject("Re: [RFC PATCH net-next v2 03/10] rust: net: add phy abstractions")
	fmt.Println(s.Reply, s.RFC, s.Version, s.Number, s.Total, s.Prefixes, s.Title)
	// Output: true true 2 3 10 [net-next] rust: net: add phy abstractions
}
