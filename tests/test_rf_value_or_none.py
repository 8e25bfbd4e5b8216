"""`--standalone`, helper rf: a ``return`` under a traced test or in a loop lax runs,
while another path returns None (``return None``, the end reached) or returns later.

Python is the oracle. The runtime decides at trace time (the None path is dead for the
static argument; a short static loop that returns on its index ends the function), and
so does the output now: each ``if`` that may give the result None, or sets the flag of a
``return`` the end tests, runs through ``_py2lax_python_or_lax_cond`` (Python's ``if`` on
a Python test; lax.cond of both branches on a traced one, a branch that still gives None
being a located TypeError). Run on plain values, not jitted, the output is Python's.
"""

from __future__ import annotations

import pytest

from standalone_oracle import same, standalone


def _plain(text: str, path: str):
    """The output's ``f``, not jitted: run on plain values it must be Python's."""
    namespace: dict = {}
    exec(compile(text, path, "exec"), namespace)
    return namespace["f"]


_DEAD_FOR_STATIC = """
    import jax.numpy as jnp

    def f(x, n, m):
        if n % 2 == 0:
            return x * 2.0
        for i in range(n):
            if x > i:
                return x + i
        if m % 2 == 0:
            return x - 1.0
        return None
"""


def test_return_none_dead_for_the_static_argument(tmp_path):
    """``n`` traced, ``m`` static: where ``m`` is even Python returns a value on every
    path; the output was refused at ``if n % 2 == 0`` ('`return_value` is assigned
    NoneType values')."""
    f, jf, text = standalone(_DEAD_FOR_STATIC, tmp_path, static=(2,))
    for x, n in ((0.5, 2), (-3.0, 3), (0.5, 3), (-1.0, 0)):
        same(f(x, n, 2), jf(x, n, 2))
    plain = _plain(text, str(tmp_path / "prog.py"))
    for x, n, m in ((0.5, 2, 1), (-3.0, 3, 1), (-3.0, 3, 2), (0.5, 3, 1)):
        assert (f(x, n, m) is None) == (plain(x, n, m) is None)
        if f(x, n, m) is not None:
            same(f(x, n, m), plain(x, n, m))


def test_return_none_live_is_a_located_error(tmp_path):
    """``m`` odd: Python gives None on some inputs and a value on others, which a
    compiled function cannot: a TypeError that names the user's line, never a value."""
    f, jf, _ = standalone(_DEAD_FOR_STATIC, tmp_path, static=(2,))
    assert f(-3.0, 3, 1) is None
    with pytest.raises(TypeError, match=r"prog\.py:\d+: a value is None on a path"):
        jf(-3.0, 3, 1)


def test_a_short_static_loop_ends_the_function_after_a_traced_return(tmp_path):
    """A ``return`` in a loop over a traced count, then ``for j in range(3): if j == 0:
    return``: Python never reaches the end. The loop after the lax one now runs as Python
    in ``if not returned:`` (where the flag is False), so the end is decided when
    tracing."""
    f, jf, text = standalone("""
        import jax.numpy as jnp

        def f(x, n):
            c = jnp.tanh(x)
            for i in range(n):
                if c > i * 0.25:
                    return c * 3.0
                c = c + 0.5
            for j in range(3):
                if j == 0:
                    return c + 1.0
    """, tmp_path)
    for x, n in ((0.5, 2), (-2.0, 3), (-2.0, 0), (0.1, 1)):
        same(f(x, n), jf(x, n))
    plain = _plain(text, str(tmp_path / "prog.py"))
    for x, n in ((0.5, 2), (-2.0, 3), (-2.0, 0)):
        same(f(x, n), plain(x, n))


def test_a_traced_if_returns_then_a_short_static_loop_returns(tmp_path):
    """Seed 64108's shape: a traced ``if`` returns on some paths, the others reach a
    short loop that returns on its first index. Was refused at the traced ``elif`` ('it
    may return, and the function may also end without `return`')."""
    f, jf, text = standalone("""
        import jax.numpy as jnp

        def f(x, y, n):
            if n >= 0:
                if n >= 2:
                    return x * 0.5
                return y
            elif x > y:
                y = y + 1.0
            elif x < -1.0:
                return 1.5
            for i in range(3):
                if i < 3:
                    return jnp.maximum(x, y)
    """, tmp_path)
    for x, y, n in ((0.5, 0.2, 3), (0.5, 0.2, 1), (0.5, 0.2, -1), (-2.0, 0.2, -1),
                    (-0.5, 0.2, -1)):
        same(f(x, y, n), jf(x, y, n))
    plain = _plain(text, str(tmp_path / "prog.py"))
    for x, y, n in ((0.5, 0.2, 3), (-2.0, 0.2, -1), (-0.5, 0.2, -1)):
        same(f(x, y, n), plain(x, y, n))


def test_a_static_test_falls_off_only_where_python_does(tmp_path):
    """The last ``return`` under a static test and a traced ``return`` before it: for
    ``m`` that returns, the output gives Python's value; for ``m`` that falls off,
    Python gives None on the path the traced test skips, and the output's error names
    the line."""
    f, jf, _ = standalone("""
        import jax.numpy as jnp

        def f(x, m):
            if x > 0:
                return x
            if m > 1:
                return -x
    """, tmp_path, static=(1,))
    for x in (0.5, -0.5):
        same(f(x, 2), jf(x, 2))
    assert f(-0.5, 0) is None
    with pytest.raises(TypeError, match=r"prog\.py:\d+"):
        jf(-0.5, 0)


def test_a_live_end_after_a_traced_return_is_never_a_value(tmp_path):
    """Both loops return on traced tests, and Python falls off (None) where neither
    does: the compiled function cannot give None or a value as the input decides, so it
    stops at a line of the user's, never with one of the values."""
    f, jf, _ = standalone("""
        def f(x, n):
            for i in range(n):
                if x > i:
                    return x
            for j in range(2):
                if x < -j:
                    return -x
    """, tmp_path)
    assert f(0.5, 0) is None and f(-3.0, 2) == 3.0
    with pytest.raises(Exception, match=r"prog\.py:\d+: "):
        jf(-3.0, 2)


def test_none_from_a_branch_run_as_python_is_located_in_the_lax_if_around_it(tmp_path):
    """``m`` static and not 3: the short loop in py2lax's ``if not returned:`` (the flag
    a lax loop set) returns nothing, so that branch ends the function (None) and the
    other gives ``x``. The lax.cond around it met None (JAX's pytree error, naming no
    line)."""
    f, jf, _ = standalone("""
        def f(x, n, m):
            for i in range(n):
                if x > i:
                    return x
            for j in range(3):
                if m == 3:
                    return -x
    """, tmp_path, static=(2,))
    assert f(-0.5, 2, 0) is None
    with pytest.raises(TypeError, match=r"prog\.py:\d+: a value is None on a path"):
        jf(-0.5, 2, 0)
    for x, n in ((0.5, 2), (-0.5, 2), (1.5, 3)):
        same(f(x, n, 3), jf(x, n, 3))


def test_a_static_if_that_may_return_leaves_the_result_untyped(tmp_path):
    """``if m == 0: if x > 2.0: return x`` with ``m`` static and not 0: Python's ``if``
    typed no result, so the loop's lax.cond after it must still join its placeholder
    (JAX's 'cond branches must have equal output types' named no line)."""
    f, jf, _ = standalone("""
        def f(x, n, m):
            if m == 0:
                if x > 2.0:
                    return x
            for i in range(n):
                if x > 0.25:
                    return x * 2.0
    """, tmp_path, static=(2,))
    assert f(0.1, 2, 1) is None
    with pytest.raises(TypeError, match=r"prog\.py:\d+: a value is None on a path"):
        jf(0.1, 2, 1)
