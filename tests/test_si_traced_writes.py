"""``--standalone``: a write into a NumPy array given a traced value (issue 14).

The runtime gives such an array the JAX array the write makes (and the caller's names
get it back). The plain-jax output wrote NumPy's ``v[i] = x`` and stopped with NumPy's
own ``ValueError`` (or ``AttributeError: 'numpy.ndarray' object has no attribute 'at'``
for ``self.v[i] = x``, even on NumPy values, without jit). Now the write takes the
``.at`` path where the new array reaches every name that holds the old one (a
helper's copy that returns it to its caller, an object's attribute), and stops with a
located error saying what to write where it cannot.

Each program runs three ways: Python on NumPy arrays (the oracle), the output under
``jax.jit``, and the output on the same NumPy values without jit.
"""

from __future__ import annotations

import textwrap

import jax
import numpy as np
import pytest

from py2lax import transpile

CONVERTED = {
    "helper-writes-an-item": """
        import numpy as np
        def put(v, i, x):
            v[i] = x
        def f(x):
            v = np.zeros(3)
            put(v, 1, x)
            return v
    """,
    "helper-called-in-a-loop": """
        import numpy as np
        def put(v, i, x):
            v[i] = x * 2
        def f(x):
            v = np.zeros(3)
            for i in range(3):
                put(v, i, x + i)
            return v
    """,
    "helper-returning-a-count": """
        import numpy as np
        def put(v, i, x):
            v[i] = x
            return i + 1
        def f(x):
            v = np.zeros(3)
            k = put(v, 0, x)
            k = put(v, k, x * 2)
            return v
    """,
    "augmented-item": """
        import numpy as np
        def put(v, i, x):
            v[i] += x
        def f(x):
            v = np.ones(3)
            put(v, 2, x)
            return v
    """,
    "object-attribute": """
        import numpy as np
        class Buf:
            def __init__(self):
                self.v = np.zeros(3)
        def put(buf, i, x):
            buf.v[i] = x
        def f(x):
            b = Buf()
            put(b, 1, x)
            return b.v
    """,
    "method-writes-its-buffer": """
        import numpy as np
        class Acc:
            def __init__(self):
                self.v = np.zeros(3)
                self.count = 0
            def add(self, x):
                self.v[self.count] = x
                self.count += 1
        def f(x):
            a = Acc()
            a.add(x)
            a.add(2.0)
            return a.v
    """,
}


def _three_ways(source: str, *args):
    source = textwrap.dedent(source)
    text = transpile(source, "m.py", all_functions=True, standalone=True)
    assert transpile(text, "m.py", all_functions=True, standalone=True) == text

    def function(code):
        namespace: dict = {"__name__": "m"}
        exec(compile(code, "m.py", "exec"), namespace)
        return namespace["f"]

    python = function(source)(*args)
    return python, function(text), text


@pytest.mark.parametrize("name", sorted(CONVERTED))
def test_a_numpy_array_given_a_traced_value_takes_it_as_python_does(name):
    python, converted, _ = _three_ways(CONVERTED[name], np.float64(1.5))
    np.testing.assert_allclose(jax.jit(converted)(np.float64(1.5)), python)
    np.testing.assert_allclose(converted(np.float64(1.5)), python)


REFUSED = {
    # `w = v`: the call is not rewritten (another name holds the array)
    "another-name-holds-the-array": ("""
        import numpy as np
        def put(v, i, x):
            v[i] = x
        def f(x):
            v = np.zeros(3)
            w = v
            put(v, 1, x)
            return w
    """, r"m.py:4: `v\[i\] = x` writes a traced value into the NumPy array `v`.*return "
         r"`v` from `put`"),
    # the helper returns `v`, but the caller reads its own `v` too
    "the-caller-keeps-its-name": ("""
        import numpy as np
        def put(v, x):
            v[0] = x
            return v
        def f(x):
            v = np.zeros(3)
            w = put(v, x)
            return w + v
    """, r"m.py:4: `v\[0\] = x` writes a traced value into the NumPy array `v`.*use "
         r"what `put` returns"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_write_no_new_array_can_reach_stops_at_its_line(name):
    source, message = REFUSED[name]
    python, converted, _ = _three_ways(source, np.float64(1.5))
    with pytest.raises(TypeError, match=message):
        jax.jit(converted)(np.float64(1.5))
    np.testing.assert_allclose(converted(np.float64(1.5)), python)
