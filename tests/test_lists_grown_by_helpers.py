"""A list that a helper grows inside a traced ``if`` (``record(hist, v)``), while the
other branch changes it in place (``hist[-1] = v``): the statement gives a masked list
(``runtime/masked_containers``) when nothing but the function's own variable holds the
list as the statement runs. It was refused as two lists of different lengths (random
program w1023). When another name or the caller holds the list, masking would hide the
change from that holder, so the refusal stays.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from py2lax.diagnostics.errors import ConversionError

INPUTS = (-1.5, 0.0, 0.5, 2.0)


def record(items, value):
    items.append(value)


def grown_by_helper_then_returned(x):
    hist = [x, x]
    if x > 0:
        record(hist, x * 2.0)
        return x + len(hist) + hist[-1]
    hist[-1] = x * 3.0
    return x - len(hist) + hist[-1]


def grown_by_helper_read_after(x):
    hist = [x]
    if x > 0.25:
        record(hist, x * 2.0)
    else:
        hist[0] = -x
    return len(hist) + sum(hist)


@pytest.mark.parametrize("function", [grown_by_helper_then_returned, grown_by_helper_read_after])
def test_python_answer_under_jit_and_on_python_values(function):
    converted, jitted = py2lax.convert(function), jax.jit(py2lax.convert(function))
    for x in INPUTS:
        expected = function(x)
        assert converted(x) == expected
        assert np.isclose(float(jitted(jnp.float32(x))), expected, rtol=1e-5), x


def grown_while_an_alias_holds_it(x):
    hist = [x, x]
    seen = hist
    if x > 0:
        record(hist, x * 2.0)
    else:
        hist[-1] = x
    return len(seen)


def test_a_list_another_name_holds_stays_refused():
    assert py2lax.convert(grown_while_an_alias_holds_it)(1.0) == 3
    with pytest.raises(ConversionError, match="'hist'"):
        jax.jit(py2lax.convert(grown_while_an_alias_holds_it))(jnp.float32(1.0))


def grows_callers_list(hist, x):
    if x > 0:
        record(hist, x)
    else:
        hist[-1] = x
    return x


def test_a_list_the_caller_holds_stays_refused():
    def caller(x):
        hist = [x]
        grows_callers_list(hist, x)
        return len(hist)

    assert py2lax.convert(caller)(1.0) == 2
    with pytest.raises(ConversionError, match="'hist'"):
        jax.jit(py2lax.convert(caller))(jnp.float32(1.0))
