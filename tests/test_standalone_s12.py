"""`--standalone` fixes of issues 13 and 14, helper s12: a second run reads what a first
run wrote as already decided, and hand-written programs the runtime converts.

A first run keeps some statements as Python and checks their tests
(``_py2lax_python_test(lambda x=x: test, 'file.py:line', reason)``). A second run read
that test inside the ``lambda``, as code that is not the function's own, and so decided
the statement around it differently: a ``for`` kept as Python because its body tests
its items' type (``isinstance(sd_fi, ...)``) became a ``lax.scan`` (IPython's
``ultratb.py``, jax's ``shard_map.py``), and the command refused to write the file.
"""

from __future__ import annotations

import textwrap

import jax
import numpy as np
import pytest

from py2lax import transpile


def twice(source: str) -> tuple[str, str]:
    """The module after one ``--standalone --all`` run and after a second one."""
    once = transpile(textwrap.dedent(source), "m.py", all_functions=True, standalone=True)
    return once, transpile(once, "m.py", all_functions=True, standalone=True)


class Repeated:
    pass


def test_a_loop_kept_for_its_items_type_test_stays_python_when_that_test_is_checked():
    """IPython's ``ultratb``: the ``if`` that tests the item's type grows a list on one
    branch only, so it stays Python with its test checked; the ``for`` stays Python for
    the type test. A second run read the test inside the check's ``lambda`` and made
    the loop a ``lax.scan``."""
    once, again = twice("""
        def f(items, seen):
            kept = []
            for item in items:
                if isinstance(item, Repeated) or item in seen:
                    kept.append(item)
            return kept
    """)
    assert "for item in items:" in once and "_py2lax_python_test(lambda item=item" in once
    assert again == once
    namespace = {"Repeated": Repeated}
    exec(compile(once, "m.py", "exec"), namespace)
    r = Repeated()
    assert namespace["f"]([r, 1, 2], {2}) == [r, 2]


def test_a_loop_kept_for_a_type_test_in_a_checked_and_stays_python():
    """jax's ``shard_map``: ``if isinstance(os, P) and not valid(v.mat, os): raise ...``
    in a ``for`` over ``zip`` in a traced ``if``: the ``and`` is kept as Python (Python
    may skip the call) and checked, inside a ``jax.debug.callback``'s arguments; the
    ``for`` stays Python for the type test. A second run did not read that test, and
    made the loop a scan."""
    once, again = twice("""
        from somewhere import valid, P

        def check(vs, specs, flag):
            if flag:
                for v, os in zip(vs, specs):
                    if isinstance(os, P) and not valid(v.mat, os):
                        raise TypeError("not valid")
            return 0
    """)
    assert "for v, os in zip(vs, specs):" in once and "_py2lax_python_test(" in once
    assert again == once


def jitted(source: str, name: str = "f"):
    """The standalone text's ``name``, as written (Python values) and under ``jax.jit``."""
    text = transpile(textwrap.dedent(source), "m.py", all_functions=True, standalone=True)
    assert "py2lax" not in text.replace("_py2lax_", "")
    namespace = {}
    exec(compile(text, "m.py", "exec"), namespace)
    return text, namespace[name], jax.jit(namespace[name])


def run_python(source: str, name: str = "f"):
    namespace = {}
    exec(compile(textwrap.dedent(source), "m.py", "exec"), namespace)
    return namespace[name]


LOOP_VARIABLES_AFTER_BREAK = """
    import jax.numpy as jnp

    def f(v):
        for i, x in enumerate(v):
            if x > 2:
                break
        return i, x
"""


@pytest.mark.parametrize("values", [[1.0, 3.0, 2.0], [1.0, 1.0], [5.0]])
def test_loop_variables_read_after_a_for_with_a_traced_break_are_pythons(values):
    """lead's k015: ``i`` and ``x`` are unassigned before the loop; over items whose
    number is known when tracing the loop runs under ``if len(v) > 0:``, its target
    starting as the first item (was kept as Python: JAX's raw TracerBoolConversionError)."""
    text, plain, jit = jitted(LOOP_VARIABLES_AFTER_BREAK)
    expected = run_python(LOOP_VARIABLES_AFTER_BREAK)(np.array(values))
    for got in plain(np.array(values)), jit(np.array(values)):
        assert int(got[0]) == expected[0] and float(got[1]) == expected[1]


def test_loop_variables_after_a_loop_over_nothing_stay_unassigned():
    text, plain, jit = jitted(LOOP_VARIABLES_AFTER_BREAK)
    with pytest.raises(UnboundLocalError):
        run_python(LOOP_VARIABLES_AFTER_BREAK)(np.zeros((0,)))
    for function in plain, jit:
        with pytest.raises(UnboundLocalError):
            function(np.zeros((0,)))


def test_the_item_of_a_loop_without_break_read_after_it_converts():
    source = """
        def f(u, w):
            total = 0.0
            for a, b in zip(u, w):
                if a > b:
                    total = total + a
            return total, a, b
    """
    text, plain, jit = jitted(source)
    assert "jax.lax.scan" in text
    u, w = np.array([1.0, 4.0, 2.0]), np.array([2.0, 3.0, 0.5, 9.0])
    expected = run_python(source)(u, w)
    for got in plain(u, w), jit(u, w):
        np.testing.assert_allclose([float(g) for g in got], expected)
