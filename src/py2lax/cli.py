"""The ``py2lax`` command: print the rewritten source of Python files. Runs none of them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from py2lax.errors import ConversionError
from py2lax.transpile import transpile


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="py2lax",
        description="Rewrite Python control flow on traced values into lax primitives and "
        "print the result. Files are read, never imported or executed.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="Python files, or - for stdin")
    parser.add_argument("--all", dest="all_functions", action="store_true",
                        help="rewrite every function, not only jit/autograph_jit ones")
    return parser


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    return Path(name).read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    status = 0
    for name in options.files:
        shown = "<stdin>" if name == "-" else name
        try:
            sys.stdout.write(transpile(_read(name), shown, all_functions=options.all_functions))
        except SyntaxError as error:
            print(f"{shown}:{error.lineno}:{error.offset or 0}: syntax error: {error.msg}",
                  file=sys.stderr)
            status = 2
        except ConversionError as error:
            location = error.location
            line, column = (location.line, location.column) if location else (0, 0)
            print(f"{shown}:{line}:{column}: {error.problem}", file=sys.stderr)
            status = 2
        except (OSError, UnicodeDecodeError) as error:
            print(f"{shown}:0:0: cannot read: {error}", file=sys.stderr)
            status = 2
    return status
