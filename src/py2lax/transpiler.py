"""``transpile``: module text in, module text out. Static: it never imports or runs the code.

Functions decorated with ``autograph_jit`` (any import spelling) or ``jax.jit`` (also
``partial(jax.jit, ...)``) are rewritten; with ``all_functions=True`` every top-level
function and method is (generators and coroutines excepted). Parameters named in the
decorator's ``static_argnames`` / ``static_argnums`` are static, and so are module
constants (``LIMIT = 10``). Everything else in the file is reproduced verbatim: each
rewritten definition is spliced into the original text in place of the old one.

Each function is converted on its own: one that cannot be converted (a
``ConversionError``) is left as Python with a ``# py2lax: left as Python: ...`` comment
above it saying why, and one py2lax fails on (a bug) is left exactly as written and
reported; the other functions are still rewritten.

``autograph_jit`` decorators become ``jax.jit`` with the same keyword arguments, and the
imports the new code needs (``jax``, ``functools``, ``py2lax``) are added once, where
isort would put them (``backends.printing.imports``).

A function that already calls the py2lax runtime is left alone (see
``analysis.targets``), so ``transpile(transpile(s)) == transpile(s)``.

``standalone=True`` (``py2lax --standalone``) writes ``jax.lax`` calls instead of runtime
calls, so the output needs only jax (see ``py2lax.backends.plain_lax.emitter``).

``readable=True`` (what the ``py2lax`` command prints) lays the rewritten functions out
for review (see ``backends.printing.layout``): the user's text is kept wherever the code did not
change, so are comments and blank lines, a comment above each rewritten statement names
the lax primitive that replaces it, and a function whose only change is its decorator
keeps its body text as written.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass, field

from py2lax.frontend import syntax as S
from py2lax.diagnostics.errors import ConversionError, Location, UnsupportedSyntaxError
from py2lax.transforms.private_names import mangle_attribute_strings
from py2lax.pipeline import convert_function_tree, methods_defined_in, new_context
from py2lax.backends.plain_lax.prepare import prepare_for_plain_jax
from py2lax.backends.plain_lax.emitter import to_plain_jax
from py2lax.backends.plain_lax.imports import check_no_py2lax_left, without_py2lax_imports
from py2lax.backends.plain_lax.kept_functions import guard_edits
from py2lax.backends.plain_lax.shared_definitions import with_shared_definitions
from py2lax.backends.printing.edits import (Edit, call_site_edits, decorator_edits, decorator_text,
                                    jit_decorator, splice)
from py2lax.backends.printing.imports import add_imports
from py2lax.backends.printing.layout import SourceText, render
from py2lax.analysis.in_place import keeping_calls, module_helper_parameters
from py2lax.analysis.targets import (Imports, Target, helper_targets, module_helpers,
                                      owner_class, targets)

LEFT_AS_PYTHON = "# py2lax: left as Python: "


@dataclass
class Failure:
    """A function left as written: ``error`` is a ``ConversionError`` (the code cannot be
    converted; the function gets a comment saying why) or any other exception (a py2lax
    bug; the function is left exactly as it was)."""

    name: str
    line: int                 # where the function's text starts (1-based)
    column: int
    error: Exception
    end_line: int = 0         # its last line

    def where(self) -> tuple[int, int]:
        """The error's line and column (from 1) if it lies in the function, else the
        function's own."""
        location = getattr(self.error, "location", None)
        if location is not None and self.line <= location.line <= self.end_line:
            return location.line, location.column + 1
        return self.line, self.column

    @property
    def internal(self) -> bool:
        return not isinstance(self.error, ConversionError)


@dataclass
class Rewrite:
    """The result for one module: the new text, and what could not be converted."""

    text: str
    rewritten: list[str] = field(default_factory=list)   # names of the rewritten functions
    # Every ConversionError: those of the functions left as Python, then ``refusal``.
    errors: list[ConversionError] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)   # the functions left as written
    refusal: ConversionError | None = None   # the module as a whole; ``text`` is the input


def transpile(source: str, filename: str = "<string>", *, all_functions: bool = False,
              readable: bool = False, standalone: bool = False) -> str:
    """Rewrite the functions of a module's text; return the new text.

    A function that cannot be converted is left as Python with a comment above it saying
    why (``# py2lax: left as Python: ...``); one that py2lax fails on (a bug) is left as
    written, with a ``RuntimeWarning``. Raises ``SyntaxError`` if the text does not
    parse, and a ``ConversionError`` if ``standalone`` output would still need py2lax
    (``py2lax.to_source(f)`` at module level, say).

    >>> print(transpile('''
    ... import jax
    ... @jax.jit
    ... def f(x):
    ...     while x < 10:
    ...         x = x * 2
    ...     return x
    ... '''))  # doctest: +NORMALIZE_WHITESPACE
    import jax
    import py2lax
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
    if result.refusal is not None:
        raise result.refusal
    for failure in result.failures:
        if failure.internal:
            warnings.warn(f"{filename}:{failure.line}: py2lax failed on `{failure.name}`, "
                          f"which is left as written: {describe(failure.error)} (please "
                          "report this bug)", RuntimeWarning, stacklevel=2)
    return result.text


def describe(error: Exception) -> str:
    """One line about an exception py2lax did not expect: its type and first line."""
    lines = str(error).splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def rewrite_module(source: str, filename: str = "<string>", *, all_functions: bool = False,
                   readable: bool = False, standalone: bool = False) -> Rewrite:
    """Like :func:`transpile`, but only ``SyntaxError`` is raised: what could not be
    converted is in the result (``failures``, ``errors``, ``refusal``).

    ``standalone=True`` writes plain jax instead of runtime calls (see
    :mod:`py2lax.backends.plain_lax.emitter`); the helpers converted functions call are converted too, and
    the module's py2lax imports are dropped.
    """
    module = S.parse_module(source)
    imports = Imports.of(module)
    job = _Job(module, imports, filename, SourceText.of(source) if readable else None,
               imports.spelling("jax") or "jax" if standalone else None,
               S.source_lines(source, keepends=True))
    result, edits, sites = Rewrite(source), [], []
    todo = targets(module, all_functions)
    done: list[Target] = []
    while todo:
        for target in todo:
            changes, rewritten = _rewrite_or_leave(target, job, result)
            edits.extend(changes)
            # Its module-level calls change with it; in plain-jax output they always do,
            # so that no `py2lax.autograph_jit(f)` is left even for an `f` that needs none.
            if rewritten or (standalone and result.refusal is None):
                sites += [site for site in target.call_sites if site.kind != "jit"]
        done += todo
        todo = helper_targets(module, job.called, done)
    edits += call_site_edits(sites, job.lines, job.imports, job.needed, job.dropped)
    if standalone and result.refusal is None:
        try:
            check_no_py2lax_left(module, filename, job.dropped)
        except ConversionError as error:
            result.refusal = error
    if result.refusal is not None:
        result.errors.append(result.refusal)
        return result
    if not edits:
        return result
    spliced = splice(job.lines, edits, readable)
    try:
        result.text = add_imports(spliced, imports, job.needed)
        if standalone:
            result.text = with_shared_definitions(without_py2lax_imports(
                result.text, filename), job.jax_name, imports.spelling("jax.numpy"))
    except SyntaxError as error:  # the input parsed: this is py2lax's own mistake
        raise RuntimeError(f"the rewritten text does not parse (line {error.lineno}: "
                           f"{error.msg})") from None
    return result


@dataclass
class _Job:
    """What the rewrite of one module shares across its functions."""

    module: S.Module
    imports: Imports
    filename: str
    text: SourceText | None                 # the module's text, for readable output
    jax_name: str | None                    # standalone output: the module's name for jax
    lines: list[str]                        # the module's rows, with their line ends
    needed: set = field(default_factory=set)     # (module, alias) imports to add
    called: set = field(default_factory=set)     # module helpers converted functions call
    dropped: set = field(default_factory=set)    # ids of the autograph_jit decorators replaced
    _slice_bound: bool | None = None

    @functools.cached_property
    def user_methods(self) -> frozenset[str]:
        """The methods the module's classes define (see ``ConversionContext``)."""
        return methods_defined_in(self.module)

    @functools.cached_property
    def properties(self) -> dict[str, set[str]]:
        """The properties the module's top-level classes define: name -> ``Class.name``."""
        return properties_defined_in(self.module)

    @functools.cached_property
    def helpers(self) -> dict:
        """The module's functions the command converts itself, by class."""
        return module_helpers(self.module)

    def slice_is_rebound(self) -> bool:
        """Whether the module binds the name ``slice`` (printed ``x[a:b] = v`` calls it)."""
        if self._slice_bound is None:
            self._slice_bound = any(
                (isinstance(n, S.Name) and n.id == "slice" and not isinstance(n.ctx, S.Load))
                or (isinstance(n, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef))
                    and n.name == "slice")
                or (isinstance(n, S.alias) and (n.asname or n.name) == "slice")
                for n in S.walk(self.module))
        return self._slice_bound


def _rewrite_or_leave(target: Target, job: _Job, result: Rewrite) -> tuple[list[Edit], bool]:
    """The edits for one function, and whether it is rewritten. It is rewritten; or left as
    Python with a comment saying why (a ConversionError); or left exactly as written (any
    other exception, which is reported)."""
    function = target.function
    saved = (set(job.needed), set(job.called), set(job.dropped))
    try:
        edits = _rewrite(target, job)
    except Exception as error:  # one function's failure must not stop the others
        job.needed, job.called, job.dropped = saved
        result.failures.append(Failure(_qualified(job.module, function), _first_row(function),
                                       function.col_offset + 1, error, function.end_lineno))
        if not isinstance(error, ConversionError):
            return [], False
        result.errors.append(error)
        if job.jax_name is not None and (target.has_autograph or _uses_py2lax(function, job)):
            result.refusal = result.refusal or error   # the output would still need py2lax
            return [], False
        note = _note_edit(function, job, _left_as_python_comment(error, function, job))
        guards = guard_edits(function, job.lines) if job.jax_name is not None else []
        if guards:  # its broad `except` clauses let JAX's errors through (plain_lax)
            job.needed.add(("jax", job.jax_name))
        return ([note] if note is not None else []) + guards, False
    if edits is not None:
        result.rewritten.append(function.name)
    stale = _note_edit(function, job, None)
    return (edits or []) + ([stale] if stale is not None else []), edits is not None


def _uses_py2lax(function, job: _Job) -> bool:
    bound = {name for name, target in job.imports.aliases.items()
             if target == "py2lax" or target.startswith("py2lax.")}
    return any(isinstance(n, S.Name) and n.id in bound for n in S.walk(function))


def _qualified(module: S.Module, function) -> str:
    owner = owner_class(module, function)
    return f"{owner.name}.{function.name}" if owner is not None else function.name


def _first_row(function) -> int:
    return min([d.lineno for d in function.decorator_list] + [function.lineno])


def _left_as_python_comment(error: ConversionError, function, job: _Job) -> tuple[str, str]:
    """``# py2lax: left as Python: <problem> (`<the statement>`)``, and the part before the
    quote. No line number, which would move as the file changes."""
    problem = LEFT_AS_PYTHON + (error.problem.splitlines()[0] if error.problem
                                else type(error).__name__)
    if job.jax_name is not None and error.fix and "; instead, " not in problem:
        problem += "; instead, " + error.fix.splitlines()[0]  # --standalone says what to write
    location = error.location
    if location is None or not function.body[0].lineno <= location.line <= function.end_lineno:
        return problem, problem
    statement = SourceText.of(job.lines[location.line - 1].strip()).code(1)
    if len(statement) > 60:
        statement = statement[:57] + "..."
    return (f"{problem} (`{statement}`)" if statement else problem), problem


def _note_edit(function, job: _Job, comment: tuple[str, str] | None) -> Edit | None:
    """Put ``comment`` (the text, and the part that says why) above ``function`` in place
    of the one an earlier run wrote there; ``None``: only remove that one. An earlier
    comment that says the same is kept as it is, so a second run changes nothing."""
    start = _first_row(function)
    above = start - 1
    while above >= 1 and job.lines[above - 1].lstrip().startswith(LEFT_AS_PYTHON.rstrip()):
        above -= 1
    earlier = [line.strip() for line in job.lines[above:start - 1]]
    if comment is None and not earlier:
        return None
    if comment is not None and len(earlier) == 1 and earlier[0].startswith(comment[1]):
        return None
    line = job.lines[start - 1]
    indent = line[:len(line) - len(line.lstrip())]
    return Edit(above + 1, start - 1, f"{indent}{comment[0]}\n" if comment else "",
                indented=True)


def _rewrite(target: Target, job: _Job) -> list[Edit] | None:
    """The edits that replace ``target``'s text, or ``None`` if it stays as it is."""
    function, text = target.function, job.text
    tree = S.deep_copy(function)
    tree.decorator_list = []
    statements = [n for n in S.walk(tree) if isinstance(n, S.stmt)]  # alive: ids stay unique
    owner = owner_class(job.module, function)
    direct = _direct_calls(job.helpers, owner)
    context = new_context(tree, job.filename, target.static_names, direct_calls=direct,
                          user_methods=job.user_methods)
    context.standalone = job.jax_name is not None
    # the module's helpers that may update an argument in place: the caller writes it back
    # (not in plain jax, which keeps a helper's write as Python's: see plain_lax)
    context.helper_parameters = module_helper_parameters(job.module).get(
        owner.name if owner is not None else None, {}) if job.jax_name is None else None
    context.keeping_calls = keeping_calls(tree, job.module)
    # plain jax: what the runtime keeps state for (a helper's writes into an array, a
    # string or function a traced test chooses) is first written as plain Python
    if job.jax_name is not None:
        prepare_for_plain_jax(tree, job.module, job.jax_name, context.records)
    convert_function_tree(tree, context)
    changed = bool(context.records.changes())
    job.called |= _helpers_called(tree, direct, owner) | _properties_used(function, job)
    if changed and job.slice_is_rebound() and _prints_slice_objects(tree):
        raise UnsupportedSyntaxError(
            "this module binds the name `slice`, which the rewritten `x[a:b] = v` would call",
            location=Location(job.filename, function.lineno, function.col_offset),
            names=("slice",), fix="rename the module's `slice`")
    if changed and job.jax_name is not None:
        callbacks = _host_callbacks(function)
        called = to_plain_jax(tree, context, job.jax_name, job.imports.spelling("jax.numpy"),
                              module=job.module)
        _restore_host_callbacks(tree, callbacks, context.records)
        for name in called:  # `self.step` means the method `step` of this function's class
            if not name.startswith("self."):
                job.called.add(name)
            elif owner is not None:
                job.called.add(f"{owner.name}.{name[len('self.'):]}")
        # What the emitter wrote back as the user wrote it no longer counts: plain jax
        # may be what the file holds already (py2lax --standalone's own output).
        changed = bool(context.records.changes())
        if changed and context.records.calls_jax:
            job.needed.add(("jax", job.jax_name))
    elif changed:
        job.needed.add(("py2lax", context.runtime))
        mangle_attribute_strings(tree, owner.name if owner is not None else None,
                                 context.runtime)
    if not changed and not target.has_autograph:
        return None
    tree.decorator_list = [
        jit_decorator(decorator.keywords, original, job.imports, job.needed)
        if decorator is not None and decorator.kind == "autograph" else original
        for decorator, original in target.decorators
    ]
    job.dropped |= {id(original) for decorator, original in target.decorators
                    if decorator is not None and decorator.kind == "autograph"}
    first = min([d.lineno for d in function.decorator_list] + [function.lineno])
    if text is None:
        return [Edit(first, function.end_lineno, S.unparse(tree))]
    indent = text.lines[first - 1][:function.col_offset]
    decorators = {id(new): decorator_text(new, job.lines)
                  for new, (_, original) in zip(tree.decorator_list, target.decorators)
                  if new is not original}
    if not changed:
        return decorator_edits(target, tree, text, decorators)
    kept = {id(n) for n in statements}
    return [Edit(first, function.end_lineno,
                  render(tree, function, text, kept, context.records, indent,
                         plain=job.jax_name is not None, decorators=decorators))]


_CALLBACKS = frozenset({"callback", "pure_callback", "io_callback"})


def _host_callbacks(function) -> dict[tuple[str, int], list]:
    """The nested functions ``function`` passes to ``jax.debug.callback``,
    ``jax.pure_callback`` or ``io_callback`` (by name and row), with a copy of their
    bodies. They run in Python on concrete values, so they mean what they say as
    written; plain jax made of them (an ``assert ok`` in the ``check_5`` a first
    ``--standalone`` run wrote, read again) would be a callback inside a callback."""
    names = {node.args[0].id for node in S.walk(function)
             if isinstance(node, S.Call) and node.args and isinstance(node.args[0], S.Name)
             and (getattr(node.func, "attr", None) or getattr(node.func, "id", None))
             in _CALLBACKS}
    return {(node.name, node.lineno): S.deep_copy(node.body) for node in S.walk(function)
            if isinstance(node, S.FunctionDef) and node is not function and node.name in names}


def _restore_host_callbacks(tree, callbacks: dict, records) -> None:
    """Give the callbacks their bodies back, and the records of those lines up."""
    for node in S.walk(tree):
        if isinstance(node, S.FunctionDef) and (node.name, node.lineno) in callbacks:
            node.body = callbacks[(node.name, node.lineno)]
            records.restored(node.body[0].lineno, node.end_lineno)


def _direct_calls(helpers: dict, owner) -> frozenset[str]:
    """The callees a function calls directly: the module's functions and, in a method,
    the class's other methods on ``self`` (the command converts them itself)."""
    methods = helpers.get(owner.name, set()) if owner is not None else set()
    return frozenset(helpers.get(None, set()) | {f"self.{name}" for name in methods})


def _helpers_called(tree, direct: frozenset[str], owner) -> set[str]:
    """The module's functions ``tree`` calls (``Class.method`` for ``self.method``)."""
    called = set()
    for node in S.walk(tree):
        if not isinstance(node, S.Call):
            continue
        function = node.func
        if isinstance(function, S.Name) and function.id in direct:
            called.add(function.id)
        elif (isinstance(function, S.Attribute) and isinstance(function.value, S.Name)
              and f"{function.value.id}.{function.attr}" in direct and owner is not None):
            called.add(f"{owner.name}.{function.attr}")
    return called


def _properties_used(function, job: _Job) -> set[str]:
    """The module's properties ``function`` may read or assign (``obj.v``), as
    ``Class.v``: Python runs their getters and setters for it, with no call to convert, so
    the command converts them as it converts the helpers a function calls (a traced ``if``
    in a getter then works under jit, and the output keeps the user's ``obj.v``)."""
    if not job.properties:
        return set()
    used = set()
    for node in S.walk(function):
        if isinstance(node, S.Attribute) and node.attr in job.properties:
            used |= job.properties[node.attr]
    return used


def properties_defined_in(module: S.Module) -> dict[str, set[str]]:
    """``name -> {"Class.name", ...}`` for the getters and setters (``@property``,
    ``@name.setter``) of the module's top-level classes."""
    found: dict[str, set[str]] = {}
    for node in module.body:
        if not isinstance(node, S.ClassDef):
            continue
        for item in node.body:
            if isinstance(item, S.FunctionDef) and any(
                    _is_property_decorator(d, item.name) for d in item.decorator_list):
                found.setdefault(item.name, set()).add(f"{node.name}.{item.name}")
    return found


def _is_property_decorator(decorator, name: str) -> bool:
    if isinstance(decorator, S.Name):
        return decorator.id == "property"
    return (isinstance(decorator, S.Attribute) and decorator.attr in ("getter", "setter")
            and isinstance(decorator.value, S.Name) and decorator.value.id == name)


def _prints_slice_objects(tree) -> bool:
    """Whether a slice appears outside brackets (printed as a ``slice(...)`` call)."""
    in_brackets = {id(n.slice) for n in S.walk(tree) if isinstance(n, S.Subscript)}
    in_brackets |= {id(e) for n in S.walk(tree) if isinstance(n, S.Subscript)
                    and isinstance(n.slice, S.Tuple) for e in n.slice.elts}
    return any(isinstance(n, S.Slice) and id(n) not in in_brackets for n in S.walk(tree))
