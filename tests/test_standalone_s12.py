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


def test_a_list_grown_over_a_range_of_an_argument_is_a_python_loop_static_when_traced():
    """lead's m019: ``for _ in range(n): ...; traj.append(x)`` in a function without a
    jit decorator, whose caller makes ``n`` static (``static_argnums``): the loop stays
    Python, its traced ``if`` a lax.cond (the function was left as Python: JAX's raw
    TracerBoolConversionError for the ``if``)."""
    source = """
        import numpy as np

        def f(x, n):
            traj = [x]
            for _ in range(n):
                if x > 0:
                    x = x - 0.3
                else:
                    x = x + 0.1
                traj.append(x)
            return np.stack(traj)
    """
    text, plain, _ = jitted(source)
    assert "for _ in range(_py2lax_python_bound(n, " in text and "jax.lax.cond(" in text
    jit = jax.jit(plain, static_argnums=1)
    expected = run_python(source)(1.0, 5)
    for got in plain(1.0, 5), jit(1.0, 5):
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5)


def test_a_loop_over_an_object_of_a_class_with_its_own_iter_runs_as_python():
    """lead's o012: ``for k in Countdown(4):`` of a class whose ``__iter__`` yields:
    Python's loop, its traced ``if`` a lax.cond (was ``jnp.asarray(Countdown(4))``:
    JAX's raw 'object dtype' error)."""
    source = """
        class Countdown:
            def __init__(self, n):
                self.n = n

            def __iter__(self):
                k = self.n
                while k > 0:
                    yield k
                    k -= 1

        def f(x):
            s = 0.0
            for k in Countdown(4):
                if x * k > 2:
                    s += k
            return s
    """
    text, plain, jit = jitted(source)
    assert "for k in Countdown(4):" in text
    for x in (1.0, 0.1):
        expected = run_python(source)(x)
        assert float(plain(x)) == expected and float(jit(x)) == expected


FUNCTION_CHOSEN_IN_A_LOOP = """
    import jax.numpy as jnp

    def f(x, n):
        act = jnp.tanh
        for i in range(n):
            if x > 1.0:
                act = jnp.sin
            x = act(x) + 0.5
        return x
"""


@pytest.mark.parametrize("x", [2.0, 0.1])
def test_a_function_a_traced_if_chooses_in_a_loop_is_called_through_lax_switch(x):
    """lead's n021: lax carries which function (``act = 1``), and the call is
    ``jax.lax.switch(act, (jnp.tanh, jnp.sin), x)`` (lax carried the function: JAX's
    raw 'not a valid JAX type')."""
    text, plain, jit = jitted(FUNCTION_CHOSEN_IN_A_LOOP)
    assert "jax.lax.switch(act, (jnp.tanh, jnp.sin), x)" in text
    once, again = twice(FUNCTION_CHOSEN_IN_A_LOOP)
    assert again == once
    expected = run_python(FUNCTION_CHOSEN_IN_A_LOOP)(x, 3)
    for got in plain(x, 3), jit(x, 3):
        np.testing.assert_allclose(float(got), expected, rtol=1e-5)
    # module constants a traced `if` chooses (never called) stay the numbers lax carries
    constants = FUNCTION_CHOSEN_IN_A_LOOP.replace(
        "act = jnp.tanh", "act = jnp.tanh\n        s = jnp.pi").replace(
        "act = jnp.sin", "act = jnp.sin\n                s = jnp.e").replace(
        "return x", "return x * s")
    text, plain, jit = jitted(constants)
    assert "s = 1" not in text and "s = jnp.pi" in text
    np.testing.assert_allclose(float(jit(x, 3)), run_python(constants)(x, 3), rtol=1e-5)


def test_a_chosen_function_read_other_than_by_a_call_is_refused_at_its_line():
    source = FUNCTION_CHOSEN_IN_A_LOOP.replace("return x", "return x, act.__name__")
    text = transpile(textwrap.dedent(source), "m.py", all_functions=True, standalone=True)
    assert ("# py2lax: left as Python: --standalone: `act` holds a function a traced "
            "statement chooses, which lax can only call") in text



def test_a_loop_growing_a_list_attribute_runs_as_python_its_traced_if_in_lax():
    """lead's o004: ``self.history.append(self.x)`` in a method's ``for i in
    range(n)``: lax carries the object's attributes with one structure, which the
    growing list changes (JAX's raw 'pytree structure' error). The loop stays Python."""
    source = """
        import numpy as np

        class Sim:
            def __init__(self, x):
                self.x = x
                self.history = []

            def run(self, n):
                for i in range(n):
                    if self.x > 1:
                        self.x = self.x / 2
                    else:
                        self.x = self.x * 3
                    self.history.append(self.x)
                return self.history

        def f(x):
            s = Sim(x)
            h = s.run(4)
            return np.array(h).sum(), s.x
    """
    text, plain, jit = jitted(source)
    assert "for i in range(_py2lax_python_bound(n, " in text  # (checked: a traced n)
    for x in (5.0, 0.2):
        expected = run_python(source)(x)
        for got in plain(x), jit(x):
            np.testing.assert_allclose([float(g) for g in got], expected, rtol=1e-5)


def test_a_first_runs_zero_length_guard_stays_python_where_the_name_is_carried_later():
    """IPython's ``check_complete``: a loop with ``break`` over ``reversed(cell)`` runs
    under ``if len(cell) > 0:``; ``cell += "\\n"`` in a traced ``if`` below makes
    ``cell`` a name lax carries, and a second run (which reads ``len`` as
    ``py2lax.converted(len)(cell)``) made the guard a lax.cond. A length is a Python
    int when tracing, whatever it measures."""
    source = """
        def f(cell):
            ends_with_newline = False
            for character in reversed(cell):
                if character == "\\n":
                    ends_with_newline = True
                    break
                elif character.strip():
                    break
                else:
                    continue
            if not ends_with_newline:
                cell += "\\n"
            return cell
    """
    once, again = twice(source)
    assert "    if len(cell) > 0:" in once
    assert again == once


def test_a_loop_growing_a_list_in_a_try_is_a_fixed_point():
    """jax's ``distributed_debug_log``: a scan that appends, in a ``try`` whose handler
    catches ``Exception``, extended the list from ``appended_4[0]``, which a second run
    took for the user's item read and wrote ``_py2lax_checked_item(appended_4, 0)``.
    Each list's stacked items now have a name of their own."""
    source = """
        def f(v):
            lines = [0.0]
            try:
                for x in v:
                    lines.append(x * 2)
            except Exception as e:
                lines.append(-1.0)
            return lines
    """
    once, again = twice(source)
    assert "jax.lax.scan(" in once and "_py2lax_checked_item" not in again
    assert again == once
    namespace = {}
    exec(compile(once, "m.py", "exec"), namespace)
    got = jax.jit(namespace["f"])(np.array([1.0, 2.0]))
    assert [float(g) for g in got] == [0.0, 2.0, 4.0]


def test_a_dispatched_raise_of_a_users_class_is_a_fixed_point():
    """A first run's dispatch (``if isinstance(Bad, type) and issubclass(Bad,
    AppError): Bad(...); caught = True`` ... ``else: raise Bad(...)``): a second run
    read the fallback raise as a new one, and added an ``elif`` and a flag each run."""
    source = """
        class AppError(Exception):
            pass

        class Bad(AppError):
            pass

        def f(x):
            y = 0.0
            try:
                if x > 0:
                    raise Bad("bad")
                y = x + 1
            except AppError:
                y = -1.0
            return y
    """
    once, again = twice(source)
    assert "issubclass(Bad, AppError)" in once
    assert again == once
    namespace = {}
    exec(compile(once, "m.py", "exec"), namespace)
    assert float(namespace["f"](1.0)) == -1.0 and float(namespace["f"](-3.0)) == -2.0


def test_a_first_runs_at_update_in_a_try_is_no_item_read():
    """IPython's interactiveshell.py: ``v[k] = g(k)`` in a ``try`` catching
    ``Exception`` is ``v = v.at[k].set(g(k))``; a second run read ``v.at[k]`` as an item
    read and wrote ``_py2lax_checked_item(v.at, k).set(...)``."""
    source = """
        import jax.numpy as jnp

        def f(x, names):
            v = jnp.zeros(3)
            for k in names:
                try:
                    v[k] = x * k
                except Exception:
                    pass
            return v
    """
    once, again = twice(source)
    assert ".at[k].set(" in once
    assert again == once
