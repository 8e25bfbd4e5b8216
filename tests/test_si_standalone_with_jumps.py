"""``--standalone``: a ``with`` block around a ``break``/``return`` in a converted loop
(issue 13, item 1).

A ``with`` whose manager is not one of JAX's own asks the pipeline to run a static
loop as Python (an error of one iteration might be caught). ``--standalone`` then kept
such a loop with a ``break`` as Python, which a traced ``break`` test stops with JAX's
own ``TracerBoolConversionError``. The runtime converts it. Managers that never
suppress an error and change nothing (``contextlib.nullcontext()``,
``np.errstate(...)``, ``np.printoptions(...)``, ``warnings.catch_warnings()``, JAX's
own) are now entered inside the compiled body, as at trace time; a manager that counts
its entries, or suppresses errors, still keeps the loop Python (with the command's
located note).
"""

from __future__ import annotations

import textwrap

import jax
import numpy as np
import pytest

from py2lax import transpile

CONVERTED = {
    "nullcontext-break": ("""
        import contextlib
        def f(x):
            total = 0.0
            for i in range(5):
                with contextlib.nullcontext():
                    if total > x:
                        break
                    total = total + i
            return total
    """, [(3.0,), (100.0,)]),
    "errstate-return": ("""
        import numpy as np
        def f(x):
            total = 0.0
            for i in range(5):
                with np.errstate(all="ignore"):
                    if total > x:
                        return total * 2
                    total = total + i
            return total
    """, [(3.0,), (100.0,)]),
    "errstate-return-over-an-array": ("""
        import numpy as np
        def f(xs):
            best = 0.0
            for v in xs:
                with np.errstate(divide="ignore"):
                    if v > 2.0:
                        return best
                    best = best + v
            return -best
    """, [(np.array([1.0, 0.5, 3.0, 1.0]),), (np.array([1.0, 0.5]),)]),
}


@pytest.mark.parametrize("name", sorted(CONVERTED))
def test_a_quiet_manager_around_a_jump_keeps_the_loop_compiled(name):
    source, inputs = CONVERTED[name]
    source = textwrap.dedent(source)
    text = transpile(source, "m.py", all_functions=True, standalone=True)
    assert "left as Python" not in text and ("while_loop" in text or "scan" in text)
    assert transpile(text, "m.py", all_functions=True, standalone=True) == text
    python: dict = {}
    exec(compile(source, "m.py", "exec"), python)
    converted: dict = {}
    exec(compile(text, "m.py", "exec"), converted)
    for args in inputs:
        expected = python["f"](*args)
        np.testing.assert_allclose(jax.jit(converted["f"])(*args), expected)
        np.testing.assert_allclose(converted["f"](*args), expected)


def test_a_manager_that_counts_its_entries_keeps_the_loop_python():
    """Python enters ``log`` once per iteration up to the ``break``; a compiled body
    would enter it once."""
    source = textwrap.dedent("""
        class Log:
            def __init__(self):
                self.n = 0
            def __enter__(self):
                self.n += 1
                return self
            def __exit__(self, *a):
                return False
        def f(x):
            log = Log()
            total = 0.0
            for i in range(5):
                with log:
                    if total > x:
                        break
                    total = total + i
            return total + log.n
    """)
    text = transpile(source, "m.py", all_functions=True, standalone=True)
    # (the loop stays Python, each iteration entering `log` until the `break`)
    assert "for i in range(5):" in text and "its body changes objects" in text
    python, converted = {}, {}
    exec(compile(source, "m.py", "exec"), python)
    exec(compile(text, "m.py", "exec"), converted)
    for x in (-1.0, 2.0, 20.0):
        assert converted["f"](x) == python["f"](x)
