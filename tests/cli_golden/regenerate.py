"""Regenerate the CLI golden files: tests/cli_golden/expected/NAME.py holds what
``py2lax tests/cli_golden/inputs/NAME.py`` prints, and expected_standalone/NAME.py what
``py2lax --standalone tests/cli_golden/inputs/NAME.py`` prints.

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
EXPECTED_STANDALONE = HERE / "expected_standalone"
COMMAND = "python tests/cli_golden/regenerate.py"


def rewritten(path: Path, standalone: bool = False) -> str:
    """The command's stdout for ``py2lax [--standalone] PATH`` (run in this process)."""
    from py2lax.tools.cli.main import main

    out = io.StringIO()
    flags = ["--standalone"] if standalone else []
    with contextlib.redirect_stdout(out):
        status = main(flags + [str(path)])
    if status != 0:
        raise RuntimeError(f"py2lax {' '.join(flags + [str(path)])} exited with {status}")
    return out.getvalue()


def standalone(path: Path) -> str:
    return rewritten(path, standalone=True)


def inputs() -> list[Path]:
    return sorted(INPUTS.glob("*.py"))


def main() -> int:
    root = HERE.parent.parent
    return sync(inputs(), EXPECTED, rewritten, root) or sync(
        inputs(), EXPECTED_STANDALONE, standalone, root)


if __name__ == "__main__":
    sys.exit(main())
