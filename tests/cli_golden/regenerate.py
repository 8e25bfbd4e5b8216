"""Regenerate the CLI golden files: tests/cli_golden/expected/NAME.py holds what
``py2lax tests/cli_golden/inputs/NAME.py`` prints.

Run from the repository root after an intended change of the command's output, then
review the diff of tests/cli_golden/expected before committing:

    python tests/cli_golden/regenerate.py
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "inputs"
EXPECTED = HERE / "expected"
COMMAND = "python tests/cli_golden/regenerate.py"


def rewritten(path: Path) -> str:
    """The command's stdout for ``py2lax PATH`` (run in this process)."""
    from py2lax.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main([str(path)])
    if status != 0:
        raise RuntimeError(f"py2lax {path} exited with {status}")
    return out.getvalue()


def inputs() -> list[Path]:
    return sorted(INPUTS.glob("*.py"))


def main() -> int:
    EXPECTED.mkdir(exist_ok=True)
    for path in inputs():
        target = EXPECTED / path.name
        text = rewritten(path)
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old != text:
            target.write_text(text, encoding="utf-8")
            print(f"updated {target.relative_to(HERE.parent.parent)}")
    stale = {p.name for p in EXPECTED.glob("*.py")} - {p.name for p in inputs()}
    for name in sorted(stale):
        (EXPECTED / name).unlink()
        print(f"removed tests/cli_golden/expected/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
