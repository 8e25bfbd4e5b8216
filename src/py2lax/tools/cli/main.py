"""The ``py2lax`` command: rewritten source on stdout, or ``--diff``, ``--check``, ``--write``.

A thin :func:`main` reads the settings (``[tool.py2lax]`` in ``pyproject.toml``, then the
arguments: ``settings``), finds the files (``files``) and hands each to
:func:`_process`. Every file is handled on its own, so one that fails (cannot be read,
does not parse, would be broken by the rewrite) is reported on one line and the others
still are; inside a file, a function that cannot be converted is left as Python with a
comment saying why, and the other functions are still rewritten. The files are read as
text and never imported or executed: what is traced is decided from the code alone (see
``py2lax.transpiler``).

Before any rewritten text is shown or written, it must parse, and a second run over it
must change nothing (black's safety check); a file that fails this is reported as a
py2lax bug and left untouched.

Exit status: 0 done; 1 ``--check`` found a file that would change; 2 an error (a file
could not be read, parsed or rewritten, py2lax failed on a function, or the arguments or
settings were wrong).
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass

from py2lax.tools.cli import diff as cli_diff
from py2lax.tools.cli import files as cli_files
from py2lax.tools.cli.settings import Settings, SettingsError, combined, project_root, read_table
from py2lax.diagnostics.errors import ConversionError
from py2lax.transpiler import Rewrite, describe, rewrite_module

EXIT_OK, EXIT_WOULD_CHANGE, EXIT_ERROR = 0, 1, 2


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
        "Files are read, never imported or executed. Defaults come from [tool.py2lax] in "
        "the project's pyproject.toml.",
        epilog="exit status: 0 done, 1 --check found files that would change, 2 errors. "
        "'py2lax lsp' starts the language server on stdio (a file named lsp: py2lax ./lsp).",
    )
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="Python files, directories (every *.py below them), or - for stdin")
    parser.add_argument("--all", dest="all_functions", action="store_true", default=None,
                        help="rewrite every function, not only jax.jit/autograph_jit ones")
    parser.add_argument("--standalone", action="store_true", default=None,
                        help="write plain jax.lax calls: the output needs only jax, not py2lax")
    parser.add_argument("--diff", action="store_true",
                        help="print a unified diff instead of the rewritten source")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if any file would change")
    parser.add_argument("--write", action="store_true",
                        help="rewrite the files in place (only those that change)")
    parser.add_argument("--exclude", action="append", metavar="PATTERNS",
                        help="gitignore-style patterns (comma-separated, repeatable) of paths "
                        "not to search in directories; replaces the default list")
    parser.add_argument("--extend-exclude", action="append", default=[], metavar="PATTERNS",
                        help="patterns to exclude in addition to the default list")
    parser.add_argument("--force-exclude", action="store_true", default=None,
                        help="exclude matching files even when they are named explicitly")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the diff: auto (on a terminal, unless NO_COLOR is set)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="report errors only (no notes, no 'rewrote'/'would rewrite' lines)")
    parser.add_argument("--version", action="version", version=f"py2lax {_version()}")
    return parser


def _version() -> str:
    from py2lax import __version__

    return __version__


def _patterns(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [p.strip() for value in values for p in value.split(",") if p.strip()]


def _settings(argv: list[str]) -> tuple[Settings, list[str]]:
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.write and (arguments.diff or arguments.check):
        parser.error("--write cannot be combined with --diff or --check")
    root = project_root(arguments.files)
    table, config = read_table(root)
    values = combined(
        table, exclude=_patterns(arguments.exclude),
        extend_exclude=_patterns(arguments.extend_exclude),
        all_functions=arguments.all_functions, standalone=arguments.standalone,
        force_exclude=arguments.force_exclude)
    settings = Settings(
        **values, diff=arguments.diff, check=arguments.check, write=arguments.write,
        quiet=arguments.quiet, color=cli_diff.use_color(arguments.color, sys.stdout),
        root=root, config=config)
    return settings, arguments.files


def main(argv: list[str] | None = None) -> int:
    """Run the command on ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    ``py2lax lsp ...`` starts the language server instead (``py2lax.tools.lsp``); a file
    named ``lsp`` is rewritten with ``py2lax ./lsp`` (or ``py2lax -- lsp``).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["lsp"]:
        from py2lax.tools.lsp import run

        return run(argv[1:])
    try:
        settings, arguments = _settings(argv)
    except SettingsError as error:
        _err(f"py2lax: {error}")
        return EXIT_ERROR
    selection = cli_files.Selection(settings.root, settings.exclude,
                                    settings.respect_gitignore, settings.force_exclude)
    names = list(selection.expand(arguments))
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
    text = _rewritten(source, settings, tally)
    if text is None:
        return
    changed = text != source.text
    tally.changed += changed
    tally.unchanged += not changed
    if settings.prints_source or (settings.write and source.path is None):
        _out(f"# ==> {shown} <==\n" if header else "", text)
    if settings.diff and changed:
        diff = cli_diff.unified(source.text, text, shown)
        _out(cli_diff.colored(diff) if settings.color else diff)
    if settings.check and changed:
        _note(settings, f"would rewrite {shown}")
    if settings.write and changed and source.path is not None:
        try:
            cli_files.write(source, text)
        except OSError as error:
            return _fail(tally, shown, 1, 1, f"cannot write: {_reason(error)}")
        _note(settings, f"rewrote {shown}")


def _rewritten(source: cli_files.SourceFile, settings: Settings, tally: Tally) -> str | None:
    """The new text of one file, or ``None`` after reporting why there is none."""
    try:
        result = _rewrite(source.text, source.name, settings)
    except SyntaxError as error:
        _fail(tally, source.name, error.lineno or 1, error.offset or 1,
              f"syntax error: {error.msg}")
        return None
    except Exception as error:  # a py2lax bug: report it like any error, go on with the rest
        _fail(tally, source.name, 1, 1,
              f"internal error: {describe(error)} (please report this bug)")
        return None
    if result.refusal is not None:
        _fail(tally, source.name, *_where(result.refusal),
              _problem(result.refusal) + _fix(result.refusal))
        return None
    _report_functions(source.name, result, settings, tally)
    if result.text != source.text:
        broken = _unsafe(result.text, source.name, settings)
        if broken is not None:
            _fail(tally, source.name, *broken)
            return None
    return result.text


def _rewrite(text: str, filename: str, settings: Settings) -> Rewrite:
    return rewrite_module(text, filename, all_functions=settings.all_functions,
                          readable=True, standalone=settings.standalone)


def _report_functions(shown: str, result: Rewrite, settings: Settings, tally: Tally) -> None:
    """One line per function left as written: a note for code py2lax cannot convert (the
    function has a comment saying why), an error for a py2lax bug."""
    internal = False
    for failure in result.failures:
        if failure.internal:
            internal = True
            _err(f"{shown}:{failure.line}:{failure.column}: internal error on "
                 f"`{failure.name}`, left as written: {describe(failure.error)} "
                 "(please report this bug)")
        else:
            line, column = failure.where()
            _note(settings, f"{shown}:{line}:{column}: {_problem(failure.error)}"
                            f"{_fix(failure.error)} (`{failure.name}` left as Python)")
    tally.failed += internal


def _unsafe(text: str, filename: str, settings: Settings) -> tuple[int, int, str] | None:
    """Why ``text`` must not replace the file (it does not parse, or a second run would
    change it again), as ``(line, column, message)``; ``None`` if it is safe."""
    try:
        ast.parse(text)
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None) or 1
        return 1, 1, (f"internal error: the rewritten text does not parse (line {line}: "
                      f"{getattr(error, 'msg', error)}); the file is left as it is "
                      "(please report this bug)")
    try:
        again = _rewrite(text, filename, settings).text
    except Exception as error:  # noqa: BLE001  (reported as the bug it is)
        again = f"<{describe(error)}>"
    if again != text:
        line = next((number for number, (a, b) in enumerate(
            zip(text.splitlines(), again.splitlines()), start=1) if a != b),
            min(text.count("\n"), again.count("\n")) + 1)
        return 1, 1, (f"internal error: a second run would change the rewritten text "
                      f"again (at its line {line}); the file is left as it is (please "
                      "report this bug)")
    return None


def _where(error: ConversionError) -> tuple[int, int]:
    location = error.location
    return (location.line, location.column + 1) if location else (1, 1)


def _problem(error: ConversionError) -> str:
    return error.problem.splitlines()[0] if error.problem else type(error).__name__


def _fix(error: ConversionError) -> str:
    """``; instead, <the fix>``, the first line of what the error says to do, if anything."""
    fix = (getattr(error, "fix", None) or "").strip()
    if not fix or "; instead, " in _problem(error):
        return ""
    return "; instead, " + fix.splitlines()[0].rstrip(".")


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
        parts.append(f"{_files(tally.failed)} with errors")
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
