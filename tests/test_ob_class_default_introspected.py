"""A class default a traced ``if`` assigns on the instance on one path only, in a module
whose code reads objects' own attributes (``vars``, ``__dict__``, ``dir``, ``del``):
carrying the class's value on the other path would show there as an attribute Python's
object lacks, so the ``if`` stays refused at its line (see
test_ob_class_default_in_branch.py for the programs that convert)."""

import jax.numpy as jnp
import pytest

import py2lax


class C:
    n = 0

    def size(self):
        return len(vars(self))


def seen_by_vars(x):
    c = C()
    if x > 0:
        c.n = 1
    return len(vars(c))


def seen_by_a_method(x):
    c = C()
    if x > 0:
        c.n = 1
    return c.size()


@pytest.mark.parametrize("program", [seen_by_vars, seen_by_a_method])
def test_refused_at_the_if(program):
    # Python: 0 attributes of its own on the path that did not assign n, 1 on the other
    assert program(-1.0) == 0 and program(1.0) == 1
    with pytest.raises(py2lax.CarryTypeError, match=r"test_ob_class_default_introspected"
                       r"\.py:\d+: variable 'c' has a different structure") as caught:
        py2lax.autograph_jit(program)(jnp.float32(-1.0))
    assert "if x > 0" in caught.value.location.source_line
