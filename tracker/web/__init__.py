"""`tracker serve`: the command line's questions as pages and a JSON API,
for a team with accounts and roles. Beside `tracker.cli`, over the core:
Starlette routes (`app`), who is asking (`auth`), how answers are drawn and
cached (`respond`, `cache`, `gzip`), the pages (`pages`, `forms`, `reading`,
`admin`) and the API (`api`). Imported only by `tracker serve`."""
