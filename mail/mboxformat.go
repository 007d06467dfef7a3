package mail

import "fmt"

// String names the format as --mbox-format does: "mboxrd" or "mboxo".
func (f MboxFormat) String() string {
	if f == MboxO {
		return "mboxo"
	}
	return "mboxrd"
}

// Set reads a format's name ("mboxrd" or "mboxo"), so that a MboxFormat
// is a flag.Value.
func (f *MboxFormat) Set(name string) error {
	switch name {
	case "mboxrd":
		*f = MboxRD
	case "mboxo":
		*f = MboxO
	default:
		return fmt.Errorf("unknown mbox format %q (mboxrd, mboxo)", name)
	}
	return nil
}
