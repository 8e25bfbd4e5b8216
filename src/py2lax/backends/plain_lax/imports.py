"""Dropping the py2lax imports from ``--standalone`` output, which must need only jax.

Once every rewritten function calls jax directly and its ``autograph_jit`` decorators
are ``jax.jit``, ``from py2lax import autograph_jit`` and ``import py2lax`` are dead. Any
other use of them (``py2lax.to_source(f)`` at module level, a function left as it is
that calls py2lax) would need py2lax, so it is reported at the user's line instead of
producing a module that fails on import.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.diagnostics.errors import Location, UnsupportedSyntaxError


def check_no_py2lax_left(module: S.Module, filename: str, dropped: set[int]) -> None:
    """Raise, at the user's line, if ``module`` uses py2lax anywhere but in the decorators
    whose ``id`` is in ``dropped`` (the ``autograph_jit`` decorators that become ``jax.jit``)."""
    bound = {_bound_name(alias) for node in S.walk(module) if _imports_py2lax(node, filename)
             for alias in node.names}
    if not bound:
        return
    skipped = {id(n) for node in S.walk(module) if id(node) in dropped for n in S.walk(node)}
    for node in S.walk(module):
        if isinstance(node, S.Name) and node.id in bound and id(node) not in skipped:
            raise UnsupportedSyntaxError(
                f"--standalone: `{node.id}` from py2lax is still used here",
                location=Location(filename, node.lineno, node.col_offset), names=(node.id,),
                rule="--standalone output must run with only jax installed.",
                fix="remove this use of py2lax (or convert the function it is in), or drop "
                "--standalone")


def without_py2lax_imports(text: str, filename: str) -> str:
    """``text`` without its py2lax imports (:func:`check_no_py2lax_left` said nothing else
    uses them)."""
    module = S.parse_module(text)
    imports = [node for node in S.walk(module) if _imports_py2lax(node, filename)]
    if not imports:
        return text
    lines = S.source_lines(text, keepends=True)
    top_level = {id(node) for node in module.body}
    for node in sorted(imports, key=lambda n: n.lineno, reverse=True):
        first, last = node.lineno - 1, node.end_lineno - 1
        whole_lines = (node.col_offset == len(lines[first]) - len(lines[first].lstrip())
                       and not lines[last][node.end_col_offset:].strip())
        if id(node) in top_level and whole_lines:
            del lines[first:last + 1]
            if 0 < first < len(lines) and not lines[first - 1].strip() and not lines[first].strip():
                del lines[first]   # the import was a group of its own: one blank line goes too
        else:  # shares its line, or is alone in a block: keep the statement's place
            head = lines[first][:node.col_offset]
            lines[first:last + 1] = [head + "pass" + lines[last][node.end_col_offset:]]
    return "".join(lines)


def _imports_py2lax(node, filename: str) -> bool:
    if isinstance(node, S.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, S.ImportFrom) and not node.level:
        names = [node.module or ""]
    else:
        return False
    ours = [name == "py2lax" or name.startswith("py2lax.") for name in names]
    if any(ours) and not all(ours):
        raise UnsupportedSyntaxError(
            "--standalone: this import mixes py2lax with other modules",
            location=Location(filename, node.lineno, node.col_offset),
            fix="import py2lax on a line of its own, so that line can be dropped")
    return any(ours)


def _bound_name(alias) -> str:
    return alias.asname or alias.name.split(".")[0]
