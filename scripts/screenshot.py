"""The README's screenshot of the HTML report, taken in a real browser.

Runs `tracker demo`, opens the report page it writes in Chromium at 1280
pixels wide, points at Ukraine's stance on Donbas so its statement shows, and
saves the top of the page (the header and the stance matrix) as a PNG.

    python scripts/screenshot.py [--output docs/images/report.png]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for scripts.chromium when run as a file

from scripts.chromium import chromium, unavailable  # noqa: E402

WIDTH = 1280
CELL = 'td[data-party="ukraine"][data-issue="donbas"]'


def demo_report(folder: Path) -> Path:
    """`tracker demo --keep FOLDER`; returns the report page it wrote."""
    env = {**os.environ, "NO_COLOR": "1", "TRACKER_DB": str(folder / "unused.db")}
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "demo", "--keep", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    links = re.findall(r"file://\S+/report\.html", done.stdout)
    if not links:
        raise SystemExit(f"tracker demo printed no report link:\n{done.stdout}")
    return folder / "report.html"


def screenshot(page_file: Path, output: Path) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.goto(page_file.as_uri())
        page.hover(CELL)
        page.locator(f"{CELL} .pop").wait_for(state="visible")
        box = page.locator("#matrix").bounding_box()
        assert box is not None
        height = box["y"] + box["height"] + 24
        page.screenshot(
            path=str(output),
            full_page=True,
            clip={"x": 0, "y": 0, "width": WIDTH, "height": height},
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO / "docs" / "images" / "report.png",
        help="where to write the PNG (default: docs/images/report.png)",
    )
    args = parser.parse_args()
    reason = unavailable()
    if reason is not None:
        print(f"cannot take the screenshot: {reason}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        screenshot(demo_report(Path(scratch)), args.output)
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
