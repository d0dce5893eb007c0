"""`tracker read`: the positions a text reports, proposed as statements.

A pure function of a text and of what the catalog knows (`known.Known`):
`source` gets the text (a file, standard input, a URL; HTML through
trafilatura), `sentences` splits it (syntok), `mentions` finds the parties
and people, `issues` the issues, `cues` the words that carry a stance,
`analysis` takes each sentence apart, and `propose.read` makes the
proposals. Only the `read` command imports this package."""
