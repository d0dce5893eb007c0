"""The output formats, one module each: `render` finds them here.

A format module defines NAME (what `--format` takes), RANK (its place in the
list `--help` shows) and a function for each document it can print, with
the signatures of `tracker.render`'s functions of the same name (less the
format). A command offers every format that can print its document."""
