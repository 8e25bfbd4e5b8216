"""The ``py2lax`` command: rewritten source on stdout, or ``--diff``, ``--check``, ``--write``.

A thin :func:`main` parses the arguments into :class:`Settings` and hands each file to
:func:`_process`; every file is handled on its own, so one that fails (cannot be read,
does not parse, cannot be converted) is reported on one line and the others still are.
The files are read as text and never imported or executed: what is traced is decided
from the code alone (see ``py2lax.transpiler``).

Exit status: 0 done; 1 ``--check`` found a file that would change; 2 an error (a file
could not be read, parsed or converted, or the arguments were wrong).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from py2lax import cli_diff, cli_files
from py2lax.errors import ConversionError
from py2lax.transpiler import Rewrite, rewrite_module

EXIT_OK, EXIT_WOULD_CHANGE, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Settings:
    """What one run does, independent of how it was asked for."""

    all_functions: bool = False
    standalone: bool = False
    diff: bool = False
    check: bool = False
    write: bool = False
    color: bool = False
    quiet: bool = False

    @property
    def prints_source(self) -> bool:
        return not (self.diff or self.check or self.write)


@dataclass
class Tally:
    """Files seen so far, by outcome; decides the exit status and the summary."""

    changed: int = 0
    unchanged: int = 0
    failed: int = 0

    def exit_code(self, settings: Settings) -> int:
        if self.failed:
            return EXIT_ERROR
        return EXIT_WOULD_CHANGE if settings.check and self.changed else EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="py2lax",
        description="Rewrite Python control flow on traced JAX values (if/while/for in "
        "jax.jit and autograph_jit functions) into lax primitives, and print the module. "
        "Files are read, never imported or executed.",
        epilog="exit status: 0 done, 1 --check found files that would change, 2 errors. "
        "'py2lax lsp' starts the language server on stdio (a file named lsp: py2lax ./lsp).",
    )
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="Python files, directories (every *.py below them), or - for stdin")
    parser.add_argument("--all", dest="all_functions", action="store_true",
                        help="rewrite every function, not only jax.jit/autograph_jit ones")
    parser.add_argument("--standalone", action="store_true",
                        help="write plain jax.lax calls: the output needs only jax, not py2lax")
    parser.add_argument("--diff", action="store_true",
                        help="print a unified diff instead of the rewritten source")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if any file would change")
    parser.add_argument("--write", action="store_true",
                        help="rewrite the files in place (only those that change)")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the diff: auto (on a terminal, unless NO_COLOR is set)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="report errors only (no 'rewrote'/'would rewrite' lines)")
    parser.add_argument("--version", action="version", version=f"py2lax {_version()}")
    return parser


def _version() -> str:
    from py2lax import __version__

    return __version__


def _settings(argv: list[str] | None) -> tuple[Settings, list[str]]:
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.write and (arguments.diff or arguments.check):
        parser.error("--write cannot be combined with --diff or --check")
    settings = Settings(
        all_functions=arguments.all_functions, standalone=arguments.standalone,
        diff=arguments.diff, check=arguments.check,
        write=arguments.write, quiet=arguments.quiet,
        color=cli_diff.use_color(arguments.color, sys.stdout),
    )
    return settings, arguments.files


def main(argv: list[str] | None = None) -> int:
    """Run the command on ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    ``py2lax lsp ...`` starts the language server instead (``py2lax.lsp``); a file
    named ``lsp`` is rewritten with ``py2lax ./lsp`` (or ``py2lax -- lsp``).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["lsp"]:
        from py2lax.lsp import run

        return run(argv[1:])
    settings, arguments = _settings(argv)
    names = list(cli_files.expand(arguments))
    tally = Tally()
    for name in names:
        _process(name, settings, tally, header=len(names) > 1)
    _summary(settings, tally)
    return tally.exit_code(settings)


def _process(name: str, settings: Settings, tally: Tally, header: bool) -> None:
    shown = "<stdin>" if name == cli_files.STDIN else name
    try:
        source = cli_files.read(name)
    except (OSError, ValueError, SyntaxError) as error:
        return _fail(tally, shown, 1, 1, f"cannot read: {_reason(error)}")
    result = _rewritten(source, settings, tally)
    if result is None:
        return
    changed = result.text != source.text
    tally.changed += changed
    tally.unchanged += not changed
    if settings.prints_source or (settings.write and source.path is None):
        _out(f"# ==> {shown} <==\n" if header else "", result.text)
    if settings.diff and changed:
        diff = cli_diff.unified(source.text, result.text, shown)
        _out(cli_diff.colored(diff) if settings.color else diff)
    if settings.check and changed:
        _note(settings, f"would rewrite {shown}")
    if settings.write and changed and source.path is not None:
        try:
            cli_files.write(source, result.text)
        except OSError as error:
            return _fail(tally, shown, 1, 1, f"cannot write: {_reason(error)}")
        _note(settings, f"rewrote {shown}")


def _rewritten(source: cli_files.SourceFile, settings: Settings, tally: Tally) -> Rewrite | None:
    """The rewrite of one file, or ``None`` after reporting why there is none."""
    try:
        result = rewrite_module(source.text, source.name, all_functions=settings.all_functions,
                                readable=True, standalone=settings.standalone)
    except SyntaxError as error:
        _fail(tally, source.name, error.lineno or 1, error.offset or 1,
              f"syntax error: {error.msg}")
        return None
    except Exception as error:  # a py2lax bug: report it like any error, go on with the rest
        _fail(tally, source.name, 1, 1,
              f"internal error: {type(error).__name__}: {error} (please report this bug)")
        return None
    for error in result.errors:
        _report_conversion_error(source.name, error)
    if result.errors:
        tally.failed += 1
        return None
    return result


def _report_conversion_error(shown: str, error: ConversionError) -> None:
    location = error.location
    line, column = (location.line, location.column + 1) if location else (1, 1)
    problem = error.problem.splitlines()[0] if error.problem else type(error).__name__
    _err(f"{shown}:{line}:{column}: {problem}")


def _fail(tally: Tally, shown: str, line: int, column: int, message: str) -> None:
    tally.failed += 1
    _err(f"{shown}:{line}:{column}: {message}")


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)


def _summary(settings: Settings, tally: Tally) -> None:
    if settings.quiet or not (settings.check or settings.write):
        return
    verb = "would be rewritten" if settings.check else "rewritten"
    parts = [f"{_files(tally.changed)} {verb}", f"{_files(tally.unchanged)} left unchanged"]
    if tally.failed:
        parts.append(f"{_files(tally.failed)} failed")
    _err(", ".join(parts) + ".")


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def _note(settings: Settings, message: str) -> None:
    if not settings.quiet:
        _err(message)


def _out(*texts: str) -> None:
    sys.stdout.write("".join(texts))
    sys.stdout.flush()


def _err(message: str) -> None:
    sys.stdout.flush()
    print(message, file=sys.stderr)
