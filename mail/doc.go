// Package mail reads mail from files, decodes it for review, and composes
// and writes the mail ferrule sends or drafts.
//
// Reading has two halves. Sources ([Source], [MboxReader], [MaildirReader],
// [MultiSource], [Open]) split mailbox files into raw RFC 5322 messages
// without interpreting them, streaming: memory use is bounded by the
// largest single message, never by the size of the mailbox. [Parse]
// decodes one raw message: threading headers, addresses, RFC 2047 words,
// the Date, and the text a reviewer reads (text/plain parts and
// text/x-patch or text/x-diff attachments, transfer-decoded and converted
// to UTF-8). Parse scans the header once and keeps only the fields it
// reads; plain single-part text is taken without copying it,
// quoted-printable and base64 text in UTF-8 or a common single-byte
// charset is decoded in one pass, multipart bodies are split by
// go-message's textproto reader, and the common Date and address forms
// are parsed directly. Anything else (other transfer encodings and
// charsets, a header that needs repair, unusual dates and addresses) goes
// through go-message and net/mail; the results are the same either way.
// [ParseHeader] decodes the header alone, with the same fields, ids and
// errors, for storing a message without reading its body; [ParseWith] can
// leave the recipients undecoded until [Message.Recipients] asks for them.
//
// Hostile input is expected. Parse never panics; what it cannot decode is
// reported as an error or, when the damage is local (an unknown charset, one
// malformed header line), recorded in [Message.Warnings] while the rest of
// the message is still returned. A message without a Message-ID gets a stable
// synthetic one derived from its bytes ([FallbackID]); one over a size limit
// is delivered without its bytes and named by its size and the digest of its
// first 64 KiB ([TooLarge]) whichever mbox or Maildir it is read from.
//
// Writing: [Compose] builds an outgoing message ([Outgoing]: plain text or
// multipart/alternative with HTML, threading headers, a fresh Message-ID
// from [NewMessageID]); text taken from hostile mail cannot start a
// header of its own. [WriteFile],
// [AppendMbox] and [DeliverMaildir] put a draft into an .eml file, an
// mboxrd file or a Maildir, private to the user. Sending and IMAP live in
// mail/smtpsend and mail/imappoll.
//
// The package does no network I/O and does not import the rest of ferrule.
// Readers are not safe for concurrent use; Parse and Compose are.
//
// Supported formats: mboxrd (lore's format; ">From " quoting undone) and
// mboxo, optionally gzip-compressed, Maildir directories (cur/ and new/),
// and single RFC 5322 files without a "From " line.
package mail
