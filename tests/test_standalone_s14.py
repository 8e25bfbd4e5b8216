"""`--standalone` fixes of issue 14, helper s14: generated mixed programs the runtime
backend passes and the standalone output did not.

Python is the oracle: the standalone output, jitted (``m`` static, as the generated
programs declare), gives Python's answer, or a located error that names the user's line.
"""

from __future__ import annotations

import sys

import jax
import numpy as np
import pytest

from py2lax import transpile
from standalone_oracle import same, standalone


# -- a function that may end without `return` after a short static loop that returns ----
def test_a_short_static_loop_that_returns_by_its_index_then_falls_off(tmp_path):
    """mixed_32_002, 41_024: ``for i in range(3): if i >= 0: return ...`` at the end of
    a function that may fall off it (None). lax ran the loop, so its flag of a ``return``
    taken was traced and the Python ``if not returned: return_value = None`` after it
    failed; the loop now runs as Python (its ``if`` on the Python index too)."""
    f, jf, text = standalone("""
        import jax.numpy as jnp

        def f(x, n):
            c = jnp.tanh(x)
            for i in range(n):
                c = c + 0.5
            for i in range(3):
                if i >= 1:
                    return c + i
    """, tmp_path)
    assert "for i in range(3):" in text
    for args in ((0.5, 2), (-1.0, 0)):
        same(f(*args), jf(*args))
    # a second run changes nothing: each iteration runs under `if not returned:`, no
    # `break` that a second run would lower anew
    path = str(tmp_path / "prog.py")
    assert transpile(text, path, all_functions=True, standalone=True) == text


def test_a_short_static_loop_that_returns_on_a_static_argument(tmp_path):
    """mixed_32_021, 42_024: ``if m % 2 == 0: return y`` in ``for i in range(3):``, ``m``
    static: Python returns ``y`` or falls off (None); so does the output, for each ``m``."""
    f, jf, _ = standalone("""
        import jax.numpy as jnp

        def f(x, y, m):
            c = jnp.sin(x)
            for i in range(3):
                if m % 2 == 0:
                    return y + c
                c = c * 2.0
    """, tmp_path, static=(2,))
    for args in ((0.5, 1.0, 2), (0.5, 1.0, 3)):
        same(f(*args), jf(*args))


def test_a_loop_that_returns_on_a_traced_value_then_falls_off_is_a_located_error(tmp_path):
    """Where the loop returns on a traced value, only the value decides between ``x + i``
    and None: JAX's error names the user's line and says why the test stays Python."""
    f, jf, _ = standalone("""
        def f(x):
            for i in range(3):
                if x > i:
                    return x + i
    """, tmp_path)
    with pytest.raises(jax.errors.TracerBoolConversionError,
                       match=r"prog\.py:4: .*without `return`"):
        jf(0.5)
    # a function that always returns a value needs no Python flag: a lax.while_loop
    f, jf, text = standalone("""
        def f(x):
            for i in range(3):
                if x > i:
                    return x + i
            return -x
    """, tmp_path)
    assert "while_loop" in text
    for x in (0.5, 1.5, 2.5, -3.0):
        same(f(x), jf(x))


# -- a loop over a helper that returns a range ------------------------------------------
HELPERS = '''
def ticks(k):
    return range(k)


def odds(k):
    """The odd numbers below k."""
    return range(1, k, 2)
'''


def test_a_loop_over_an_imported_helper_that_returns_a_range_of_a_traced_count(
        tmp_path, monkeypatch):
    """mixed_31_024, 42_021: ``for i in ticks(n + 2):``, ``ticks`` imported from the
    user's module beside the file (read, never run) and returning ``range(k)``: the loop
    is a ``lax.fori_loop`` to ``n + 2`` (was lax given ``range`` of a traced value:
    JAX's raw ``__index__`` error)."""
    (tmp_path / "s14_range_helpers.py").write_text(HELPERS)
    monkeypatch.syspath_prepend(str(tmp_path))
    f, jf, text = standalone("""
        import jax.numpy as jnp
        from s14_range_helpers import ticks, odds

        def f(x, n):
            b = x
            for i in ticks(n + 2):
                b = jnp.tanh(b + i * 0.25)
            for j in odds(n * 2):
                b = b + j
            return b
    """, tmp_path)
    assert "fori_loop(0, n + 2" in text
    for args in ((0.5, 3), (-1.0, 0), (0.2, 1)):
        same(f(*args), jf(*args))


def test_a_loop_over_the_modules_own_range_helper(tmp_path):
    """The module's own ``def ticks(k): return range(k)`` reads the same."""
    f, jf, _ = standalone("""
        import jax.numpy as jnp

        def ticks(k):
            return range(k)

        def f(x, n):
            for i in ticks(n):
                x = x * 0.5 + i
            return x
    """, tmp_path)
    for args in ((0.5, 3), (-1.0, 0)):
        same(f(*args), jf(*args))


# -- a placeholder a nested def's variable passes through a traced if --------------------
def test_a_loop_target_a_nested_def_reads_in_one_branch_of_a_traced_if(tmp_path):
    """mixed_41_005, 41_015: ``for e in w: def h(): return e * 0.5`` in one branch of a
    traced ``if``: ``e`` is shared with ``h`` and carried by the ``lax.cond`` from a
    placeholder, which the other branch passes on; the branches are joined (was JAX's raw
    'cond branches must have equal output types': ``bool[0]`` and ``float32[]``)."""
    f, jf, _ = standalone("""
        import jax.numpy as jnp

        def f(x, y, v):
            w = jnp.asarray(v) * 0.5
            if x > 0.0:
                return y + 1.0
            else:
                c = y
                for i in range(2):
                    h = None
                    for e in w:
                        def h():
                            return e * 0.5 + c
                    if h is not None:
                        c = jnp.tanh(c + h())
                return c
    """, tmp_path)
    for x in (1.0, -1.0):
        args = (x, 0.3, np.array([0.5, -1.0, 2.0], np.float32))
        same(f(*args), jf(*args))


# -- a function whose last `if` on a static argument returns, after a lax loop that may ---
def test_a_static_last_if_that_returns_after_a_loop_that_may_return(tmp_path):
    """mixed_31_035, 31_000: a ``return`` inside a loop lax runs (a traced count), then
    ``if m == 3: return ...`` and the function's end. For ``m == 3`` Python returns a
    value either way, which lax chooses; the output's ``if not returned:`` around the
    static ``if`` was Python, and stopped at the traced flag for every ``m``. For another
    ``m`` only the value decides between the loop's value and None: a located error."""
    f, jf, text = standalone("""
        import jax.numpy as jnp

        def f(x, n, m):
            c = x
            for i in range(n):
                if c > 2.0:
                    return c, i * 1.0
                c = c * 2.0
            c = jnp.tanh(c)
            if m == 3:
                return c, -1.0
    """, tmp_path, static=(2,))
    assert "while_loop" in text
    for args in ((0.5, 3, 3), (0.5, 1, 3), (-1.0, 4, 3)):
        same(f(*args), jf(*args))
    with pytest.raises(jax.errors.TracerBoolConversionError,
                       match=r"prog\.py:\d+: .*end without `return`"):
        jf(0.5, 3, 2)
    path = str(tmp_path / "prog.py")
    assert transpile(text, path, all_functions=True, standalone=True) == text


# -- a helper that writes into its array argument ------------------------------------------
WRITERS = '''
def put(arr, i, val):
    arr[i] = val


def put_and_get(arr, i, val):
    arr[i] = val
    return arr[i] * 0.5


def shifted(arr):
    arr = arr.at[0].set(1.0)
'''


def _writers_module(tmp_path, monkeypatch) -> str:
    """The helpers module's own standalone output, importable from ``tmp_path`` (each
    test writes it: under pytest-xdist no other test's import can be relied on)."""
    helpers = transpile(WRITERS, str(tmp_path / "s14_writers.py"), all_functions=True,
                        standalone=True)
    (tmp_path / "s14_writers.py").write_text(helpers)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "s14_writers", raising=False)
    return helpers


def test_a_call_of_an_imported_helper_that_writes_into_its_array_argument(
        tmp_path, monkeypatch):
    """mixed_31_004, 32_017: ``put(u, 1, x)``, ``put`` imported from the user's module
    beside the file and writing ``arr[i] = val``. That module's own standalone output
    gives its ``arr`` a new array for a JAX array (no code of it calls ``put``), so
    ``u`` kept its values: a silently different sum. The call now stops, for a JAX
    array, with a located error that says what to write; NumPy values still change."""
    helpers = _writers_module(tmp_path, monkeypatch)
    assert "arr.at[i].set(val)" in helpers  # (the helper module's own output)
    f, jf, text = standalone("""
        import jax.numpy as jnp
        from s14_writers import put

        def f(x, v):
            u = v.copy()
            put(u, 1, x)
            return jnp.sum(u)
    """, tmp_path)
    with pytest.raises(TypeError, match=r"prog\.py:7: `put\(u, 1, x\)` changes `u` in "
                                        r"place in NumPy.*`u = put\(u, 1, x\)`"):
        jf(10.0, np.array([1.0, 2.0, 3.0], np.float32))
    converted: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), converted)
    v = np.array([1.0, 2.0, 3.0], np.float32)
    assert converted["f"](10.0, v.copy()) == f(10.0, v.copy()) == 14.0
    path = str(tmp_path / "prog.py")
    assert transpile(text, path, all_functions=True, standalone=True) == text
    # inside an expression too (mixed_41_024's `c + put_and_get(u8, 1, ...)`)
    f, jf, text = standalone("""
        import jax.numpy as jnp
        from s14_writers import put_and_get

        def f(x, v):
            u = v.copy()
            c = x + put_and_get(u, 0, x)
            return c + jnp.sum(u)
    """, tmp_path)
    with pytest.raises(TypeError, match=r"prog\.py:7: `put_and_get\(u, 0, x\)` changes"):
        jf(10.0, np.array([1.0, 2.0, 3.0], np.float32))


def test_a_static_last_if_that_returns_after_a_traced_if_that_returns(tmp_path, monkeypatch):
    """mixed_42_033: ``if x > 0: return ...`` (traced), then ``if m == 3: return ...``
    and the function's end: the pipeline's ``if x > 0: ... else: ...; if m == 3: ...``
    was Python for the None, and stopped at ``x > 0`` for every ``m``. For ``m == 3``
    lax chooses between the two values; for another ``m`` only the value decides
    between a value and None: a located error."""
    f, jf, text = standalone("""
        import jax.numpy as jnp

        def f(x, m):
            if x > 0:
                return x + 1.0
            c = jnp.tanh(x)
            if m == 3:
                return c * 2.0
    """, tmp_path, static=(1,))
    for x in (0.5, -0.5):
        same(f(x, 3), jf(x, 3))
    with pytest.raises(jax.errors.TracerBoolConversionError,
                       match=r"prog\.py:5: .*end without `return`"):
        jf(0.5, 2)
    path = str(tmp_path / "prog.py")
    assert transpile(text, path, all_functions=True, standalone=True) == text
    # a helper whose own `arr = arr.at[...]` changes nothing the caller sees, in Python
    # too, needs no guard
    _writers_module(tmp_path, monkeypatch)
    f, jf, text = standalone("""
        import jax.numpy as jnp
        from s14_writers import shifted

        def f(x, v):
            u = jnp.asarray(v)
            shifted(u)
            return jnp.sum(u) + x
    """, tmp_path)
    assert "raise TypeError" not in text
