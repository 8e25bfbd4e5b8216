"""A variable first bound inside a loop, read where it may still be unbound: the read
checks a flag, so it raises Python's UnboundLocalError exactly when it runs unbound.

Python raises only at a read that actually runs while the name has no value::

    s = 0.0
    for i in range(n):          # n traced: the loop may run zero times
        s = s + x
    if s > 100.0:
        return i                # raises only if this runs after zero iterations
    return s

Lowered, the loop must give ``i`` some value whether or not it ran, and the runtime
cannot tell which later reads run: it raised at the loop's end whenever the loop ran
zero times (also where Python returns ``s``), and a name first assigned inside a
traced ``while`` loop was refused for every input. So each such name gets a flag that
is true once it is bound, and each read where it may be unbound checks it::

    i_bound = False
    for i in range(n):
        i_bound = True
        s = s + x
    if s > 100.0:
        return py2lax.bound(i, i_bound, 'i')
    return s

``py2lax.bound(value, flag, name)`` is ``value`` where ``flag`` is true, and raises
UnboundLocalError where it is false (under a trace, when the compiled program runs
that read: a read inside a traced branch only if the branch runs). The name itself is
then never read unbound, so a lowered statement may give it zeros of its type.

A name only an ``if`` binds needs no flag: on the path that skipped the assignment it
still holds its ``Undefined`` marker (a traced ``if`` that leaves it unbound where it is
read afterwards is refused at its line, as before), so such a read becomes
``py2lax.defined(y, 'y')``, Python's UnboundLocalError where ``y`` is the marker. The
marker itself raises only where it is computed with; returned, printed, stored in a
list or passed on, it would go on as a value.

Only the runtime's mode (the decorator, ``py2lax --all``) does this; only for a local
variable bound inside a loop by plain assignments or the loop's target (not ``del``,
``with ... as``, ``except ... as``, imports, ``:=``, ``global``/``nonlocal``, a name
a nested function reads), and only where no augmented assignment reads it unbound and
no assignment reads it unbound to bind it (``w = w + x``, an accumulator never
initialised: refused at conversion, as before, with its fix). A read inside a ``try``
is checked too: on Python values the error is raised there and Python's ``except
UnboundLocalError:`` catches it; a traced flag is refused there (located) when a
``try`` around would catch it, since the compiled program raises it past the handler. A
read in a later operand of ``and``/``or`` is checked too: both sides of a traced
``jnp.logical_or`` are computed, but the check fires only where Python evaluates it.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.definedness import _stable_names, is_bound_check, unbound_reads
from py2lax.analysis.names import parameter_names
from py2lax.transforms.context import ConversionContext

_LOOPS = (S.For, S.While)


def guard_unbound_reads(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place (see the module docstring); whether it changed.
    Unchanged after its analysis, it records the names read unbound in
    ``context.read_unbound`` (what ``note_unbound_reads`` would find on the same tree)."""
    context.read_unbound = None
    if context.helper_parameters is None:
        return False  # (plain jax, the language server: no runtime `py2lax.bound`)
    with S.tree_unchanged():  # analyses only: the rewrite starts below
        names, sites = unbound_reads(function)
        if not names:
            context.read_unbound = names
            return False
        in_loops, in_ifs = _candidates(function, names, sites)
    if not (in_loops or in_ifs):
        context.read_unbound = names
        return False
    flags = {name: context.names.new(f"{name}_bound") for name in sorted(in_loops)}
    context.local_names |= set(flags.values())
    runtime = context.runtime
    for node, unbound in sites:
        for part in _entry_parts(node):
            _checked(part, unbound & in_loops, flags, runtime)
            _checked(part, unbound & in_ifs, {}, runtime)
    if not flags:
        return True
    _flag_bindings(function, flags)
    start = 1 if _has_docstring(function) else 0
    function.body[start:start] = [
        S.set_location(S.copy_location(_assign(flag, False), function.body[start]),
                       function.body[start])
        for flag in flags.values()]
    return True


def _candidates(function, names, sites) -> tuple[set[str], set[str]]:
    """The names to check at their unbound reads: those a loop binds (checked with a
    flag) and those only an ``if`` binds (checked for the ``Undefined`` marker)."""
    stable = _stable_names(function) - set(parameter_names(function.args))
    in_loops: set[str] = set()
    in_ifs: set[str] = set()
    refused: set[str] = set()
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.If):
            for inner in S.walk_same_scope_statements(node.body + node.orelse):
                in_ifs |= _simple_bindings(inner)
        if isinstance(node, _LOOPS):
            for inner in S.walk_same_scope_statements(node.body):
                in_loops |= _simple_bindings(inner)
            if isinstance(node, S.For):
                in_loops |= _target_names(node.target)
        refused |= _other_bindings(node)
    for node, unbound in sites:
        if isinstance(node, S.AugAssign) and isinstance(node.target, S.Name):
            refused.add(node.target.id)  # `n += 1` reading it unbound: left as it was
        if isinstance(node, (S.Assign, S.AnnAssign)):
            # `w = w + x` binding it first: an accumulator never initialised, unbound at
            # its first run whatever the input; the located refusal says what to do
            refused |= unbound & _simple_bindings(node)
        if isinstance(node, (S.Try, S.TryStar, S.With, S.AsyncWith, S.Match)):
            refused |= unbound
    checked = {name for name in names if name in stable and name not in refused}
    return checked & in_loops, (checked & in_ifs) - in_loops


def _target_names(target) -> set[str]:
    if isinstance(target, S.Name):
        return {target.id}
    if isinstance(target, (S.Tuple, S.List)):
        return set().union(*(_target_names(e) for e in target.elts)) if target.elts else set()
    if isinstance(target, S.Starred):
        return _target_names(target.value)
    return set()


def _simple_bindings(node) -> set[str]:
    if isinstance(node, S.Assign):
        return set().union(*(_target_names(t) for t in node.targets))
    if isinstance(node, (S.AnnAssign, S.AugAssign)) and getattr(node, "value", None) is not None:
        return _target_names(node.target)
    if isinstance(node, S.For):
        return _target_names(node.target)
    return set()


def _other_bindings(node) -> set[str]:
    """Names ``node`` binds other than by a plain assignment or a ``for`` target."""
    found: set[str] = set()
    if isinstance(node, S.Delete):
        for target in node.targets:
            found |= {n.id for n in S.walk(target) if isinstance(n, S.Name)}
    elif isinstance(node, (S.With, S.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None:
                found |= {n.id for n in S.walk(item.optional_vars) if isinstance(n, S.Name)}
    elif isinstance(node, (S.Import, S.ImportFrom)):
        found |= {(a.asname or a.name).split(".")[0] for a in node.names}
    elif isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
        found.add(node.name)
    elif isinstance(node, (S.Global, S.Nonlocal)):
        found |= set(node.names)
    elif isinstance(node, (S.Try, S.TryStar)):
        for handler in node.handlers:
            if handler.name is not None:
                found.add(handler.name.id if isinstance(handler.name, S.Name) else handler.name)
    elif isinstance(node, S.Match):
        for case in node.cases:
            found |= {n for n in _pattern_names(case.pattern)}
    elif isinstance(node, (S.AsyncFor,)):
        found |= _target_names(node.target)
    if isinstance(node, S.stmt) and not isinstance(node, S.SCOPE_NODES):
        for child in S.walk_same_scope(node):
            if isinstance(child, S.NamedExpr) and isinstance(child.target, S.Name):
                found.add(child.target.id)
    return found


def _pattern_names(pattern) -> set[str]:
    return {getattr(n, "name") for n in S.walk(pattern)
            if isinstance(getattr(n, "name", None), str)}


def _entry_parts(node) -> list:
    if isinstance(node, (S.If, S.While)):
        return [node.test]
    if isinstance(node, S.For):
        return [node.iter]
    if isinstance(node, (S.Try, S.TryStar, S.With, S.AsyncWith, S.Match, S.AsyncFor)):
        return []
    return [node]


def _checked(part, names: set[str], flags: dict[str, str], runtime: str) -> None:
    """Each read of ``names`` in ``part`` (its own scope) -> ``py2lax.bound(...)``, or
    ``py2lax.defined(name, 'name')`` for a name without a flag."""
    if not names:
        return
    checked = {id(c.args[0]) for c in S.walk_same_scope(part)
               if is_bound_check(c) or _is_defined_check(c)}
    for parent in S.walk_same_scope(part):
        for field, value in S.iter_fields(parent):
            items = value if isinstance(value, list) else [value]
            for index, child in enumerate(items):
                if not (isinstance(child, S.Name) and isinstance(child.ctx, S.Load)
                        and child.id in names and id(child) not in checked):
                    continue
                flag = [S.load(flags[child.id])] if child.id in flags else []
                call = S.Call(
                    func=S.Attribute(value=S.load(runtime), attr="bound" if flag else "defined",
                                     ctx=S.Load()),
                    args=[S.load(child.id), *flag, S.Constant(value=child.id, kind=None)],
                    keywords=[])
                call = S.set_location(S.copy_location(call, child), child)
                for inner in S.walk(call):
                    S.set_location(S.copy_location(inner, child), child)
                if isinstance(value, list):
                    value[index] = call
                else:
                    setattr(parent, field, call)


def _is_defined_check(node) -> bool:
    return (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
            and node.func.attr == "defined" and isinstance(node.func.value, S.Name)
            and node.func.value.id.startswith("py2lax") and len(node.args) == 2
            and isinstance(node.args[0], S.Name))


def _flag_bindings(function, flags: dict[str, str]) -> None:
    """``name_bound = True`` after each statement that binds ``name``, and first in the
    body of a ``for`` loop whose target it is."""
    for node in [function] + [n for n in S.walk_same_scope_statements(function.body)
                              if not isinstance(n, S.SCOPE_NODES)]:
        for field, statements in list(S.statement_lists(node)):
            new = []
            for statement in statements:
                new.append(statement)
                bound = _simple_bindings(statement) if not isinstance(statement, S.For) else set()
                new += [_located(_assign(flags[name], True), statement)
                        for name in sorted(bound) if name in flags]
            if isinstance(node, S.For) and field == "body":
                new = [_located(_assign(flags[name], True), node)
                       for name in sorted(_target_names(node.target)) if name in flags] + new
            setattr(node, field, new)


def _assign(name: str, value: bool):
    return S.Assign(targets=[S.store(name)], value=S.Constant(value=value, kind=None),
                    type_comment=None)


def _located(statement, where):
    return S.set_location(S.copy_location(statement, where), where)


def _has_docstring(function) -> bool:
    first = function.body[0] if function.body else None
    return (isinstance(first, S.Expr) and isinstance(first.value, S.Constant)
            and isinstance(first.value.value, str) and len(function.body) > 1)
