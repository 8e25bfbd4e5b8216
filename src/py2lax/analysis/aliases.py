"""Containers another name can reach, changed in place: their changes must stay visible.

A traced statement carries only the variables read after it. A list that the statement
appends to but that the function never reads again still matters when another name
holds the same object: the caller's list given as an argument (``push(acc, x)``), a
row of a nested list (``r = rows[0]``), an attribute (``h = self.hist``), a loop
variable over a list of lists. (A second local name for a list, ``b = acc``, is not
followed: most such names are given the list after it is built.) Such names count as read
everywhere, so the statement carries them and the runtime writes the result back into
the object itself.

>>> from py2lax.frontend import syntax as S
>>> tree = S.parse_module('''
... def f(acc, x, rows):
...     r = rows[0]
...     fresh = []
...     if x > 0:
...         acc.append(x); r.append(x); fresh.append(x)
... ''').body[0]
>>> sorted(shared_and_changed_in_place(tree))
['acc', 'r']
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.names import parameter_names

# Methods that change a list, dict, set or deque in place.
CHANGING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "add",
    "discard", "sort", "reverse", "popitem", "appendleft", "extendleft", "popleft",
    "difference_update", "intersection_update", "symmetric_difference_update",
})


def shared_and_changed_in_place(function: S.FunctionDef, runtime: str = "py2lax"
                                ) -> frozenset[str]:
    """The names of ``function`` (not of nested scopes) whose object another name may
    reach and that the function changes in place (see the module docstring).

    Updates already rewritten by RewriteItemAssignment (``acc = py2lax.append(acc, x)``,
    ``r = py2lax.setitem(r, 0, v)``, ``runtime`` being the package's name) count too.
    """
    shared = set(parameter_names(function.args)) - {"self", "cls"}
    changed = set()
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name):
            target, value = node.targets[0].id, node.value
            if isinstance(value, (S.Attribute, S.Subscript)):
                shared.add(target)  # `r = rows[0]`, `h = self.hist`
            elif _runtime_update_of(value, target, runtime):
                changed.add(target)
        elif isinstance(node, S.For) and isinstance(node.target, S.Name):
            shared.add(node.target.id)  # an item of the container looped over
        elif isinstance(node, S.Call) and isinstance(node.func, S.Attribute):
            if node.func.attr in CHANGING_METHODS and isinstance(node.func.value, S.Name):
                changed.add(node.func.value.id)
        if isinstance(node, (S.Assign, S.AugAssign, S.Delete)):
            targets = (node.targets if isinstance(node, (S.Assign, S.Delete))
                       else [node.target])
            for target in targets:
                if isinstance(target, S.Subscript) and isinstance(target.value, S.Name):
                    changed.add(target.value.id)  # `acc[i] = v`, `del d[k]`
    return frozenset(shared & changed)


_RUNTIME_UPDATES = frozenset({"setitem", "append", "extend"})


def _runtime_update_of(value, target: str, runtime: str) -> bool:
    """``value`` is ``py2lax.setitem(target, ...)`` (or ``append``/``extend``)."""
    return (isinstance(value, S.Call) and isinstance(value.func, S.Attribute)
            and value.func.attr in _RUNTIME_UPDATES and isinstance(value.func.value, S.Name)
            and value.func.value.id == runtime and bool(value.args)
            and isinstance(value.args[0], S.Name) and value.args[0].id == target)


def is_runtime_setitem_of(value, target: str, runtime: str = "py2lax") -> bool:
    """``value`` is ``py2lax.setitem(target, ...)``: an item assignment into ``target``."""
    return _runtime_update_of(value, target, runtime) and value.func.attr == "setitem"
