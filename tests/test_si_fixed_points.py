"""The command's output, given back to the command, is left unchanged (issue 13).

Each case is a minimal repro of a third-party file a second ``--all`` run rewrote again
(the command then refused to write it, "internal error: a second run would change the
rewritten text again"), and, where the first run's decision was the wrong one, a check
against Python's own answer.
"""

from __future__ import annotations

import textwrap

import jax
import numpy as np
import pytest

import py2lax
from py2lax import transpile


def twice(source: str, standalone: bool = True) -> tuple[str, str]:
    """The module after one ``--all`` run and after a second one."""
    once = transpile(textwrap.dedent(source), "m.py", all_functions=True,
                     standalone=standalone)
    return once, transpile(once, "m.py", all_functions=True, standalone=standalone)


def run(module: str, name: str):
    namespace: dict = {"__name__": "m"}
    exec(compile(module, "m.py", "exec"), namespace)
    return namespace[name]


def test_a_handler_guard_inside_a_with_is_no_raise_a_second_run_hoists_the_manager_for():
    """JAX's ``mlir.lower_per_platform``: ``--standalone`` writes ``if
    _py2lax_raised_by_jax(e): raise`` first in the handler; a second run read it as a
    ``raise`` under a traced ``if`` inside the ``with`` and put the manager in a
    variable (``manager_N = ir.InsertionPoint(branch)``)."""
    once, again = twice("""
        def f(xs, make):
            for x in xs:
                with make(x):
                    try:
                        y = int(x)
                    except TypeError as e:
                        raise ValueError("bad") from e
            return y
    """)
    assert "if _py2lax_raised_by_jax(e):" in once and "manager_" not in once
    assert again == once


@py2lax.autograph_jit
def _updated_then_named(a):
    a += 1.0
    r = a
    return r * 2


def test_a_name_bound_after_an_update_in_place_holds_no_view_of_it():
    """``a += 1.0`` then ``r = a``: ``r`` cannot see the update (it holds the updated
    array). Both the runtime and ``--standalone`` took ``r`` for a second holder: the
    runtime refused the function, ``--standalone`` guarded ``a`` against JAX arrays,
    and a second run guarded ``if_false_N``'s ``a += 1.0`` because of the
    ``return_value = a`` that a first run's early return became (JAX's
    ``random._categorical``)."""
    source = """
        def g(a):
            a += 1.0
            r = a
            return r * 2
    """
    once, again = twice(source)
    assert "TypeError" not in once
    assert again == once
    x = np.ones(3)
    expected = run(textwrap.dedent(source), "g")(x.copy())
    np.testing.assert_allclose(jax.jit(run(once, "g"))(x.copy()), expected)
    np.testing.assert_allclose(_updated_then_named(x.copy()), expected)

    once, again = twice("""
        import jax.numpy as jnp

        def f(a, replace, k):
            if replace:
                return a
            else:
                a += 1.0
                if k > a.shape[0]:
                    raise ValueError("too many")
                return a
    """)
    assert again == once


def test_an_unreturned_parameter_update_read_only_for_its_shape_is_guarded_on_the_first_run():
    """``a += 1.0`` in a helper that does not return ``a``, whose caller reads ``a``
    again: NumPy changes the caller's array. A first run took ``a`` for a number
    (``k > a.shape[0]`` reads it) and wrote no guard: under ``jax.jit`` the caller kept
    the old ``a``, a silently different answer; a second run (where the test is a
    ``raise_if`` callback) wrote the guard. Now the first run writes it."""
    source = """
        import jax.numpy as jnp

        def helper(a, replace, k):
            if replace:
                return jnp.argmax(a)
            else:
                a += 1.0
                if k > a.shape[0]:
                    raise ValueError("too many")
                return jnp.sum(a)

        def main(a, k):
            r = helper(a, False, k)
            return r + a.sum()
    """
    once, again = twice(source)
    assert again == once
    assert float(run(textwrap.dedent(source), "main")(np.ones(3), 2)) == 12.0
    with pytest.raises(TypeError, match=r"m.py:\d+: `a \+= 1.0` changes the caller's array"):
        jax.jit(run(once, "main"))(np.ones(3), 2)


def test_an_in_place_method_on_a_parameter_the_caller_reads_keeps_numpy_s_call():
    """NumPy's ``test_mem_overlap``: ``a.fill(0)`` in a helper the module calls became
    ``a = jnp.full_like(a, 0)``, which the caller's array never sees (Python's ``True``,
    the output's ``False``, on NumPy arrays and under ``jax.jit`` alike), and a second
    run, reading a helper with no in-place write, converted the caller the first run
    had left as Python. NumPy's call stays, after a guard for a JAX array."""
    source = """
        import numpy as np

        def fill_both(a, b):
            a.fill(0)
            b.fill(0)
            a.fill(1)
            return b.any()

        def main(x):
            x = x + 0
            return fill_both(x, x)
    """
    once, again = twice(source)
    assert again == once
    x = np.ones(3)
    assert run(textwrap.dedent(source), "main")(x) == True  # noqa: E712
    assert run(once, "main")(x) == True  # noqa: E712
    with pytest.raises(TypeError, match=r"m.py:5: `a.fill\(0\)` changes the caller's array"):
        jax.jit(run(once, "main"))(x)


def test_a_list_grown_before_the_return_that_names_it_is_no_shared_array():
    """scipy's ``_docscrape``: ``out = []; out += [...]``, then a loop, then ``return
    out`` after an early ``return []``: a second run read the first run's
    ``return_value = out`` as a second name for ``out``'s object at the ``+=`` and
    guarded it against JAX arrays."""
    source = """
        def f(items, s):
            if not s:
                return []
            out = []
            out += ["a"]
            for desc in items:
                out += ["b"]
                if desc:
                    out += [desc]
            return out
    """
    once, again = twice(source)
    assert "TypeError" not in once
    assert again == once


def test_sorting_a_parameter_the_caller_reads_keeps_numpy_s_sort():
    """``v.sort()`` in a helper the module calls became ``v = jnp.sort(v)`` for anything
    but a list: the caller's NumPy array stayed unsorted (Python's ``1.5``, the output's
    ``4.5``, on NumPy values and under ``jax.jit`` alike)."""
    source = """
        import numpy as np

        def srt(v):
            v.sort()

        def f(x):
            v = np.array([3.0, 1.0, 2.0]) * x
            srt(v)
            return v[0]
    """
    once, again = twice(source)
    assert again == once
    assert run(textwrap.dedent(source), "f")(1.5) == run(once, "f")(1.5) == 1.5
    with pytest.raises(TypeError, match=r"m.py:5: `v.sort\(\)` changes the caller's array"):
        jax.jit(run(once, "f"))(1.5)
