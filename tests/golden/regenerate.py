"""Regenerate the golden files: tests/golden/expected/NAME.py holds
``py2lax.transpile(<tests/golden/inputs/NAME.py>, all_functions=True)``.

Run from the repository root after an intended change of the generated code, then
review the diff of tests/golden/expected before committing:

    python tests/golden/regenerate.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from golden_sync import sync  # noqa: E402
INPUTS = HERE / "inputs"
EXPECTED = HERE / "expected"
COMMAND = "python tests/golden/regenerate.py"


def transpiled(path: Path) -> str:
    import py2lax

    return py2lax.transpile(path.read_text(encoding="utf-8"), filename=path.name,
                            all_functions=True)


def inputs() -> list[Path]:
    return sorted(INPUTS.glob("*.py"))


def main() -> int:
    return sync(inputs(), EXPECTED, transpiled, HERE.parent.parent)


if __name__ == "__main__":
    sys.exit(main())
