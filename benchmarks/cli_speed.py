"""How long ``py2lax --all`` takes on big real modules, against a plain parse + unparse.

Run: .venv/bin/python benchmarks/cli_speed.py [--quick] [--standalone] [FILE ...]

Without files it times installed third-party modules (jax's ``lax.py``, NumPy's
``test_multiarray.py``, ``_pytest/python.py``, where installed): the command reads them
as any user's project. Each file is rewritten in process (``rewrite_module``, what the
command calls per file) and the best of the repeats is printed, in seconds, beside
``ast.parse`` + ``ast.unparse`` of the same text: the ratio is what py2lax costs over the
least any source-to-source tool must do. Timings depend on the machine (the load average
is printed); compare runs on the same one.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import sysconfig
import time
from pathlib import Path

from py2lax.transpiler import rewrite_module

_DEFAULTS = ("jax/_src/lax/lax.py", "numpy/_core/tests/test_multiarray.py", "_pytest/python.py")


def _installed() -> list[Path]:
    """The default files that this Python has installed."""
    site = Path(sysconfig.get_paths()["purelib"])
    return [site / name for name in _DEFAULTS if (site / name).is_file()]


def _best(action, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--quick", action="store_true", help="one repeat instead of three")
    parser.add_argument("--standalone", action="store_true", help="time --all --standalone")
    options = parser.parse_args(argv)
    files = options.files or _installed()
    if not files:
        print("no files given and none of the default ones is installed", file=sys.stderr)
        return 2
    repeats = 1 if options.quick else 3
    print(f"load average {os.getloadavg()[0]:.2f}; best of {repeats}")
    print(f"{'file':<45} {'lines':>7} {'py2lax s':>9} {'parse+unparse s':>16} {'ratio':>6}")
    for path in files:
        text = path.read_text(encoding="utf-8")
        plain = _best(lambda: ast.unparse(ast.parse(text)), repeats)
        ours = _best(lambda: rewrite_module(text, str(path), all_functions=True,
                                            standalone=options.standalone), repeats)
        shown = "/".join(path.parts[-3:])
        print(f"{shown:<45} {text.count(chr(10)):>7} {ours:>9.2f} {plain:>16.2f} "
              f"{ours / plain:>6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
