"""A static `assert` that fails, in a branch a traced condition may not take: Python
fails only if the branch runs; it failed while tracing, for every input."""

import jax.numpy as jnp
import pytest

import py2lax

DEBUG = False


def doubled_or_negated(x):
    if x > 0:
        y = x * 2
    else:
        assert DEBUG, "negative input"
        y = -x
    return y


def test_the_branch_not_taken_does_not_fail():
    assert float(py2lax.autograph_jit(doubled_or_negated)(jnp.float32(1.0))) == 2.0


def test_the_branch_taken_fails_when_run():
    with pytest.raises(Exception, match="negative input"):
        float(py2lax.autograph_jit(doubled_or_negated)(jnp.float32(-1.0)))
