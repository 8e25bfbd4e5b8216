"""Objects swapped inside a list under a traced condition: which object sits at a place
would depend on a traced value. The refusal says so, at the ``if``, and what to write
instead; the suggested rewrite (swap the values) matches Python's answer."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


class Obj:
    def __init__(self, v):
        self.v = v


def swapped(x):
    objs = [Obj(1.0), Obj(2.0)]
    if x > 0:
        objs[0], objs[1] = objs[1], objs[0]
    return objs[0].v * 10 + objs[1].v


def values_swapped(x):
    objs = [Obj(1.0), Obj(2.0)]
    a, b = objs
    if x > 0:
        a.v, b.v = b.v, a.v
    return objs[0].v * 10 + objs[1].v


def test_the_refusal_says_why_and_what_to_write():
    with pytest.raises(py2lax.CarryTypeError, match=r"test_ob_objects_placed_in_containers"
                       r"\.py:\d+: variable 'objs' holds another Obj object .* which object "
                       r"sits at a place in a list") as caught:
        py2lax.autograph_jit(swapped)(jnp.float32(1.0))
    assert "if x > 0" in caught.value.location.source_line
    assert "a.v, b.v = b.v, a.v" in str(caught.value)


@pytest.mark.parametrize("x", [1.5, -1.5])
def test_the_suggested_rewrite_matches_python(x):
    assert swapped(x) == values_swapped(x)
    np.testing.assert_allclose(py2lax.autograph_jit(values_swapped)(jnp.float32(x)),
                               values_swapped(np.float32(x)))
