"""Which of a function's variables its nested functions and lambdas share with it.

Python closures bind late: a nested ``def`` or ``lambda`` reads (or, with ``nonlocal``,
writes) the variable itself, not the value it had when the closure was made. Lowering
moves statements into generated functions whose parameters are *copies* of the carried
variables, which would give closures a snapshot instead. The lowering reads these facts
to keep Python's meaning: a *cell variable* is declared ``nonlocal`` in every generated
function that assigns it, and counts as live everywhere (a closure may read it at any
later time).

>>> from py2lax.frontend import syntax as S
>>> fn = S.parse_module('''
... def f(n):
...     i = 0
...     s = 0
...     def read_i():
...         return i
...     def bump():
...         nonlocal s
...         s += read_i()
...     fns = [lambda: n]
...     return s
... ''').body[0]
>>> sorted(cell_variables(fn))
['i', 'n', 'read_i', 's']
>>> nonlocal_writers(fn)
{'bump': {'s'}}
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.names import (bound_names, declared_nonlocal, free_names,
                                   parameter_names)

_CLOSURES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda)


def _closures(statements: list) -> list:
    """The outermost defs and lambdas in ``statements``, including those inside this
    scope's comprehensions and classes (which run at once, but whose closures outlive
    them)."""
    found, todo = [], list(statements)
    while todo:
        node = todo.pop()
        if isinstance(node, S.Lambda) and S.is_thunk(node):
            todo.append(node.body)  # called at once by the runtime: part of this scope
        elif isinstance(node, _CLOSURES):
            found.append(node)
            if not isinstance(node, S.Lambda):  # defaults and decorators run here
                todo += node.decorator_list
            todo += [d for d in node.args.defaults + node.args.kw_defaults if d is not None]
        else:
            todo += S.iter_child_nodes(node)
    return found


def _local_names(function) -> set[str]:
    names = set(parameter_names(function.args)) | bound_names(function.body)
    return names - declared_nonlocal(function.body)


def cell_variables(function: S.FunctionDef) -> frozenset[str]:
    """The function's own variables that a nested def or lambda reads or assigns."""
    shared: set[str] = set()
    for closure in _closures(function.body):
        shared |= free_names(closure)
    return frozenset(shared & _local_names(function))


def nonlocal_writers(function: S.FunctionDef) -> dict[str, set[str]]:
    """Nested ``def`` name -> the function's variables that calling it may assign.

    A def writes what it declares ``nonlocal``, and what the writers it mentions write.
    """
    local = _local_names(function)
    defs = [n for n in S.walk_same_scope_statements(function.body) if isinstance(n, S.FunctionDef)]
    writes = {d.name: declared_nonlocal(d.body) & local for d in defs}
    mentions = {d.name: {n.id for s in d.body for n in S.walk(s)
                         if isinstance(n, S.Name) and n.id in writes} for d in defs}
    changed = True
    while changed:
        changed = False
        for name, mentioned in mentions.items():
            extra = set().union(*(writes[m] for m in mentioned)) - writes[name]
            if extra:
                writes[name] |= extra
                changed = True
    return {name: names for name, names in writes.items() if names}
