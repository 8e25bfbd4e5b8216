"""A function chosen by a conditional expression, written as ``lax.switch``
(``--standalone`` only; run on the function before the pipeline).

``op = jnp.add if x > y else jnp.multiply`` then ``op(x, y)``: the runtime carries which
function the traced test chose (``runtime/choices``). Lax cannot return a function from
``lax.cond`` (JAX's 'not a valid JAX type'), but it can carry the choice: the name is
bound to the chosen function's position and each call becomes ``lax.switch`` on it::

    op = jnp.add if x > y else jnp.multiply      op = 0 if x > y else 1
    return op(x, y)                       ->      return jax.lax.switch(op, (jnp.add, jnp.multiply), x, y)

Only where Python's meaning is kept: the name is bound once, by that expression, both
arms name functions (a ``lambda``, a module's attribute, a ``def``), and every read of
the name is a call with plain positional arguments.
"""

from __future__ import annotations

from py2lax.analysis.names import parameter_names
from py2lax.frontend import syntax as S


def switch_chosen_functions(function: S.FunctionDef, module: S.Module | None,
                            jax_name: str) -> bool:
    """Rewrite, in place, each such name of ``function``; return whether any changed."""
    modules = _module_aliases(module)
    definitions = _definitions(function, module)
    changed = False
    for assignment in _single_bindings(function).values():
        name, chosen = assignment.targets[0].id, assignment.value
        if not (isinstance(chosen, S.IfExp) and all(
                _names_a_function(arm, modules, definitions)
                for arm in (chosen.body, chosen.orelse))):
            continue
        calls = _calls_only(function, name)
        if calls is None:
            continue
        branches = S.Tuple(elts=[chosen.body, chosen.orelse], ctx=S.Load())
        chosen.body = S.copy_location(S.Constant(value=0, kind=None), chosen.body)
        chosen.orelse = S.copy_location(S.Constant(value=1, kind=None), chosen.orelse)
        for call in calls:
            switch = S.Attribute(value=S.Attribute(value=S.load(jax_name), attr="lax",
                                                   ctx=S.Load()), attr="switch", ctx=S.Load())
            call.args = [S.load(name), S.deep_copy(branches)] + call.args
            call.func = S.copy_location(switch, call.func)
            for node in S.walk(call.func) + S.walk(call.args[0]) + S.walk(call.args[1]):
                S.copy_location(node, call)
        changed = True
    return changed


def _single_bindings(function) -> dict[str, S.Assign]:
    """Name -> its assignment, for names bound exactly once, by ``name = value``."""
    counts: dict[str, int] = {p: 1 for p in parameter_names(function.args)}
    assigned: dict[str, S.Assign] = {}
    for node in S.walk(function):
        if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Del, S.Param)):
            counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)) and (
                node is not function):
            counts[node.name] = counts.get(node.name, 0) + 2
        elif isinstance(node, (S.Global, S.Nonlocal)):
            for name in node.names:
                counts[name] = 2
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name):
            assigned[node.targets[0].id] = node
    return {name: a for name, a in assigned.items() if counts.get(name) == 1}


def _names_a_function(arm, modules: set[str], definitions: set[str]) -> bool:
    if isinstance(arm, S.Lambda):
        return True
    if isinstance(arm, S.Name):
        return arm.id in definitions
    root = arm
    while isinstance(root, S.Attribute):
        root = root.value
    return isinstance(arm, S.Attribute) and isinstance(root, S.Name) and root.id in modules


def _calls_only(function, name: str) -> list | None:
    """The calls ``name(a, b)`` if every read of ``name`` is one; else None."""
    calls, called = [], set()
    for node in S.walk(function):
        if isinstance(node, S.Call) and isinstance(node.func, S.Name) and node.func.id == name:
            if node.keywords or any(isinstance(a, S.Starred) for a in node.args):
                return None
            calls.append(node)
            called.add(id(node.func))
    for node in S.walk(function):
        if isinstance(node, S.Name) and node.id == name and isinstance(
                node.ctx, S.Load) and id(node) not in called:
            return None
    return calls or None


def _module_aliases(module) -> set[str]:
    """The names the module binds by ``import`` (``np``, ``jnp``, ``jax``, ``math``)."""
    found = set()
    for statement in getattr(module, "body", []):
        if isinstance(statement, S.Import):
            found |= {(a.asname or a.name).split(".")[0] for a in statement.names}
        elif isinstance(statement, S.ImportFrom):
            found |= {a.asname or a.name for a in statement.names}
    return found


def _definitions(function, module) -> set[str]:
    """The ``def``s the function or its module defines."""
    found = {n.name for n in S.walk(function) if isinstance(n, S.FunctionDef)
             and n is not function}
    return found | {s.name for s in getattr(module, "body", []) if isinstance(s, S.FunctionDef)}
