// Package am writes one revision of a patch series as an mbox ready for
// "git am", with the trailers reviewers gave in replies added the way b4 am
// adds them: after the patch's own trailers, in the order ferrule collected
// them ([review.Part.Trailers]: replies to the patch and to the cover
// letter by arrival, then those carried from the previous revision),
// without repeats; trailers whose person differs from the reply's sender
// are left out unless [Options.Unverified] is set (b4's
// --sloppy-trailers); [Options.AddLink] adds b4's "Link:
// https://patch.msgid.link/<msgid>" unless the patch has it already.
//
// The mbox is mboxrd, like lore's: a body line starting with "From " (rare
// in a commit message, impossible in a diff) is written as ">From ", which
// "git am --patch-format=mboxrd" reads back; plain "git am" keeps the ">".
// Each patch is rewritten as b4 does it: From is the patch author (an
// in-body From: line moves there), the Subject is "[PATCH vN n/m] title",
// the text is 8-bit UTF-8.
//
// The package does no I/O of its own: review drops message bodies after
// inspection, so the caller hands back each patch's raw message through a
// [RawFunc] (read again from the input files or from the store), and the
// mbox goes to an io.Writer. [InsertTrailers] is the text operation on its
// own, also usable on a commit message (trailers go above a "---" line in
// it, as b4 trailers --update does).
package am
