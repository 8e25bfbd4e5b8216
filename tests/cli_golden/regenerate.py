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
sys.path.insert(0, str(HERE.parent))
from golden_sync import sync  # noqa: E402
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
    return sync(inputs(), EXPECTED, rewritten, HERE.parent.parent)


if __name__ == "__main__":
    sys.exit(main())
