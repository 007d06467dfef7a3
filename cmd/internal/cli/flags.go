package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes, the README's contract (PRODUCT.md "Who uses it").
const (
	ExitOK       = 0
	ExitFindings = 1 // check: findings at or above --fail-on
	ExitUsage    = 2 // usage or configuration error
	ExitRuntime  = 3 // the work itself failed (I/O, a corrupt or full store)
)

// NewFlagSet is a command's flag set: errors and help go to stderr, the
// help being the given lines and then the flags.
func NewFlagSet(stderr io.Writer, name string, help ...string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		for _, l := range help {
			fmt.Fprintln(stderr, l)
		}
		fs.PrintDefaults()
	}
	return fs
}

// ParseFlags parses a command's flags with Parse; ok is false when the
// command must return code at once: ExitOK when help was asked for,
// ExitUsage when the flags were wrong (the flag package has said why).
// fs.Args() is then every positional argument.
func ParseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	pos, err := Parse(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	if err := fs.Parse(append([]string{"--"}, pos...)); err != nil {
		return ExitUsage, false
	}
	return ExitOK, true
}

// ParseWithID is ParseFlags for commands whose first argument is an ID:
// without one, the usage is printed and the code is ExitUsage.
func ParseWithID(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if code, ok := ParseFlags(fs, args); !ok {
		return code, false
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return ExitUsage, false
	}
	return ExitOK, true
}

// Multi is a repeatable string flag.
type Multi []string

func (m *Multi) String() string     { return strings.Join(*m, ",") }
func (m *Multi) Set(v string) error { *m = append(*m, v); return nil }

// Command names a command and says what it does, for the usage page.
type Command struct {
	Name string
	Help string // one line
}

// Usage writes the program's usage: the commands and their one-line help.
func Usage(w io.Writer, cmds []Command) {
	fmt.Fprintln(w, "usage: ferrule COMMAND [flags] [args]")
	fmt.Fprintln(w)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-16s %s\n", c.Name, c.Help)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'ferrule help COMMAND' for a command's flags.")
}

// RuntimeError is a failure to do the work (read, review, write), as
// opposed to a bad argument, a bad configuration or a missing input.
type RuntimeError struct{ Err error }

func (e *RuntimeError) Error() string { return e.Err.Error() }
func (e *RuntimeError) Unwrap() error { return e.Err }

// Code is the exit code of a command's error: ExitOK for nil,
// ExitRuntime for a RuntimeError anywhere in its chain, else ExitUsage.
func Code(err error) int {
	var re *RuntimeError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &re):
		return ExitRuntime
	}
	return ExitUsage
}

// Runtime marks err, when not nil, as a RuntimeError.
func Runtime(err error) error {
	if err == nil {
		return nil
	}
	return &RuntimeError{Err: err}
}
