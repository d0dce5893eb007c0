"""`tracker` and `python -m tracker`: where the program starts.

Loading click, SQLAlchemy and tracker's command line makes a few hundred
thousand objects that live as long as the process. Python's cyclic garbage
collector would walk them again and again while they load, and all of them
once more at exit: a quarter of a short command's start-up. So it is paused
while they load, and what they made is then frozen out of its sight
(`gc.freeze`); it runs as usual for everything the command itself makes."""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    from tracker import cli

    gc.freeze()
    gc.enable()
    cli.main()


if __name__ == "__main__":
    main()
