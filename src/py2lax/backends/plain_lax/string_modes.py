"""Strings used as modes, written as their positions (``--standalone`` only; run on
the function before the pipeline).

``status = "running"`` ... ``if converged: status = "done"`` ... ``status == "done"``:
the runtime carries a string a traced statement chooses as its position among the
strings the code binds (``runtime/choices``). Plain lax cannot carry a string, and the
statement stayed Python (refused when its test was traced). When the code only
compares the name with string literals, the strings are an enumeration, and Python's
meaning is unchanged if each binding is the literal's position instead and each
comparison compares positions::

    status = "running"                  status = 0
    if err < tol:                       if err < tol:
        status = "done"          ->         status = 1
    return x, status == "done"          return x, status == 1

The pipeline then carries ``status`` as the integer it is. A key (``SCALES[status]``)
becomes ``_py2lax_keyed(SCALES, ("running", "done"), status)``: Python's item where the
position is a Python int, the items of every string stacked and picked by it where it
is traced. A name read in any other way (returned, printed, ``len``, formatted, given
to a call) keeps its strings.
"""

from __future__ import annotations

from py2lax.analysis.names import parameter_names
from py2lax.frontend import syntax as S

KEYED = "_py2lax_keyed"  # (shared_definitions)


def strings_as_positions(function: S.FunctionDef) -> bool:
    """Rewrite, in place, each local of ``function`` that only holds string literals and
    is only compared with string literals; return whether any changed."""
    changed = False
    parents = _parents(function)
    for name, bindings in _string_bindings(function).items():
        literals = list(dict.fromkeys(b.value.value for b in bindings))
        keyed: list = []
        comparisons = _comparisons_only(function, name, parents, keyed)
        if len(literals) < 2 or comparisons is None:
            continue
        for subscript in keyed:  # `SCALES[s]` -> `_py2lax_keyed(SCALES, ('lo', 'hi'), s)`
            keys = S.Tuple(elts=[S.Constant(value=k, kind=None) for k in literals],
                           ctx=S.Load())
            call = S.Call(func=S.load(KEYED), args=[subscript.value, keys, subscript.slice],
                          keywords=[])
            _replace(parents[id(subscript)], subscript, S.copy_location(call, subscript))
        for binding in bindings:
            binding.value = S.copy_location(
                S.Constant(value=literals.index(binding.value.value), kind=None), binding.value)
        for literal in comparisons:
            position = literals.index(literal.value) if literal.value in literals else -1
            literal.value = position
        changed = True
    return changed


def _string_bindings(function: S.FunctionDef) -> dict[str, list]:
    """Name -> its assignments, for names whose every binding is ``name = "literal"``."""
    bindings: dict[str, list] = {}
    others: set[str] = set(parameter_names(function.args))
    for node in S.walk(function):
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name):
            if isinstance(node.value, S.Constant) and isinstance(node.value.value, str):
                bindings.setdefault(node.targets[0].id, []).append(node)
                continue
        if isinstance(node, (S.Global, S.Nonlocal)):
            others |= set(node.names)
        elif isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)) and (
                node is not function):
            others.add(node.name)
            others |= set(parameter_names(node.args)) if not isinstance(
                node, S.ClassDef) else set()
        elif isinstance(node, S.Lambda):
            others |= set(parameter_names(node.args))
    for node in S.walk(function):
        if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Del)):
            owner = node
            if not any(node is b.targets[0] for b in bindings.get(node.id, [])):
                others.add(owner.id)
    return {name: found for name, found in bindings.items() if name not in others}


def _comparisons_only(function, name: str, parents, keyed: list) -> list | None:
    """The string literals ``name`` is compared with (``name == "a"``, ``"a" != name``,
    ``name in ("a", "b")``), if every read of ``name`` is such a comparison or a key
    (``SCALES[name]``, added to ``keyed``); else None."""
    literals = []
    for node in S.walk(function):
        if not (isinstance(node, S.Name) and node.id == name and isinstance(node.ctx, S.Load)):
            continue
        compare = parents.get(id(node))
        if isinstance(compare, S.Subscript) and compare.slice is node and isinstance(
                compare.ctx, S.Load) and id(compare) in parents:
            keyed.append(compare)
            continue
        if not (isinstance(compare, S.Compare) and len(compare.ops) == 1):
            return None
        other = compare.comparators[0] if compare.left is node else compare.left
        if other is node:
            return None
        if isinstance(compare.ops[0], (S.Eq, S.NotEq)) and _string(other):
            literals.append(other)
        elif isinstance(compare.ops[0], (S.In, S.NotIn)) and compare.left is node and (
                isinstance(other, (S.Tuple, S.List, S.Set))) and other.elts and all(
                _string(e) for e in other.elts):
            literals.extend(other.elts)
        else:
            return None
    return literals


def _replace(parent, old, new) -> None:
    """``old``, a child of ``parent``, replaced by ``new``."""
    for field, value in S.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
        elif isinstance(value, list):
            value[:] = [new if item is old else item for item in value]


def _string(node) -> bool:
    return isinstance(node, S.Constant) and isinstance(node.value, str)


def _parents(function) -> dict[int, object]:
    return {id(child): node for node in S.walk(function) for child in S.iter_child_nodes(node)}
