"""A string a traced `if` chose, given to a builtin that needs the text (`"".join`):
a located py2lax error at the user's line, not Python's internal TypeError naming
py2lax's StringChoice."""

import jax.numpy as jnp
import pytest

import py2lax


def signs_as_text(xs):
    parts = []
    for x in xs:
        parts.append("p" if x > 0 else "n")
    return "".join(parts)


def test_joining_chosen_strings_is_refused_at_the_users_line():
    with pytest.raises(py2lax.ConversionError) as refused:
        py2lax.autograph_jit(signs_as_text)(jnp.array([1.0, -1.0]))
    assert refused.value.location is not None
    assert refused.value.location.line == signs_as_text.__code__.co_firstlineno + 4
    assert "StringChoice" not in str(refused.value)
