"""Files that ship with tracker: the migrations and the seed scenarios."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """`migrations` or `seeds`: inside the installed package (the wheel puts them
    there), else at the top of a source checkout (an editable install)."""
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    beside = _PACKAGE.parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"tracker is installed without its {name}/ folder")


def migrations_dir() -> Path:
    return bundled("migrations")


def seed_file(name: str = "ukraine-2025.json") -> Path:
    return bundled("seeds") / name
