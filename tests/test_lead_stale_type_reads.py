"""A read of a loop input's provisional Python type is kept by id until the loop
forgets it. A loop whose trace raised never forgot its reads; a later tracer given the
same id (CPython reuses them) then looked read, and a loop whose body changes that
value's type was traced a second time: two ``while`` equations in the program
(``test_while_traced_condition_is_while_loop`` failed now and then in the full suite).
A value recorded anew has not been read."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from py2lax.runtime import python_types
from conftest import converted_primitives
from test_while import count_down


def test_a_value_recorded_anew_has_not_been_read():
    seen = []

    def traced(x):
        python_types._READ_PROVISIONAL.add(id(x))  # a read of a value gone, same id
        python_types.remember(x, int, provisional=True)
        seen.append(id(x) in python_types._READ_PROVISIONAL)
        return x

    jax.make_jaxpr(traced)(jnp.int32(3))
    assert seen == [False]


def test_a_stale_read_does_not_trace_the_loop_twice(monkeypatch):
    """Every id looks read before the loop marks its inputs: the loop is traced once."""
    class EveryIdRead(set):
        """Each id reads as read until `remember` records a value with it."""

        def __init__(self):
            super().__init__()
            self.recorded: set[int] = set()

        def __contains__(self, key):
            return key not in self.recorded

        def add(self, key):  # a real read
            self.recorded.discard(key)

        def discard(self, key):
            self.recorded.add(key)

    monkeypatch.setattr(python_types, "_READ_PROVISIONAL", EveryIdRead())
    assert converted_primitives(count_down, jnp.int32(3))["while"] == 1
