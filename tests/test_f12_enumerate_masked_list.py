"""A static loop over `enumerate(array)` whose compiled steps append to a list
under a condition: the short-loop retry asked len() of the enumerate and failed with an
internal TypeError."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def indices_logged_until_large(xs):
    log = []
    for i, x in enumerate(xs):
        try:
            if x > 2:
                break
        finally:
            log.append(i)
    return len(log)


@pytest.mark.parametrize("xs", [[1.0, 3.0, 4.0], [1.0, 1.0]])
def test_enumerate_with_a_conditional_append_matches_python(xs):
    assert int(py2lax.autograph_jit(indices_logged_until_large)(jnp.array(xs))) == \
        indices_logged_until_large(np.array(xs))
