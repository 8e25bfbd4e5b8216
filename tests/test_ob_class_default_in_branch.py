"""An attribute a class gives a default (``class C: n = 0``) that a traced ``if``
assigns on the instance on one path only: Python's ``c.n`` reads the class's value on
the other path, so both carry it and the program converts (it was refused with
CarryTypeError). Where the difference between "its own attribute" and "the class's"
would show (the class attribute assigned later; ``vars(c)``:
test_ob_class_default_introspected.py), it stays refused."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


class C:
    n = 0


class D:
    scale = 1.0

    def __init__(self):
        self.v = 0.0

    def maybe(self, x):
        if x > 0:
            self.scale = 2.0
        return self.scale * x


def on_one_path(x):
    c = C()
    if x > 0:
        c.n = 1
    return c.n * 10 + C.n


def in_a_method(x):
    d = D()
    r = d.maybe(x)
    return r + d.scale + D.scale


def in_a_loop(x):
    c = C()
    for i in range(3):
        if x > i:
            c.n = c.n + 1
    return c.n


class Box:
    def __init__(self):
        self.inner = C()


def nested(x):
    b = Box()
    if x > 0:
        b.inner.n = 3
    return b.inner.n + C.n


def class_changed_after(x):
    c = C()
    if x > 0:
        c.n = 1
    C.n = 7
    r = c.n
    C.n = 0
    return r


@pytest.mark.parametrize("program", [on_one_path, in_a_method, in_a_loop, nested])
@pytest.mark.parametrize("x", [1.5, -1.5, 2.5])
def test_matches_python(program, x):
    np.testing.assert_allclose(py2lax.autograph_jit(program)(jnp.float32(x)),
                               program(np.float32(x)), rtol=1e-6)
    assert py2lax.convert(program)(x) == program(x)


def test_a_later_class_assignment_is_refused_at_its_line():
    # Python: 7 where the `if` did not run (the instance reads the class), 1 where it did
    with pytest.raises(py2lax.CarryTypeError, match=r"class attribute C\.n is assigned "
                       r"after a traced `if` \(line \d+\)") as caught:
        py2lax.autograph_jit(class_changed_after)(jnp.float32(-1.0))
    assert "C.n = 7" in caught.value.location.source_line
    assert py2lax.convert(class_changed_after)(-1.0) == 7 == class_changed_after(-1.0)
