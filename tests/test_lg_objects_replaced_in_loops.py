"""A carried object that another name holds, given another object by a traced `if` in a
compiled loop (``first = acc``, then ``if acc.total > 3: acc = Acc(0.0)`` in the body).

Python's later iterations change the new object, and which iteration makes it depends on
the values; the compiled loop wrote its final attributes back into the object it started
with, so ``first.total`` was silently wrong before. The body is now refused when traced
(a ``CarryTypeError``), and a loop of known length then runs its iterations as Python.
"""

import dataclasses

import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import autograph_jit


class Acc:
    def __init__(self, total):
        self.total = total


def reset_after_change(v):
    acc = Acc(0.0)
    first = acc
    for x in v:
        acc.total = acc.total + x
        if acc.total > 3.0:
            acc = Acc(0.0)
    return acc.total, first.total


def reset_before_change(v):
    acc = Acc(0.0)
    first = acc
    for x in v:
        if x > 2.0:
            acc = Acc(0.0)
        acc.total = acc.total + x
    return acc.total, first.total


def changed_in_place_only(v):
    acc = Acc(0.0)
    first = acc
    for x in v:
        if x > 2.0:
            acc.total = 0.0
        acc.total = acc.total + x
    return acc.total, first.total


@pytest.mark.parametrize("function", [reset_after_change, reset_before_change,
                                      changed_in_place_only])
@pytest.mark.parametrize("values", [[1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 0.5, 1.0]])
def test_loop_of_known_length_matches_python(function, values):
    v = np.array(values, np.float32)
    got = autograph_jit(function)(jnp.asarray(v))
    np.testing.assert_allclose(np.array(got, np.float64), np.array(function(v), np.float64))



@dataclasses.dataclass
class State:
    p: object
    q: object


def replaced_on_every_iteration(x, n):
    st = State(x, 0.5)
    kept = st
    for _ in range(n):
        st = dataclasses.replace(st, p=jnp.tanh(st.p + st.q))
    return st.p + st.q, kept.p


def remade_on_every_iteration(x, n):
    acc = Acc(x)
    kept = acc
    for _ in range(n):
        acc = Acc(acc.total * 1.5)
    return acc.total, kept.total


def bounced_on_every_iteration(x, n):
    st = State(x, 0.5)
    kept = st
    for _ in range(n):
        st = dataclasses.replace(st, p=st.p + 0.1 * st.q)
        if st.p > 0.5:
            st = dataclasses.replace(st, p=-st.p, q=-st.q)
    return st.p, st.q, kept.p


@pytest.mark.parametrize("function", [replaced_on_every_iteration,
                                      remade_on_every_iteration, bounced_on_every_iteration])
@pytest.mark.parametrize("n", [0, 1, 4])
def test_object_given_a_new_object_on_every_path_converts(function, n):
    """A body that always gives the name a new object leaves the original as it was, so
    the traced loop converts (it was refused as if a traced `if` chose the object)."""
    got = autograph_jit(function)(jnp.float32(0.3), jnp.int32(n))
    np.testing.assert_allclose(np.array(got, np.float64),
                               np.array(function(np.float32(0.3), n), np.float64), rtol=1e-6)
