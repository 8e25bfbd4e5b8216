"""The starting value of the function's result when a ``return`` sits inside a lowered
statement (``return_value = py2lax.Undefined('return_value', fill=True)``).

lax carries the result through the statement before any ``return`` ran, so it needs a
value of the type the ``return`` statements give; every path assigns it before the
function returns it, so the value itself is never returned. The type is read from the
returned expressions: a tuple of placeholders for tuples of one length, ``False`` for
comparisons and booleans, ``0.0`` where a float literal or a division shows, else ``0``:
a weakly typed int, which ``jnp`` promotion turns into whatever the ``return``
statements give (``carry_types`` joins the types where the placeholder may meet a
value). A wrong guess is a JAX type error when tracing, never a wrong result.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.backends.plain_lax.spelling import constant


def placeholder(function: S.FunctionDef, name: str, facts, spell=None):
    """A value shaped like everything ``function`` assigns to ``name`` (``facts``: the
    function's ``Facts``, which know booleans); with ``spell``, each leaf is an empty
    boolean array (``jnp.zeros((0,), bool)``), which the joins that meet it
    (``carry_types``) fill to the shape and dtype the other path gives: a returned
    array's shape is not known from the code."""
    values = []
    for node in S.walk(function):
        if (isinstance(node, S.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], S.Name) and node.targets[0].id == name):
            record = facts.records.of_call(node.value)
            if record is None or record.helper != "Undefined":
                values.append(node.value)
    shaped = _shaped_like(values, facts)
    if spell is None:
        return shaped
    return _empty_leaves(shaped, spell)


def _empty_leaves(node, spell):
    if isinstance(node, (S.Tuple, S.List)):
        return type(node)(elts=[_empty_leaves(e, spell) for e in node.elts], ctx=S.Load())
    shape = S.Tuple(elts=[constant(0)], ctx=S.Load())
    return spell.numpy("zeros", [shape, S.load("bool")], None)


def _shaped_like(values: list, facts):
    # `return None` on some paths: a statement that chooses it stays Python; the others
    # carry the values the other paths return
    values = [v for v in values if not (isinstance(v, S.Constant) and v.value is None)]
    values = [d for v in values for d in _list_displays(v, facts)]
    for display in (S.Tuple, S.List):  # `(acc, log)` with `log = [0.0, 0.0]`: a list slot
        if values and all(isinstance(v, display) for v in values) and len(
                {len(v.elts) for v in values}) == 1:
            slots = zip(*(v.elts for v in values))
            return display(elts=[_shaped_like(list(slot), facts) for slot in slots],
                           ctx=S.Load())
    kinds = {"bool" if facts.is_boolean(value) else literal_kind(value) for value in values}
    if kinds == {"bool"}:
        return constant(False)
    return constant(0.0 if "float" in kinds else 0)


def _list_displays(value, facts) -> list:
    """``[value]``, or the list displays a name is bound to when every binding is one
    (``log = [0.0, 0.0]``): the placeholder must be a list of that length too, or the
    join meeting the returned list fails on the pytree structure."""
    if isinstance(value, S.Name):
        bound = facts.bindings.get(value.id, [None])
        if bound and all(isinstance(b, S.List) for b in bound):
            return bound
    return [value]


def literal_kind(node) -> str | None:
    """``"bool"``/``"int"``/``"float"`` when the expression's form says so, ``None`` when
    unknown (a name, a call): ``i * 10 + j`` is an int, ``x / 2`` a float."""
    if isinstance(node, S.Constant):
        return {bool: "bool", int: "int", float: "float"}.get(type(node.value))
    if isinstance(node, (S.Compare, S.BoolOp)) or (
            isinstance(node, S.UnaryOp) and isinstance(node.op, S.Not)):
        return "bool"
    if isinstance(node, S.UnaryOp) and isinstance(node.op, (S.USub, S.UAdd)):
        return literal_kind(node.operand)
    if isinstance(node, S.BinOp):
        if isinstance(node.op, S.Div):
            return "float"
        if isinstance(node.op, (S.Add, S.Sub, S.Mult, S.FloorDiv, S.Mod)):
            kinds = {literal_kind(node.left), literal_kind(node.right)}
            return "float" if "float" in kinds else ("int" if "int" in kinds else None)
    return None
