"""A ``match`` whose first case is ``case _ if <test>:`` before class or sequence
patterns (jax's pallas mosaic_gpu ``_swap_lowering_rule``: ``case _ if
math.prod(shape) == 1:`` for the scalar case). The match always takes that first case,
so its ``if`` is all the conversion writes; it wrote ``match transforms: case _: if
...``, which a second run rewrote to the ``if`` alone (no fixed point)."""

from __future__ import annotations

import textwrap

import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import autograph_jit
from standalone_oracle import converted_and_original, rewritten_twice

SOURCE = textwrap.dedent('''
    import math

    def scale(x, parts):
        match parts:
            case _ if math.prod(x.shape) == 1:
                y = x * 10.0
            case (k,):
                y = x * k
            case (k, j):
                y = x * k + j
            case _:
                y = x
        return y

    def named(x, parts):
        match parts:
            case p if len(p) > 2:
                y = x * len(p)
            case (k,):
                y = x + k
            case _:
                y = -x
        return y
''')


@pytest.mark.parametrize("standalone", [False, True])
def test_the_output_is_a_fixed_point(standalone):
    first, second = rewritten_twice(SOURCE, standalone)
    assert "case _:\n        if" not in first
    assert second == first


@pytest.mark.parametrize("standalone", [False, True])
def test_the_output_gives_pythons_answers(standalone):
    namespace, original = converted_and_original(SOURCE, standalone)
    for name in ("scale", "named"):
        for x in (np.ones(1), np.arange(3.0)):
            for parts in ((2.0,), (2.0, 1.0), (1.0, 2.0, 3.0), ()):
                np.testing.assert_allclose(namespace[name](x, parts),
                                           original[name](x, parts))


def test_under_jit_a_shape_test_first_stays_pythons(tmp_path):
    import importlib.util

    path = tmp_path / "guard_first.py"
    path.write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("guard_first", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    jitted = autograph_jit(module.scale, static_argnums=1)
    for x in (jnp.ones(1), jnp.arange(3.0)):
        for parts in ((2.0,), (2.0, 1.0), ()):
            np.testing.assert_allclose(jitted(x, parts), module.scale(np.asarray(x), parts))
