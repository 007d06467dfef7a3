package draft

import "flag"

// Flags are the command-line flags reply and thanks share: where the data
// comes from, who writes, and where the draft goes.
type Flags struct {
	Config    string // -c
	DB        string // --db
	Tree      string // --tree
	Templates string // --templates
	From      string // --from
	Out       Outputs
}

// Register defines the flags on fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Config, "c", "", "config file (templates, identity, drafts folder)")
	fs.StringVar(&f.DB, "db", "", "sqlite store to read when no input is given (default $XDG_DATA_HOME/ferrule/ferrule.db)")
	fs.StringVar(&f.Tree, "tree", "", "kernel checkout for whole-file analysis")
	fs.StringVar(&f.Templates, "templates", "", "directory of templates overriding the embedded ones")
	fs.StringVar(&f.From, "from", "", `your address, "Name <email>" (default: smtp.from, else git config user.name/user.email)`)
	fs.StringVar(&f.Out.File, "out", "", "write the draft to this .eml file (0600)")
	fs.StringVar(&f.Out.Mbox, "mbox", "", "append the draft to this mbox file")
	fs.StringVar(&f.Out.Maildir, "maildir", "", "deliver the draft to this Maildir folder's new/")
	fs.BoolVar(&f.Out.IMAP, "imap-drafts", false, "APPEND the draft to the configured IMAP Drafts folder with \\Draft")
}
