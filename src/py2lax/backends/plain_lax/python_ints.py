"""Loops whose carry is a Python int that may outgrow int32: run as Python where static.

Python ints never overflow; a ``lax`` loop carries them as int32 and wraps around
silently (``r = 1; for i in range(2, n + 1): r *= i`` gives 2076180480 for n = 25, not
25!). The runtime runs a loop with static bounds as Python, so it is exact. Plain jax can
too: where a carried name starts as an int literal and grows by multiplying
(``r *= i``, ``r = r ** 2``, ``r <<= 1``) or by adding two carried values that feed
each other (``a, b = b, a + b``), the loop calls ``_py2lax_python_ints_fori_loop`` /
``_py2lax_python_ints_while_loop`` (``shared_definitions``), which run Python while
every value is a Python number and lax from the first traced one on. Other loops
(``s += i`` grows slowly) keep the plain lax call.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S

_GROWING = (S.Mult, S.Pow, S.LShift)


def may_outgrow_int32(record, backend) -> bool:
    """A name ``record`` carries starts as a Python int and grows fast in the function."""
    bindings = backend.facts.bindings
    carried = set(record.carried)
    return any(_starts_as_int(bindings.get(name, [])) and any(
        _grows(value, name, carried, bindings) for value in bindings.get(name, []))
        for name in carried)


def _starts_as_int(values: list) -> bool:
    return any(isinstance(v, S.Constant) and type(v.value) is int for v in values)


def _grows(value, name: str, carried: set, bindings: dict) -> bool:
    """``r * i``, ``r ** 2``, ``r << 1``; ``a + b`` where ``a`` is given ``b`` back (each
    feeds the other: Fibonacci's doubling, not ``total + k``, which grows slowly)."""
    if not isinstance(value, S.BinOp):
        return False
    read = _read(value)
    if isinstance(value.op, _GROWING):
        return name in read
    if isinstance(value.op, S.Add) and name in read:
        return any(name in _read(other) for partner in read & carried - {name}
                   for other in bindings.get(partner, []) if other is not None)
    return False


def _read(node) -> set:
    return {n.id for n in S.walk(node) if isinstance(n, S.Name)}
