// Package render writes review results for people and programs: the
// ranked overview of `ferrule review` as text, markdown or JSON
// ([Formats]), one series in full for `ferrule show` ([BuildShow],
// [ShowText]), an author's findings for `ferrule check` ([Check]), and the
// progress line on a terminal ([ProgressLine]).
//
// Renderers take plain data (review reports) and a [Style] (colour, width)
// and write to an io.Writer through a buffer of their own, the review's
// JSON one series at a time; they return the first write error. They read
// no files, environment or store: the command decides the style.
package render
