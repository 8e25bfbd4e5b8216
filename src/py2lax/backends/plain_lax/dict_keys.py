"""Whether a branch of a traced ``if`` may give a dict a key it did not hold
(``--standalone``): ``lax.cond`` needs one structure from both branches, so such an
``if`` runs through ``_py2lax_python_or_lax_cond``, Python's ``if`` on a static test."""

from __future__ import annotations

from py2lax.frontend import syntax as S


def may_add_keys(functions, facts) -> bool:
    """A branch stores a key into a dict the function made (``d["r"] = x``,
    ``d.update(r=x)``, ``d.setdefault(k, v)``) that its display does not hold, or into
    one whose keys the code does not show: the branches may give two structures."""
    for function in functions:
        for node in S.walk(function):
            if isinstance(node, (S.Assign, S.AugAssign)):
                targets = node.targets if isinstance(node, S.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, S.Subscript) and isinstance(
                            target.value, S.Name) and new_keys(
                            target.value.id, [target.slice], facts):
                        return True
            elif isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and (
                    isinstance(node.func.value, S.Name)) and node.func.attr in (
                    "update", "setdefault"):
                keys = [S.Constant(value=k.arg, kind=None) if k.arg is not None else None
                        for k in node.keywords]
                if node.func.attr == "setdefault":
                    keys += node.args[:1]
                else:
                    for argument in node.args:
                        keys += argument.keys if isinstance(argument, S.Dict) else [None]
                if new_keys(node.func.value.id, keys, facts):
                    return True
    return False


def new_keys(name: str, keys: list, facts) -> bool:
    """Some of ``keys`` (None: not known) may be new to the dict ``name`` holds, a name
    only ever bound to a dict display."""
    bindings = facts.bindings.get(name) or []
    if not bindings or not all(isinstance(b, S.Dict) for b in bindings):
        return False
    held = [{k.value for k in b.keys if isinstance(k, S.Constant)} if all(
        isinstance(k, S.Constant) for k in b.keys) else None for b in bindings]
    for key in keys:
        if not isinstance(key, S.Constant) or any(h is None or key.value not in h
                                                 for h in held):
            return True
    return False
