"""A message about the value a `return` gives names it as such, not as the variable
py2lax made to hold it (the user never wrote `return_value`)."""

import jax.numpy as jnp
import pytest

import py2lax


def label_of_first_large(xs):
    for i in range(len(xs)):
        if xs[i] > 3:
            return "big", i
    return "none", -1


def test_the_refusal_names_the_returned_value_not_a_generated_variable():
    with pytest.raises(py2lax.ConversionError) as refused:
        py2lax.autograph_jit(label_of_first_large)(jnp.array([1.0, 5.0]))
    first_line = str(refused.value).splitlines()[0]
    assert "the value label_of_first_large returns" in first_line
    assert "return_value" not in first_line
