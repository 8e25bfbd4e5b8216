"""``transpile``: module text in, module text out. Static: it never imports or runs the code.

Functions decorated with ``autograph_jit`` (any import spelling) or ``jax.jit`` (also
``partial(jax.jit, ...)``) are rewritten; with ``all_functions=True`` every top-level
function and method is (generators and coroutines excepted). Parameters named in the
decorator's ``static_argnames`` / ``static_argnums`` are static, and so are module
constants (``LIMIT = 10``). Everything else in the file is reproduced verbatim: each
rewritten definition is spliced into the original text in place of the old one.

``autograph_jit`` decorators become ``jax.jit`` with the same keyword arguments, and the
imports the new code needs (``jax``, ``functools``, ``py2lax``) are added once.

A function that already calls the py2lax runtime is left alone (see
``transpile_targets``), so ``transpile(transpile(s)) == transpile(s)``.

``standalone=True`` (``py2lax --standalone``) writes ``jax.lax`` calls instead of runtime
calls, so the output needs only jax (see ``py2lax.standalone``).

``readable=True`` (what the ``py2lax`` command prints) lays the rewritten functions out
for review (see ``transpile_layout``): the user's comments and blank lines are kept, a
comment above each rewritten statement names the lax primitive that replaces it, a
function whose only change is its decorator keeps its body text as written, and the
added imports go after the module's own imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from py2lax import syntax as S
from py2lax.errors import ConversionError
from py2lax.pipeline import convert_function_tree, new_context
from py2lax.transpile_layout import SourceText, render
from py2lax.standalone import to_plain_jax
from py2lax.standalone_imports import check_no_py2lax_left, without_py2lax_imports
from py2lax.transpile_targets import (CallSite, Imports, Target, helper_targets, owner_class,
                                      targets)


@dataclass
class Rewrite:
    """The result for one module: the new text, or the errors that prevented it."""

    text: str
    rewritten: list[str] = field(default_factory=list)   # names of the rewritten functions
    errors: list[ConversionError] = field(default_factory=list)


@dataclass
class _Edit:
    first: int           # 1-based rows replaced, inclusive
    last: int
    text: str


def transpile(source: str, filename: str = "<string>", *, all_functions: bool = False,
              readable: bool = False, standalone: bool = False) -> str:
    """Rewrite the functions of a module's text; return the new text.

    Raises ``SyntaxError`` or the first ``ConversionError``.

    >>> print(transpile('''
    ... import jax
    ... @jax.jit
    ... def f(x):
    ...     while x < 10:
    ...         x = x * 2
    ...     return x
    ... '''))  # doctest: +NORMALIZE_WHITESPACE
    import py2lax
    import jax
    @jax.jit
    def f(x):
        def loop_cond_5(x):
            return x < 10
        def loop_body_5(x):
            x = x * 2
            return (x,)
        x, = py2lax.while_loop(loop_cond_5, loop_body_5, (x,))
        return x
    """
    result = rewrite_module(source, filename, all_functions=all_functions, readable=readable,
                            standalone=standalone)
    if result.errors:
        raise result.errors[0]
    return result.text


def rewrite_module(source: str, filename: str = "<string>", *, all_functions: bool = False,
                   readable: bool = False, standalone: bool = False) -> Rewrite:
    """Like :func:`transpile`, but every function's ``ConversionError`` is collected.

    ``standalone=True`` writes plain jax instead of runtime calls (see
    :mod:`py2lax.standalone`); the helpers converted functions call are converted too, and
    the module's py2lax imports are dropped.
    """
    module = S.parse_module(source)
    imports = Imports.of(module)
    job = _Job(module, imports, filename, SourceText.of(source) if readable else None,
               imports.spelling("jax") or "jax" if standalone else None)
    result, edits, sites = Rewrite(source), [], []
    todo = targets(module, all_functions)
    done: list[Target] = []
    while todo:
        for target in todo:
            try:
                edit = _rewrite(target, job)
            except ConversionError as error:
                result.errors.append(error)
                continue
            sites += [site for site in target.call_sites if site.kind != "jit"]
            if edit is not None:
                edits.extend(edit)
                result.rewritten.append(target.function.name)
        done += todo
        todo = helper_targets(module, job.called, done) if standalone else []
    edits += _call_site_edits(sites, source.splitlines(keepends=True), job)
    if standalone and not result.errors:
        try:
            check_no_py2lax_left(module, filename, job.dropped)
        except ConversionError as error:
            result.errors.append(error)
    if result.errors or not edits:
        return result
    spliced = _splice(source, edits, readable)
    result.text = _add_imports(spliced, module, imports, job.needed, readable)
    if standalone:
        result.text = without_py2lax_imports(result.text, filename)
    return result


@dataclass
class _Job:
    """What the rewrite of one module shares across its functions."""

    module: S.Module
    imports: Imports
    filename: str
    text: SourceText | None                 # the module's text, for readable output
    jax_name: str | None                    # standalone output: the module's name for jax
    needed: set = field(default_factory=set)     # (module, alias) imports to add
    called: set = field(default_factory=set)     # helpers called through py2lax.converted
    dropped: set = field(default_factory=set)    # ids of the autograph_jit decorators replaced


def _rewrite(target: Target, job: _Job) -> list[_Edit] | None:
    """The edits that replace ``target``'s text, or ``None`` if it stays as it is."""
    function, text = target.function, job.text
    tree = S.deep_copy(function)
    tree.decorator_list = []
    statements = [n for n in S.walk(tree) if isinstance(n, S.stmt)]  # alive: ids stay unique
    context = new_context(tree, job.filename, target.static_names)
    changed = convert_function_tree(tree, context)
    if changed and job.jax_name is not None:
        called = to_plain_jax(tree, context, job.jax_name, job.imports.spelling("jax.numpy"))
        owner = owner_class(job.module, function)
        for name in called:  # `self.step` means the method `step` of this function's class
            if not name.startswith("self."):
                job.called.add(name)
            elif owner is not None:
                job.called.add(f"{owner.name}.{name[len('self.'):]}")
        # Plain jax may be what the file holds already (py2lax --standalone's own output).
        changed = _body_differs(tree, function)
        if changed:
            job.needed.add(("jax", job.jax_name))
    elif changed:
        job.needed.add(("py2lax", context.runtime))
    if not changed and not target.has_autograph:
        return None
    tree.decorator_list = [
        _jit_decorator(decorator.keywords, original, job.imports, job.needed)
        if decorator is not None and decorator.kind == "autograph" else original
        for decorator, original in target.decorators
    ]
    job.dropped |= {id(original) for decorator, original in target.decorators
                    if decorator is not None and decorator.kind == "autograph"}
    first = min([d.lineno for d in function.decorator_list] + [function.lineno])
    if text is None:
        return [_Edit(first, function.end_lineno, S.unparse(tree))]
    indent = text.lines[first - 1][:function.col_offset]
    if not changed:
        return _decorator_edits(target, tree, text)
    kept = {id(n) for n in statements}
    labels_for = job.jax_name if job.jax_name is not None else context.runtime
    return [_Edit(first, function.end_lineno,
                  render(tree, function, text, kept, labels_for, indent,
                         plain=job.jax_name is not None))]


def _body_differs(tree: S.FunctionDef, original: S.FunctionDef) -> bool:
    return S.dump(tree.args) != S.dump(original.args) or len(tree.body) != len(
        original.body) or any(S.dump(a) != S.dump(b) for a, b in zip(tree.body, original.body))


def _call_site_edits(sites: list[CallSite], lines: list[str], job: _Job) -> list[_Edit]:
    """``autograph_jit(f, ...)`` -> ``jax.jit(f, ...)`` and ``py2lax.convert(f)`` -> ``f``
    in the module-level statements that call them, the rest of the line kept as written."""
    by_statement: dict[int, tuple] = {}
    for site in sites:
        by_statement.setdefault(id(site.statement), (site.statement, []))[1].append(site)
    edits = []
    for statement, group in by_statement.values():
        rows = lines[statement.lineno - 1:statement.end_lineno]
        replacements = []
        for site in group:
            job.dropped.add(id(site.call.func))
            if site.kind == "autograph":
                jax_name = job.imports.spelling("jax") or "jax"
                job.needed.add(("jax", jax_name))
                replacements.append((site.call.func, f"{jax_name}.jit"))
            else:
                replacements.append((site.call, site.call.args[0].id))
        for node, text in sorted(replacements, key=lambda r: (r[0].lineno, r[0].col_offset),
                                 reverse=True):
            rows = _replaced(rows, statement.lineno, node, text)
        edits.append(_Edit(statement.lineno, statement.end_lineno, "".join(rows)))
    return edits


def _replaced(rows: list[str], first_row: int, node, text: str) -> list[str]:
    """``rows`` (starting at row ``first_row``) with ``node``'s source span replaced."""
    start, end = node.lineno - first_row, node.end_lineno - first_row
    head = _prefix(rows[start], node.col_offset)
    tail = rows[end][len(_prefix(rows[end], node.end_col_offset)):]
    return rows[:start] + [head + text + tail] + rows[end + 1:]


def _prefix(line: str, byte_column: int) -> str:
    """The text before a column as ``ast`` counts it (in UTF-8 bytes)."""
    return line.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore")


def _decorator_edits(target: Target, tree, text: SourceText) -> list[_Edit]:
    """Only the ``autograph_jit`` decorators change: the rest keeps its text."""
    edits = []
    for (decorator, original), new in zip(target.decorators, tree.decorator_list):
        if decorator is None or decorator.kind != "autograph":
            continue
        first_line = text.lines[original.lineno - 1]
        last_line = text.lines[original.end_lineno - 1]
        prefix = first_line[:original.col_offset]      # indentation and the "@"
        rest = last_line[original.end_col_offset:]      # a trailing comment, if any
        edits.append(_Edit(original.lineno, original.end_lineno,
                           f"{prefix}{S.unparse(new)}{rest}\n"))
    return edits


def _jit_decorator(keywords, location, imports: Imports, needed: set):
    """``@jax.jit`` or ``@functools.partial(jax.jit, **keywords)``, in the module's spelling."""
    jax_name = imports.spelling("jax") or "jax"
    needed.add(("jax", jax_name))
    jit = S.Attribute(value=S.load(jax_name), attr="jit", ctx=S.Load())
    if not keywords:
        return S.set_location(jit, location)
    partial_name = imports.spelling("functools.partial")
    if partial_name is not None:
        partial = S.load(partial_name)
    else:
        functools_name = imports.spelling("functools") or "functools"
        needed.add(("functools", functools_name))
        partial = S.Attribute(value=S.load(functools_name), attr="partial", ctx=S.Load())
    return S.set_location(S.Call(func=partial, args=[jit], keywords=keywords), location)


def _splice(source: str, edits: list[_Edit], readable: bool) -> str:
    lines = source.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: e.first, reverse=True):
        replacement = edit.text if readable else _indented(edit.text, lines[edit.first - 1])
        lines[edit.first - 1:edit.last] = [replacement]
    return "".join(lines)


def _indented(text: str, first_line: str) -> str:
    column = len(first_line) - len(first_line.lstrip())
    indented = "".join(" " * column + line if line.strip() else line
                       for line in text.splitlines(keepends=True))
    return indented + ("\n" if not indented.endswith("\n") else "")


def _add_imports(text: str, module: S.Module, imports: Imports, needed: set,
                 readable: bool) -> str:
    missing = sorted((module_name, alias) for module_name, alias in needed
                     if imports.aliases.get(alias) != module_name)
    if not missing:
        return text
    lines = text.splitlines(keepends=True)
    insert_at = _import_row(module, readable)
    if insert_at == 0:   # keep a shebang, an encoding line or a licence header first
        while insert_at < len(lines) and lines[insert_at].startswith("#"):
            insert_at += 1
    if insert_at and not lines[insert_at - 1].endswith("\n"):
        lines[insert_at - 1] += "\n"
    added = "".join(f"import {name}\n" if name == alias else f"import {name} as {alias}\n"
                    for name, alias in missing)
    return "".join(lines[:insert_at]) + added + "".join(lines[insert_at:])


def _import_row(module: S.Module, readable: bool) -> int:
    """The row after which imports go: the docstring and ``__future__`` imports, and, for
    readable output, the module's leading block of imports."""
    row = 0
    for index, node in enumerate(module.body):
        is_docstring = index == 0 and isinstance(node, S.Expr) and isinstance(
            node.value, S.Constant) and isinstance(node.value.value, str)
        is_future = isinstance(node, S.ImportFrom) and node.module == "__future__"
        is_import = readable and isinstance(node, (S.Import, S.ImportFrom))
        if not (is_docstring or is_future or is_import):
            break
        row = node.end_lineno
    return row
