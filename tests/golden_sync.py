"""Writing golden files: one expected output per input file, stale ones removed.

Shared by tests/golden/regenerate.py (``py2lax.transpile``) and
tests/cli_golden/regenerate.py (the ``py2lax`` command), which differ only in how they
render an input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable


def sync(inputs: list[Path], expected: Path, render: Callable[[Path], str], root: Path) -> int:
    """Make ``expected/NAME.py`` equal ``render(inputs/NAME.py)`` for every input."""
    expected.mkdir(exist_ok=True)
    for path in inputs:
        target = expected / path.name
        text = render(path)
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old != text:
            target.write_text(text, encoding="utf-8")
            print(f"updated {target.relative_to(root)}")
    stale = {p.name for p in expected.glob("*.py")} - {p.name for p in inputs}
    for name in sorted(stale):
        (expected / name).unlink()
        print(f"removed {(expected / name).relative_to(root)}")
    return 0
