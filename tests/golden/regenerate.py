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
    EXPECTED.mkdir(exist_ok=True)
    for path in inputs():
        target = EXPECTED / path.name
        text = transpiled(path)
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old != text:
            target.write_text(text, encoding="utf-8")
            print(f"updated {target.relative_to(HERE.parent.parent)}")
    stale = {p.name for p in EXPECTED.glob("*.py")} - {p.name for p in inputs()}
    for name in sorted(stale):
        (EXPECTED / name).unlink()
        print(f"removed tests/golden/expected/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
