"""--standalone: a ``for`` with a traced ``break`` over a Python list, tuple or dict.

``for limit, rate in brackets: ... break`` (``brackets`` a list of tuples), ``for w in
weights`` (a list of arrays), ``for k, v in table.items()`` were left as Python ("this
loop with `break` must run as Python (it iterates over a Python container)"), and jitting
them raised JAX's TracerBoolConversionError; the runtime runs them, stopping its Python
loop at the traced ``break``. Now each iteration is a local function of its item and the
carry that ``_py2lax_unless_broken`` runs as Python while the flag is Python's, and under
``lax.cond`` once a traced ``break`` made it traced. The loop's own target is bound
inside the iteration, so after the break it keeps the item it broke at (Python's ``c``).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from standalone_oracle import standalone

from test_standalone_builtins import standalone_agrees

PROGRAMS = {
    "list-of-tuples": ("""
        def f(income):
            brackets = [(10000.0, 0.0), (40000.0, 0.2), (1e9, 0.4)]
            tax = 0.0
            prev = 0.0
            for limit, rate in brackets:
                if income > limit:
                    tax += (limit - prev) * rate
                    prev = limit
                else:
                    tax += (income - prev) * rate
                    break
            return tax
        """, [(np.float32(5000.0),), (np.float32(50000.0),), (np.float32(25000.0),)]),
    "list-of-arrays": ("""
        import jax.numpy as jnp
        def f(x):
            weights = [jnp.ones((2, 2)), 2 * jnp.ones((2, 2)), 3 * jnp.ones((2, 2))]
            h = x
            for w in weights:
                h = jnp.tanh(w @ h)
                if jnp.sum(h) > 1.9:
                    break
            return h
        """, [(np.array([0.1, 0.2], np.float32),), (np.array([1.0, 0.2], np.float32),)]),
    "dict-items": ("""
        def f(x):
            table = {"a": 1.0, "b": 2.0, "c": 3.0}
            found = 0.0
            for k, v in table.items():
                if x < v:
                    found = v
                    break
            return found
        """, [(np.float32(1.5),), (np.float32(5.0),), (np.float32(0.5),)]),
    "target-read-after": ("""
        def f(x):
            c = 0.0
            for c in [x, 2 * x, 3 * x]:
                if c > 5:
                    break
            return c
        """, [(np.float32(3.0),), (np.float32(1.0),), (np.float32(9.0),)]),
    "enumerate-index": ("""
        def f(x):
            vals = [1.0, 4.0, 9.0]
            idx = -1
            for i, v in enumerate(vals):
                if v > x:
                    idx = i
                    break
            return idx
        """, [(np.float32(3.0),), (np.float32(30.0),), (np.float32(0.0),)]),
    "int-count-then-float": ("""
        def f(xs_a, xs_b, limit):
            total = 0
            count = 0
            for x in [xs_a, xs_b, xs_a + xs_b]:
                total = total + x
                count += 1
                if total > limit:
                    break
            return total, count
        """, [(np.float32(1.0), np.float32(2.0), np.float32(2.5)),
              (np.float32(1.0), np.float32(2.0), np.float32(20.0))]),
    "target-unassigned-before-with-else": ('''
        def f(x):
            for c in [x, 2 * x, 3 * x]:
                if c > 5:
                    break
            else:
                c = -1.0
            return c
        ''', [(np.float32(3.0),), (np.float32(1.0),), (np.float32(9.0),)]),
    "first-tolerance-met": ('''
        import jax.numpy as jnp
        def f(x):
            err = jnp.abs(jnp.sin(x) - x)
            for tol in (1e-3, 1e-2, 1e-1, 1.0):
                if err < tol:
                    break
            return tol
        ''', [(np.float32(0.01),), (np.float32(0.3),), (np.float32(0.6),), (np.float32(3.0),)]),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_break_over_a_container_matches_python(name):
    source, inputs = PROGRAMS[name]
    text = standalone_agrees(source, "f", *inputs)
    assert "left as Python" not in text
    assert "_py2lax_unless_broken" in text


def test_a_loop_that_appends_is_a_while_loop_growing_rows(tmp_path):
    """(gb) a display of numbers: the lax loop over it as an array, the list carried as
    rows and a count (``stopped_growth``); it was refused before."""
    source = """
        def f(x):
            out = []
            for v in [1.0, 2.0, 3.0]:
                if v > x:
                    break
                out.append(v * x)
            return sum(out)
        """
    from standalone_oracle import same, standalone
    original, jitted, text = standalone(source, tmp_path)
    assert "_py2lax_GrowingList" in text and "_py2lax_unless_broken" not in text
    for x in (0.5, 1.5, 2.5, 4.0):
        same(original(jnp.float32(x)), jitted(jnp.float32(x)))


def test_a_carry_that_starts_as_none_is_pythons_or_located(tmp_path):
    """``best = None`` above the loop: on Python values (or a static ``x``) the loop runs
    as Python, stopping at its flag; a traced ``break`` would leave lax a None on one
    path, which no ``lax.cond`` holds: a TypeError naming the user's line (not JAX's
    pytree-structure TypeError from inside the output)."""
    source = """
        def f(x):
            best = None
            for w, v in [(1.0, 2.0), (2.0, 3.0)]:
                if x < w:
                    best = v
                    break
            if best is None:
                return -1.0
            return best
        """
    original, jitted, text = standalone(source, tmp_path)
    namespace: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), namespace)
    for x in (0.5, 1.5, 3.0):
        assert namespace["f"](x) == original(x)
    with pytest.raises(TypeError, match=r"prog\.py:5: a value is None on a path"):
        jitted(0.5)


@pytest.mark.parametrize("source", ["""
    LOG = []
    def record(v):
        LOG.append(v)
    def f(x):
        total = 0.0
        for k, w in {"a": 1.0, "b": 2.0}.items():
            if x < w:
                break
            record(w)
            total = total + w
        return total
    """, """
    def f(x):
        total = 0.0
        try:
            for k, w in {"a": 1.0, "b": 2.0}.items():
                if x < w:
                    break
                total = total + w
        except ValueError:
            total = -1.0
        return total
    """])
def test_effects_lax_would_trace_keep_the_loop_python(tmp_path, source):
    """A helper called for its effect (lax.cond traces both paths: the effect would
    happen for a skipped item too) or a ``try`` around the loop: the loop stays Python,
    each iteration run while its ``break`` flag is Python's False (Python's answers and
    effects on Python values); a traced test is an error naming the user's line."""
    import jax
    from py2lax import transpile
    import textwrap
    source = textwrap.dedent(source)
    path = tmp_path / "program.py"
    text = transpile(source, str(path), all_functions=True, standalone=True)
    assert "_py2lax_unless_broken" not in text
    original: dict = {}
    exec(compile(source, str(path), "exec"), original)
    converted: dict = {}
    exec(compile(text, str(path), "exec"), converted)
    for x in (0.5, 1.5, 3.0):
        assert converted["f"](x) == original["f"](x)
    assert converted.get("LOG") == original.get("LOG")
    with pytest.raises(jax.errors.TracerBoolConversionError, match=r"program\.py:\d+: "):
        jax.jit(converted["f"])(0.5)
