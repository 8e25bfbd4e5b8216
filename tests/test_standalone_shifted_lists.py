"""`--standalone`: a list a traced loop rebinds to itself shifted (``hist = hist[1:] +
[v]``) keeps its length, so lax carries it (issue 14, finder7 q142).

The loop stayed Python ("it gives the list `hist` another length"), while the ``if ...:
break`` inside it became a ``lax.cond`` setting a traced flag: JAX's
``TracerBoolConversionError`` at the loop's test. As many items dropped from one end (a
literal slice bound) as the display adds at the other, of a list every binding makes long
enough, is the same length: the loop is a ``lax.while_loop`` carrying the list.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest

from test_standalone_f7 import agrees_or_raises
from test_standalone_s10 import unchecked  # the checks of kept tests

PROGRAMS = {
    "q142": ("""
        def f(x):
            hist = [x, x, x]
            k = 0
            while k < 5:
                hist = hist[1:] + [hist[-1] * 0.5 + 1.0]
                k += 1
                if hist[-1] < 2.1:
                    break
            return hist, k
        """, [(10.0,), (2.0,)]),
    "prepended": ("""
        def f(x):
            window = [x, 0.0]
            n = 0
            while window[0] < 100.0:
                window = [window[0] * 2.0 + 1.0] + window[:-1]
                n += 1
            return window, n
        """, [(1.0,), (200.0,)]),
    "two at a time": ("""
        def f(x, steps):
            pairs = [x, x, x, x]
            for i in range(steps):
                pairs = pairs[2:] + [pairs[-1] + i, pairs[-2] - i]
            return pairs
        """, [(1.0, 3), (2.0, 0)]),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_a_list_shifted_by_a_traced_loop_is_carried(name):
    source, inputs = PROGRAMS[name]
    text = agrees_or_raises(source, "f", *inputs, errors=())
    assert "while_loop" in text or "fori_loop" in text or "scan" in text


def test_a_list_that_grows_stays_python():
    source = """
        def f(x):
            hist = [x]
            while hist[0] < 10.0:
                hist = hist[1:] + [hist[-1] + 1.0, hist[-1] + 2.0]
            return hist
        """
    text = agrees_or_raises(source, "f", (1.0,),
                            errors=(jax.errors.TracerBoolConversionError,))
    assert "while hist[0] < 10.0:" in unchecked(text)
