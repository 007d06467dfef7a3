// Package draft writes reply drafts to a patch series: a review reply
// with each finding's hunk quoted and the rule's prompt under it
// ([ReplyData]), and a b4-ty-style "applied, thanks" reply ([ThanksData]).
//
// [Texts] keeps the text of each patch and cover letter as a review runs;
// [NewTarget] picks the message of a series to answer ([PickMessage],
// [PickCover]).
// [Compose] renders a template and threads the draft under that message
// ([ReplyTo]: Reply-To or sender, the other recipients in Cc, "Re: ",
// In-Reply-To and References). [Write] puts it where asked: an .eml file,
// an mbox, a Maildir, the IMAP Drafts folder, or the given writer.
// A [Job] does all of it for one series, and tells a failure to compose
// or write (a cli.RuntimeError) from the user's mistakes.
// Nothing is sent.
package draft
