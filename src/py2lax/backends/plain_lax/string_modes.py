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
is traced. A binding may choose among literals itself (``s = "hi" if x > y else "lo"``
becomes ``s = 0 if x > y else 1``). An expression of the name alone and constants that
gives a bool or a number for every string (``s.startswith("h")``, ``len(s) * 0.5``) is
written as what Python gives for each: the value where all agree, a comparison of
positions for bools (``s == 0``, ``s in (0, 2)``), ``_py2lax_keyed({"high": 4, "lo": 2},
("high", "lo"), s)`` for numbers. A name read in any other way (returned, printed,
formatted, given to a call, an expression that raises for one of its strings) keeps its
strings.
"""

from __future__ import annotations

from py2lax.analysis.names import bound_names, parameter_names
from py2lax.frontend import syntax as S

KEYED = "_py2lax_keyed"  # (shared_definitions)


def strings_as_positions(function: S.FunctionDef) -> bool:
    """Rewrite, in place, each local of ``function`` that only holds string literals and
    is only compared with string literals; return whether any changed."""
    changed = False
    parents = _parents(function)
    for name, bindings in _string_bindings(function).items():
        literals = list(dict.fromkeys(k.value for b in bindings for k in _strings(b.value)))
        keyed: list = []
        derived: list = []
        comparisons = _comparisons_only(function, name, parents, keyed, derived, literals)
        if len(literals) < 2 or comparisons is None:
            continue
        for subscript in keyed:  # `SCALES[s]` -> `_py2lax_keyed(SCALES, ('lo', 'hi'), s)`
            keys = S.Tuple(elts=[S.Constant(value=k, kind=None) for k in literals],
                           ctx=S.Load())
            call = S.Call(func=S.load(KEYED), args=[subscript.value, keys, subscript.slice],
                          keywords=[])
            _replace(parents[id(subscript)], subscript, S.copy_location(call, subscript))
        for binding in bindings:
            for literal in _strings(binding.value):
                literal.value = literals.index(literal.value)
        for literal in comparisons:
            position = literals.index(literal.value) if literal.value in literals else -1
            literal.value = position
        for expression, values in derived:  # `len(s)`, `s.startswith("h")`
            _replace(parents[id(expression)], expression, S.copy_location(
                _by_position(name, literals, values), expression))
        changed = True
    return changed


def _string_bindings(function: S.FunctionDef) -> dict[str, list]:
    """Name -> its assignments, for names whose every binding is ``name = "literal"``."""
    bindings: dict[str, list] = {}
    others: set[str] = set(parameter_names(function.args))
    for node in S.walk(function):
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name):
            if _strings(node.value) is not None:
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


def _comparisons_only(function, name: str, parents, keyed: list, derived: list,
                      strings: list) -> list | None:
    """The string literals ``name`` is compared with (``name == "a"``, ``"a" != name``,
    ``name in ("a", "b")``), if every read of ``name`` is such a comparison, a key
    (``SCALES[name]``, added to ``keyed``) or an expression of ``name`` alone whose
    value for each of the ``strings`` is a bool or a number (``len(name)``,
    ``name.startswith("h")``: ``(expression, values)`` added to ``derived``); else
    None."""
    literals = []
    for node in S.walk(function):
        if not (isinstance(node, S.Name) and node.id == name and isinstance(node.ctx, S.Load)):
            continue
        compare = parents.get(id(node))
        if isinstance(compare, S.Subscript) and compare.slice is node and isinstance(
                compare.ctx, S.Load) and id(compare) in parents:
            keyed.append(compare)
            continue
        found = _compared_literals(node, compare)
        if found is None:
            found = None if "len" in bound_names(function.body) else _derived(
                node, name, parents, strings)  # (not the function's own `len`)
            if found is None:
                return None
            derived.append(found)
            continue
        literals.extend(found)
    return literals


def _compared_literals(node, compare) -> list | None:
    """The literals of ``name == "a"``, ``name in ("a", "b")`` around ``node``."""
    if not (isinstance(compare, S.Compare) and len(compare.ops) == 1):
        return None
    other = compare.comparators[0] if compare.left is node else compare.left
    if other is node:
        return None
    if isinstance(compare.ops[0], (S.Eq, S.NotEq)) and _string(other):
        return [other]
    if isinstance(compare.ops[0], (S.In, S.NotIn)) and compare.left is node and (
            isinstance(other, (S.Tuple, S.List, S.Set))) and other.elts and all(
            _string(e) for e in other.elts):
        return list(other.elts)
    return None


def _derived(node, name: str, parents, strings: list):
    """``(expression, values)``: the largest expression around ``node`` that reads
    ``name`` alone and constants (``len(s) * 0.5``, ``s.startswith("h")``), with its
    value for each of ``strings``, all bools or all numbers; None if there is none."""
    expression = None
    parent = parents.get(id(node))
    while parent is not None and _of_name_alone(parent, name):
        expression, parent = parent, parents.get(id(parent))
    if expression is None or isinstance(expression, S.Name):
        return None
    values = [_value(expression, name, text) for text in strings]
    if all(isinstance(v, bool) for v in values) or all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return expression, values
    return None


def _of_name_alone(node, name: str) -> bool:
    """An expression of ``name``, constants, ``len`` and string methods only."""
    if not isinstance(node, _DERIVING):
        return False
    for inner in S.walk(node):
        if isinstance(inner, S.Name) and inner.id not in (name, "len"):
            return False
        if not isinstance(inner, _DERIVING + _PARTS):
            return False
        if isinstance(inner, S.Attribute) and inner.attr not in _STRING_METHODS:
            return False
    return True


def _value(expression, name: str, text: str):
    """``expression``'s value where ``name`` is ``text`` (None where it raises)."""
    code = S.unparse(expression).strip()
    try:
        return eval(code, {"__builtins__": {"len": len}}, {name: text})  # noqa: S307
    except Exception:  # noqa: BLE001 - Python raises there: the name keeps its strings
        return None


def _by_position(name: str, literals: list, values: list):
    """The expression of ``name``'s position giving ``values`` (one per literal): the
    value itself where all agree, a comparison of positions for bools, else
    ``_py2lax_keyed({"lo": 2, "hi": 3}, ("lo", "hi"), s)``."""
    if len(set(values)) == 1 and type(values[0]) in (bool, int, float):
        return S.Constant(value=values[0], kind=None)
    if all(isinstance(v, bool) for v in values):
        true = [i for i, v in enumerate(values) if v]
        false = [i for i, v in enumerate(values) if not v]
        if len(true) == 1 or len(false) == 1:
            op, position = (S.Eq(), true[0]) if len(true) == 1 else (S.NotEq(), false[0])
            return S.Compare(left=S.load(name), ops=[op],
                             comparators=[S.Constant(value=position, kind=None)])
        return S.Compare(left=S.load(name), ops=[S.In()], comparators=[S.Tuple(
            elts=[S.Constant(value=i, kind=None) for i in true], ctx=S.Load())])
    table = S.Dict(keys=[S.Constant(value=k, kind=None) for k in literals],
                   values=[S.Constant(value=v, kind=None) for v in values])
    keys = S.Tuple(elts=[S.Constant(value=k, kind=None) for k in literals], ctx=S.Load())
    return S.Call(func=S.load(KEYED), args=[table, keys, S.load(name)], keywords=[])


def _strings(value) -> list | None:
    """The string constants ``value`` is made of: a literal, or a conditional
    expression of such (``"hi" if x > y else "lo"``); None for anything else."""
    if _string(value):
        return [value]
    if isinstance(value, S.IfExp):
        body, orelse = _strings(value.body), _strings(value.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


_DERIVING = (S.Call, S.Attribute, S.Compare, S.BoolOp, S.UnaryOp, S.BinOp, S.Subscript)
_PARTS = (S.Name, S.Constant, S.Attribute, S.Slice, S.Tuple, S.Load, S.cmpop, S.boolop,
          S.unaryop, S.operator)
_STRING_METHODS = {"startswith", "endswith", "lower", "upper", "strip", "lstrip", "rstrip",
                   "isdigit", "isalpha", "isupper", "islower", "find", "count", "title",
                   "casefold", "replace", "capitalize"}


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
