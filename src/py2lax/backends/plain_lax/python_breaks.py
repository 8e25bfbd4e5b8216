"""Loops with ``break`` that ``--standalone`` keeps as Python, and how they stop.

The runtime runs such a loop as Python and stops it at its ``break`` flag whenever that
flag is a Python bool when tracing. The output does the same without a Python ``break``
(which a second run would read as the user's): each iteration runs under a checked ``if
not broke:`` (a traced flag is JAX's error at the loop's line, naming why it stayed
Python), a ``for``'s target is assigned inside that guard, and the ``if`` that sets the
flag runs through ``_py2lax_python_or_lax_cond`` (``Conditionals``, which reads
``python_break_flags``), Python's ``if`` where its test is static. A loop over something
it cannot run past (a generator, ``iter(...)``) is still refused (``Loops``).
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.backends.plain_lax.python_flags import tested_name
from py2lax.backends.plain_lax.python_form import checked_at
from py2lax.transforms.records import Items, Range

# builtins that give a finite iterable of their arguments' items (a loop may run past a
# `break` over them, changing nothing)
_REITERABLE_CALLS = frozenset({"enumerate", "zip", "reversed", "sorted", "list", "tuple",
                               "range", "len", "int"})


def stoppable(record, backend) -> bool:
    """A loop with ``break`` kept as Python can stop where its ``break`` flag is a
    Python bool when traced (``stop_at_the_flag``): a ``while``, or a ``for``
    over a ``range`` or over values it may run past (not a Python iterator, which
    the iterations after the ``break`` would consume)."""
    iteration = record.iteration
    return record.kind == "while" or isinstance(iteration, Range) or (
        isinstance(iteration, Items) and _runs_past(iteration.iterable, set(), backend))


def _runs_past(iterable, seen: set, backend) -> bool:
    """Iterating ``iterable`` to its end changes nothing and ends: a container, an
    array, a display, a ``range``, ``enumerate``/``zip``/``reversed``/``sorted`` of
    such, a dict's ``items()``; not a generator, ``iter(...)``, ``itertools`` or
    another call (which may never end, or be read again after the loop)."""
    if isinstance(iterable, (S.List, S.Tuple, S.Set, S.Dict, S.Constant)):
        return True
    if isinstance(iterable, S.Name):
        values = backend.facts.bindings.get(iterable.id, [None])
        if iterable.id in seen:
            return True
        return all(v is None or _runs_past(v, seen | {iterable.id}, backend) or not (
            isinstance(v, (S.Call, S.GeneratorExp))) for v in values)
    if isinstance(iterable, (S.Attribute, S.Subscript)):
        return True  # an object's list or array, an item of a container
    record = backend.records.of_call(iterable)
    if record is not None and record.helper in ("enumerate", "zip"):
        return all(_runs_past(a, seen, backend) for a in record.operands["arguments"])
    if not isinstance(iterable, S.Call):
        return False
    function = iterable.func
    if isinstance(function, S.Name) and function.id in _REITERABLE_CALLS:
        return all(_runs_past(a, seen, backend) for a in iterable.args)
    if isinstance(function, S.Attribute) and function.attr in ("items", "keys", "values"):
        return True
    return isinstance(function, S.Attribute) and isinstance(function.value, S.Name) and (
        function.value.id in (backend.spell.jax, "jnp", "np", "numpy"))  # an array


def stop_at_the_flag(record, loop, reason: str, backend) -> None:
    """``loop`` (the user's, kept as Python) runs each iteration under ``if not
    broke:`` (checked to be a Python bool, with the user's line and ``reason``): once
    the ``break`` set its flag, the iterations left change nothing, the ``for``'s
    target included (assigned inside the guard from the loop's own item), as after
    Python's ``break``. A ``while`` tests the flag first (``not broke and test``). The
    runtime stops its Python loop at the same flag; a flag a traced ``if`` sets is
    JAX's error, located at the loop. (No Python ``break``: a second run would read
    it as the user's.)"""
    backend.python_break_flags.add(record.break_flag)  # (see Conditionals)
    flag = S.copy_location(S.UnaryOp(op=S.Not(), operand=S.load(record.break_flag)), loop)
    guard = checked_at(flag, record.call, record.line, backend, reason)
    if isinstance(loop, S.While):
        loop.test = S.copy_location(S.BoolOp(op=S.And(), values=[guard, loop.test]),
                                    loop.test)
        return
    body = loop.body
    if not (isinstance(loop.target, S.Name) and loop.target.id == record.item):
        item = backend.context.names.new(record.item)
        body = [S.copy_location(S.Assign(targets=[loop.target], value=S.load(item),
                                         type_comment=None), loop)] + body
        loop.target = S.store(item)
    loop.body = [S.copy_location(S.If(test=guard, body=body, orelse=[]), loop)]


def tested_flag(record, backend) -> str | None:
    """The ``break`` flag a ``while``'s test reads first (``not broke and k < 10``,
    as the pipeline writes a ``while`` with ``break``), or None."""
    records = backend.records
    called = records.of_call(record.test)
    if called is None or called.helper != "and_" or not called.operands["operands"]:
        return None
    first = called.operands["operands"][0]
    return tested_name(first.body if isinstance(first, S.Lambda) else first, records)


def first_run_stop(record, backend) -> str | None:
    """The reason a first run kept this ``for`` as Python with its ``break``
    (``stop_at_the_flag``), read again: its body is one ``if`` whose test the
    first run checked, ``not broke``. Kept so again (its ``if`` stays Python by its
    own checked test), so that a second run changes nothing."""
    if record.kind != "for":
        return None
    body = [d for d in record.definitions if isinstance(d, S.FunctionDef)][0]
    statements = [n for n in S.walk_same_scope_statements(body.body)
                  if isinstance(n, S.stmt) and not isinstance(n, (
                      S.FunctionDef, S.Return, S.Nonlocal, S.Try, S.ExceptHandler,
                      S.Raise))]
    lowered = [n for n in statements if id(n) in backend.by_call]
    if len(lowered) != 1 or any(  # (besides it: `e = e_in`, a placeholder `e = ...`)
            n is not lowered[0] and not (isinstance(n, S.Assign) and len(n.targets) == 1
                                         and isinstance(n.targets[0], S.Name))
            for n in statements):
        return None
    inner = backend.by_call.get(id(lowered[0]))
    first = backend.first_run_checks.get(id(inner)) if inner is not None else None
    if inner is None or inner.kind != "if" or first is None:
        return None
    test = first.args[0].body if isinstance(first.args[0], S.Lambda) else None
    negated = backend.records.of_call(test)  # (`py2lax.not_(broke)`, read again)
    operand = test.operand if isinstance(test, S.UnaryOp) and isinstance(
        test.op, S.Not) else negated.operands.get("operand") if negated is not None and (
        negated.helper == "not_") else None
    if not isinstance(operand, S.Name):
        return None
    reason = first.args[2]
    return reason.value if isinstance(reason, S.Constant) else "a first run kept it"
