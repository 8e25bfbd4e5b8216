"""Calls of the module's helpers that write into an array argument, made to return it
(``--standalone`` only; run on the caller before the pipeline).

``step(v, i, x)`` where the module's ``def step(v, i, x)`` assigns ``v[i] = ...``: NumPy
changes the caller's ``v``. Plain jax cannot change an array in place, and inside a lax
body (a traced ``if``/loop) the helper's Python write runs once, while tracing, on
whatever ``v`` holds then (a NumPy array takes it silently: a wrong answer). The runtime
writes the change back through its holders; plain jax has none, so the call is written
the way a JAX user would: the caller gets a nested copy of the helper that returns what
it returns *and* the parameters it writes into, and the call rebinds the caller's names::

    def f(x):                                def f(x):
        v = np.zeros(3)                          def step_written(v, i, x):
        for i in range(3):                           ...                     # step's body
            step(v, i, x)            ->              return (None, v)
        return v                                 v = np.zeros(3)
                                                 for i in range(3):
                                                     v = step_written(v, i, x)[1]
                                                 return v

The copy is converted like any nested ``def`` (its traced ``if`` becomes ``lax.cond``,
its ``v[i] = e`` a ``.at[i].set`` since it now returns ``v``), and ``v`` is carried by
the caller's lax statements like any local. A call is rewritten only where that keeps
Python's meaning: the written arguments are distinct plain names of arrays local to
the caller that nothing else in the caller aliases, the call is a whole statement's
or a simple statement's value, and the copy's free names mean the same in the caller.
Other calls keep the emitter's guard. A parameter's array is its own caller's too: its
call gets the ``_kept`` copy, whose writes change a NumPy array in place (or raise) and
whose ``if``s run through ``_py2lax_parameter_cond``; the caller's ``if`` around the call
does too, and a loop around it stays Python, so the caller's NumPy array changes.
"""

from __future__ import annotations

from py2lax.analysis.names import parameter_names
from py2lax.backends.plain_lax.statements import _written_parameters
from py2lax.backends.plain_lax.module_memo import memo
from py2lax.frontend import syntax as S

_SIMPLE = (S.Expr, S.Assign, S.AugAssign, S.AnnAssign, S.Return)
_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)


def write_back_helper_calls(function: S.FunctionDef, module: S.Module | None) -> bool:
    """Rewrite, in place, the calls in ``function`` of ``module``'s helpers that write
    into array arguments (see the module docstring); return whether any changed."""
    if module is None:
        return False
    helpers = memo(module, "writing_helpers", lambda: _writing_helpers(module))
    local = _bound_names(function)
    helpers = {name: h for name, h in helpers.items() if name not in local}
    aliases = _ArrayModules(module)
    # a parameter's array is written back only where no code of the module calls the
    # function: a caller there would read its own array again, which `.at` leaves as it was
    aliases.entry_point = function.name not in memo(
        module, "names_read", lambda: _names_read(module))
    copies: dict[str, S.FunctionDef] = {}
    _rewrite_block(function, function.body, helpers, copies, local, aliases)
    if not copies:
        return False
    function.body[:0] = list(copies.values())
    return True


def _writing_helpers(module: S.Module) -> dict[str, tuple]:
    """``name -> (def, written parameters, those written by `v *= k`)`` for the
    module's undecorated functions, bound once, that assign into a parameter's items
    (or update it by an augmented assignment) and do not return it."""
    bindings: dict[str, list] = {}
    for statement in module.body:
        for name in _bound_by(statement):
            bindings.setdefault(name, []).append(statement)
    found = {}
    for name, bound in bindings.items():
        definition = bound[0]
        if len(bound) != 1 or not isinstance(definition, S.FunctionDef):
            continue
        if definition.decorator_list or not _plain(definition):
            continue
        augmented = _augmented_parameters(definition)
        written = _written_parameters(definition) | augmented
        if written:
            order = [p for p in parameter_names(definition.args) if p in written]
            found[name] = (definition, order, augmented)
    return found


def _augmented_parameters(definition: S.FunctionDef) -> set[str]:
    """Parameters the helper updates by ``v *= k`` (``/=``, ``+=``...) and never binds
    or returns otherwise: in place for an array (NumPy changes the caller's), a new
    value for a number. Written back only where the caller's name holds an array
    (``_made_as_arrays``)."""
    augmented = [n for n in S.walk(definition) if isinstance(n, S.AugAssign)
                 and isinstance(n.target, S.Name)]
    targets = {id(n.target) for n in augmented}
    other = {n.id for n in S.walk(definition) if isinstance(n, S.Name) and isinstance(
        n.ctx, (S.Store, S.Del)) and id(n) not in targets}
    for node in S.walk(definition):
        if isinstance(node, S.Return) and node.value is not None:
            other |= {n.id for n in S.walk(node.value) if isinstance(n, S.Name)}
    return ({n.target.id for n in augmented} & set(parameter_names(definition.args))) - other


def _plain(definition: S.FunctionDef) -> bool:
    """No ``*args``/``**kwargs``, ``yield``, ``global`` or ``nonlocal``: a copy that
    returns more means what the helper means."""
    arguments = definition.args
    if arguments.vararg is not None or arguments.kwarg is not None:
        return False
    return not any(isinstance(n, (S.Yield, S.YieldFrom, S.Global, S.Nonlocal, S.Await))
                   for n in S.walk(definition))


def _bound_by(statement) -> list[str]:
    if isinstance(statement, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
        return [statement.name]
    names = []
    for node in S.walk(statement):
        if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Del)):
            names.append(node.id)
        elif isinstance(node, S.alias):
            names.append((node.asname or node.name).split(".")[0])
    return names


def _bound_names(function: S.FunctionDef) -> set[str]:
    """Every name ``function`` binds (parameters, assignments, nested definitions)."""
    names = set(parameter_names(function.args))
    for node in S.walk(function):
        if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Del, S.Param)):
            names.add(node.id)
        elif isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)) and (
                node is not function):
            names.add(node.name)
    return names


def _rewrite_block(function, statements: list, helpers, copies, local, aliases) -> None:
    """Each statement of ``statements`` and of the blocks inside it, a ``try``'s
    handlers and a ``match``'s cases included (not inside nested definitions, whose
    names are their own)."""
    index = 0
    while index < len(statements):
        statement = statements[index]
        if isinstance(statement, _SCOPES):
            index += 1
            continue
        for field, inner in list(S.statement_lists(statement)):
            _rewrite_block(function, inner, helpers, copies, local, aliases)
        for part in getattr(statement, "handlers", []) + getattr(statement, "cases", []):
            _rewrite_block(function, part.body, helpers, copies, local, aliases)
        if isinstance(statement, S.For):
            _read_by_position(statement, local)
        scope = statement if isinstance(statement, _SIMPLE) else statement.test if isinstance(
            statement, S.If) else None  # (an `if`'s test runs once, before its blocks)
        new = None if scope is None else _rewritten(function, statement, scope, helpers,
                                                    copies, local, aliases)
        if new is None:
            index += 1
            continue
        statements[index:index + 1] = new
        index += len(new)


def _rewritten(function, statement, scope, helpers, copies, local, aliases) -> list | None:
    """The statements that replace ``statement`` if ``scope`` (the statement, or the
    test of an ``if``) calls one writing helper whose call can rebind the caller's
    names, else None."""
    calls = [n for n in _same_scope(scope) if isinstance(n, S.Call)
             and isinstance(n.func, S.Name) and n.func.id in helpers]
    if len(calls) != 1:
        return None
    call = calls[0]
    definition, written, augmented = helpers[call.func.id]
    arguments = _bound_arguments(definition, call)
    if arguments is None or any(p not in arguments for p in written):
        return None
    targets = [arguments[p] for p in written]
    if not all(isinstance(t, S.Name) for t in targets):
        return None
    if not all(_made_as_array(function, arguments[p].id, aliases.numpy)
               for p in augmented):
        return None  # (`v *= k` rebinds a number: the caller's stays as it was)
    names = [t.id for t in targets]
    if any(_made_by(function, n, aliases.jax_numpy) for n in names):
        return None  # (Python's write into a JAX array raises: the guard says so)
    if len(set(names)) != len(names) or not _unaliased(function, names):
        return None
    if _containers(function, names):
        return None  # (containers: the emitter refills them)
    if _read_elsewhere(scope, call, names):
        return None
    # the caller's own caller holds a parameter's array: the `_kept` copy, whose writes
    # change a NumPy array in place (or raise) and whose `if`s and loops keep that
    suffix = "_kept" if _callers_array(function, statement, names) else "_written"
    if suffix == "_kept" and not aliases.entry_point:
        return None
    if _free_names(definition) & (local | {definition.name + suffix}) - set(
            parameter_names(definition.args)):
        return None  # (the copy, nested in the caller, would read the caller's names)
    copy_name = f"{definition.name}{suffix}"
    if copy_name not in copies:
        copies[copy_name] = _returning_copy(definition, copy_name, written)
    result = S.Call(func=S.load(copy_name), args=call.args, keywords=call.keywords)
    targets_out = [S.store(n) for n in names]
    if isinstance(statement, S.Expr) and statement.value is call:
        parts = S.Subscript(value=result, slice=S.Slice(lower=S.Constant(value=1, kind=None),
                                                          upper=None, step=None), ctx=S.Load())
        target = S.Tuple(elts=targets_out, ctx=S.Store()) if len(names) > 1 else targets_out[0]
        if len(names) == 1:
            parts = S.Subscript(value=result, slice=S.Constant(value=1, kind=None),
                                ctx=S.Load())
        new = S.Assign(targets=[target], value=parts, type_comment=None)
        return [S.in_place_write(_located(new, statement))]
    value_name = f"{definition.name}_value"
    if value_name in local:
        return None
    hoisted = S.Assign(targets=[S.Tuple(elts=[S.store(value_name)] + targets_out,
                                        ctx=S.Store())], value=result, type_comment=None)
    _replace(statement, call, S.load(value_name))
    return [S.in_place_write(_located(hoisted, statement)), statement]


def _read_by_position(loop: S.For, local: set[str]) -> None:
    """``for e in u:`` (or ``enumerate(u)``) whose body now rebinds ``u`` only through
    rewritten helper calls (``u = bump_written(u, 3, 0.25)[1]``): NumPy's loop reads each
    item of the one array as it is then, while Python's iterator over a JAX array would
    keep the array it started with. The loop reads ``u`` by position instead::

        for u_index in range(len(u)):
            e = u[u_index]
    """
    iterable, target = loop.iter, loop.target
    index_name = None
    if (isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name)
            and iterable.func.id == "enumerate" and len(iterable.args) == 1
            and not iterable.keywords and "enumerate" not in local
            and isinstance(target, S.Tuple) and len(target.elts) == 2
            and isinstance(target.elts[0], S.Name)):
        iterable, index_name, target = iterable.args[0], target.elts[0].id, target.elts[1]
    if not isinstance(iterable, S.Name) or local & {"range", "len"}:
        return
    name = iterable.id
    nodes = _same_function(loop)  # (its body's nodes, not inside nested definitions)
    written = {id(t) for node in nodes if S.is_in_place_write(node)
               for target in node.targets for t in S.walk(target)}
    bindings = [node for node in nodes if isinstance(node, S.Name) and node.id == name
                and isinstance(node.ctx, (S.Store, S.Del))]
    if not bindings or any(id(node) not in written for node in bindings) or (
            name in {n.id for n in S.walk(target) if isinstance(n, S.Name)}):
        return
    if index_name is None:
        index_name = f"{name}_index"
        if index_name in local:
            return
        local.add(index_name)
    item = S.Assign(targets=[target], value=S.Subscript(
        value=S.load(name), slice=S.load(index_name), ctx=S.Load()), type_comment=None)
    loop.body.insert(0, _located(item, loop))
    loop.target = _located(S.store(index_name), loop)
    loop.iter = _located(S.Call(func=S.load("range"), args=[S.Call(
        func=S.load("len"), args=[S.load(name)], keywords=[])], keywords=[]), loop)


def _same_scope(statement) -> list:
    """The nodes of ``statement`` outside lambdas and comprehensions (a call there runs
    later or many times)."""
    found, todo = [], [statement]
    while todo:
        node = todo.pop()
        found.append(node)
        for child in S.iter_child_nodes(node):
            if not isinstance(child, (S.Lambda, S.ListComp, S.SetComp, S.DictComp,
                                      S.GeneratorExp, S.IfExp, S.BoolOp)):
                todo.append(child)
    return found


def _bound_arguments(definition, call) -> dict | None:
    """Parameter -> the call's argument expression (defaults are not written into: a
    helper writing into a default would change the default, not the caller's array)."""
    if any(isinstance(a, S.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords):
        return None
    names = parameter_names(definition.args)
    if len(call.args) > len(names):
        return None
    bound = dict(zip(names, call.args))
    for keyword in call.keywords:
        if keyword.arg not in names or keyword.arg in bound:
            return None
        bound[keyword.arg] = keyword.value
    return bound


def _unaliased(function, names: list[str]) -> bool:
    """No other name of the caller holds the same array: no ``w = v``, and ``v`` is
    not put in a list, tuple, dict or attribute (NumPy would show the write there)."""
    for node in S.walk(function):
        if isinstance(node, (S.Assign, S.AnnAssign)) and isinstance(node.value, S.Name) and (
                node.value.id in names):
            return False
        held = [node.value] if isinstance(node, S.Assign) and isinstance(
            node.value, S.Tuple) and not isinstance(node.targets[0], S.Tuple) else []
        held += [node] if isinstance(node, (S.List, S.Set, S.Dict)) else []
        for container in held:  # (a tuple returned or unpacked holds nothing after)
            elements = (container.values if isinstance(container, S.Dict)
                        else container.elts)
            if any(isinstance(e, S.Name) and e.id in names for e in elements):
                return False
        if isinstance(node, S.Call) and any(isinstance(a, S.Name) and a.id in names for a in
                                            node.args) and isinstance(node.func, S.Attribute) and (
                node.func.attr in ("append", "extend", "insert", "setdefault")):
            return False
    return True


def _made_as_array(function, name: str, numpy_names: set[str]) -> bool:
    """Every binding of ``name`` in the caller makes a NumPy array (``np.array(x)``,
    ``np.zeros(n)``), which ``v *= k`` changes in place. (Not a JAX array, nor a
    NumPy scalar such as ``np.sum(x)``: ``*=`` gives those a new value.)"""
    bindings = [n for n in S.walk(function) if isinstance(n, S.Name) and n.id == name
                and isinstance(n.ctx, (S.Store, S.Del, S.Param))]
    values = [a.value for a in S.walk(function) if isinstance(a, S.Assign) and any(
        t is n for t in a.targets for n in bindings)]
    augmented = [a for a in S.walk(function) if isinstance(a, S.AugAssign) and any(
        a.target is n for n in bindings)]
    if not values or len(values) + len(augmented) != len(bindings):
        return False
    return all(isinstance(v, S.Call) and isinstance(v.func, S.Attribute)
               and isinstance(v.func.value, S.Name) and v.func.value.id in numpy_names
               and v.func.attr in _NUMPY_ARRAY_MAKERS for v in values)


_NUMPY_ARRAY_MAKERS = frozenset({
    "array", "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "full_like",
    "empty_like", "arange", "linspace", "eye", "identity", "copy"})


class _ArrayModules:
    """The names the module binds to NumPy (``import numpy as np``) and to
    ``jax.numpy`` (``import jax.numpy as jnp``, ``from jax import numpy as jnp``)."""

    def __init__(self, module):
        self.numpy, self.jax_numpy = set(), set()
        for statement in getattr(module, "body", []):
            if isinstance(statement, S.Import):
                for alias in statement.names:
                    if alias.name == "numpy":
                        self.numpy.add(alias.asname or alias.name)
                    elif alias.name == "jax.numpy" and alias.asname:
                        self.jax_numpy.add(alias.asname)
            elif isinstance(statement, S.ImportFrom) and statement.module == "jax":
                self.jax_numpy |= {a.asname or a.name for a in statement.names
                                   if a.name == "numpy"}


def _made_by(function, name: str, modules: set[str]) -> bool:
    """Some ``name = m.f(...)`` in ``function`` with ``m`` one of ``modules``."""
    return any(isinstance(a, S.Assign) and any(
        isinstance(t, S.Name) and t.id == name for t in a.targets)
        and isinstance(a.value, S.Call) and isinstance(a.value.func, S.Attribute)
        and isinstance(a.value.func.value, S.Name) and a.value.func.value.id in modules
        for a in S.walk(function))


def _callers_array(function, statement, names: list[str]) -> bool:
    """A name that is still the caller's parameter at ``statement``: its array is also
    the one the caller's own caller holds, which NumPy would change. A parameter the
    function's body rebinds first (``v = np.array(v)``, ``u = u.copy()``, at its top
    level, before the statement) is the function's own array."""
    parameters = set(parameter_names(function.args)) & set(names)
    if not parameters:
        return False
    for top in function.body:
        if any(n is statement for n in S.walk(top)):
            break
        if isinstance(top, S.Assign) and not _kept_call(top.value):
            for target in top.targets:
                parameters -= {n.id for n in S.walk(target)
                               if isinstance(n, S.Name) and isinstance(n.ctx, S.Store)}
    return bool(parameters)


def _names_read(module: S.Module) -> set[str]:
    """The names (and attribute names) the module's code reads, as written."""
    return {n.id for n in S.walk(module) if isinstance(n, S.Name) and isinstance(
        n.ctx, S.Load)} | {n.attr for n in S.walk(module) if isinstance(n, S.Attribute)}


def _kept_call(value) -> bool:
    """``put_kept(v, i, x)[1]``: a call written here, which rebinds the caller's own
    array (its caller's still), not a new one."""
    if isinstance(value, S.Subscript):
        value = value.value
    return isinstance(value, S.Call) and isinstance(value.func, S.Name) and (
        value.func.id.endswith("_kept"))


def _containers(function, names: list[str]) -> bool:
    """A name bound to a list, dict or set (a display or ``list(...)``): the emitter
    carries a container a helper writes into as its contents (``_py2lax_refill``)."""
    for node in S.walk(function):
        if isinstance(node, S.Assign) and any(
                isinstance(t, S.Name) and t.id in names for t in node.targets):
            value = node.value
            if isinstance(value, (S.List, S.Dict, S.Set, S.ListComp, S.DictComp,
                                  S.SetComp, S.Tuple)) or (
                    isinstance(value, S.Call) and isinstance(value.func, S.Name)
                    and value.func.id in ("list", "dict", "set", "tuple")):
                return True
    return False


def _read_elsewhere(statement, call, names) -> bool:
    """``statement`` reads a written name outside the call: Python reads it before or
    after the write, depending on where; hoisting the call would change which."""
    inside = {id(n) for n in S.walk(call)}
    return any(isinstance(n, S.Name) and n.id in names and id(n) not in inside
               for n in S.walk(statement))


def _free_names(definition: S.FunctionDef) -> set[str]:
    return {n.id for n in S.walk(definition) if isinstance(n, S.Name)
            and isinstance(n.ctx, S.Load)}


def _returning_copy(definition: S.FunctionDef, name: str, written: list[str]):
    """``definition`` renamed ``name``, each of its ``return e`` now ``return (e, *written)``
    and its end ``return (None, *written)``."""
    copy = S.deep_copy(definition)
    copy.name = name
    for node in _same_function(copy):
        if isinstance(node, S.Return):
            value = node.value if node.value is not None else S.Constant(value=None, kind=None)
            node.value = S.copy_location(S.Tuple(
                elts=[value] + [S.load(p) for p in written], ctx=S.Load()), node)
    if not (copy.body and isinstance(copy.body[-1], S.Return)):
        end = S.Return(value=S.Tuple(elts=[S.Constant(value=None, kind=None)]
                                     + [S.load(p) for p in written], ctx=S.Load()))
        copy.body.append(_located(end, copy.body[-1] if copy.body else copy))
    return copy


def _same_function(function) -> list:
    """The nodes of ``function``'s body (or a loop's), not inside nested definitions."""
    found, todo = [], list(function.body)
    while todo:
        node = todo.pop()
        found.append(node)
        if not isinstance(node, _SCOPES):
            todo.extend(S.iter_child_nodes(node))
    return found


def _replace(statement, old, new) -> None:
    for node in S.walk(statement):
        for field in node._fields:
            value = getattr(node, field, None)
            if value is old:
                setattr(node, field, new)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new


def _located(node, source):
    """``node`` and what it holds at ``source``'s line."""
    for inner in S.walk(node):
        S.copy_location(inner, source)
        if hasattr(source, "end_lineno"):
            inner.end_lineno = source.end_lineno
            inner.end_col_offset = getattr(source, "end_col_offset", None)
    return node


def names_read_after_write_back(module: S.Module) -> set[str]:
    """The names (and attribute names) the module reads once its functions' helper calls
    are written back: a helper whose every call became its ``_written`` copy is read by
    no code of the output, and a second run of the command must find it so in the first
    (``PlainJax.is_entry_point``), or the output would not be a fixed point."""
    def compute():
        read = set()
        for statement in module.body:
            if isinstance(statement, S.FunctionDef):
                statement = S.deep_copy(statement)
                write_back_helper_calls(statement, module)
            for node in S.walk(statement):
                if isinstance(node, S.Name) and isinstance(node.ctx, S.Load):
                    read.add(node.id)
                elif isinstance(node, S.Attribute):
                    read.add(node.attr)
        return read
    return memo(module, "names_read_after_write_back", compute)
