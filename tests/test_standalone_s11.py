"""`--standalone` fixes of issue 14, helper s11: a second run changes nothing where a
first run checked a kept-Python test (``_py2lax_python_test``).

The test of a statement or ternary kept as Python runs as ``_py2lax_python_test(lambda
x=x: test, 'file.py:line', reason)``. The lambda's parameters are the function's names
the test reads; the module's names stay free. A first run counted the names it adds
itself (its ``jax`` import, a module without one) as the function's, and a second run,
which reads them as the module's, wrote the lambda again; a ternary a first run kept as
Python was made a ``lax.cond`` over the check's value by a second run. Both made the
command refuse to write the file (pytest's ``recwarn.py`` and ``argparsing.py``).
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


def test_a_checked_test_calling_jax_in_a_module_without_a_jax_import_is_a_fixed_point():
    """pytest's ``WarningsChecker.__exit__``: ``any(...)`` over a generator becomes
    ``jax.numpy.any``, in a module that imports no jax before the output adds it."""
    once, again = twice("""
        def f(x, ws, m):
            hint = ""
            if isinstance(m, str) and any(m == str(w) for w in ws if w > x):
                hint = "x"
            return hint
    """)
    assert "_py2lax_python_test(lambda m=m, ws=ws, x=x: " in once
    assert again == once
    namespace = {}
    exec(compile(once, "m.py", "exec"), namespace)
    assert namespace["f"](1.0, [0.0, 2.0], "2.0") == "x"
    assert namespace["f"](1.0, [0.0, 2.0], "3.0") == ""


def test_a_ternary_kept_as_python_with_a_checked_test_stays_python_on_a_second_run():
    """pytest's ``_get_argparse_dest``: ``long_opts[0] if long_opts else opts[0]``."""
    once, again = twice("""
        def dest(opts):
            long_opts = [o for o in opts if o.startswith("--")]
            opt = long_opts[0] if long_opts else opts[0]
            return opt.lstrip("-")
    """)
    assert "_py2lax_python_test(lambda long_opts=long_opts: long_opts" in once
    assert again == once
    namespace = {}
    exec(compile(once, "m.py", "exec"), namespace)
    assert namespace["dest"](["-v", "--verbose"]) == "verbose"
    assert namespace["dest"](["-v"]) == "v"


def jitted(source: str, name: str = "f"):
    """``name`` of the ``--standalone`` output of ``source`` (a fixed point), jitted."""
    once, again = twice(source)
    assert again == once
    namespace = {}
    exec(compile(once, "m.py", "exec"), namespace)
    return jax.jit(namespace[name]), once


def test_a_loop_that_appends_tuples_gives_each_steps_tuple_in_pythons_order():
    """``pairs.append((i, x))`` in a scan: scan stacks the tuple leaf by leaf, and the
    list was extended with the stacked leaves themselves (``[I, X]``), not the tuples
    (``[(i0, x0), (i1, x1), ...]``): Python 3.0, standalone 1.0."""
    source = """
        def f(xs):
            pairs = []
            for i, x in enumerate(xs):
                if x > 0:
                    pairs.append((i, x))
                else:
                    pairs.append((i, 0.0))
            return sum(p[1] for p in pairs), len(pairs), pairs[1][0]
    """
    f, _ = jitted(source)
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    xs = np.array([1.0, -1.0, 2.0])
    total, count, second = f(xs)
    assert (float(total), count, int(second)) == namespace["f"](xs) == (3.0, 3, 1)


def test_an_item_read_past_the_end_inside_a_try_catching_index_error_raises_as_in_python():
    """``try: x = v[i] except IndexError: x = 0.0`` with a static ``i`` past the end: JAX
    clamps the index (``v[3]`` of three items is ``v[2]``), where Python raises and the
    handler runs: Python 5.0, standalone 8.0."""
    source = """
        def f(v):
            s = 0.0
            for i in range(4):
                try:
                    x = v[i]
                except IndexError:
                    x = 0.0
                if x > 1:
                    s += x
            return s
    """
    f, text = jitted(source)
    assert "_py2lax_checked_item(v, i)" in text
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    v = np.array([2.0, 0.5, 3.0])
    assert float(f(v)) == namespace["f"](v) == 5.0
    assert float(f(np.array([2.0, 0.5, 3.0, 4.0]))) == 9.0


# finder10's g2: `--standalone` leaves it as Python (its loop's raise becomes a `break`
# plain lax cannot stop at), and traced, `except Exception` took JAX's error for the raise.
G2 = """
    def g2(v):
        try:
            for x in iter(v):
                if x < 0:
                    raise ArithmeticError
            r = 1.0
        except Exception:
            return -1.0
        return r
"""


def test_a_function_left_as_python_lets_jax_errors_through_its_broad_except():
    """finder10's g2: ``--standalone`` leaves the function as Python (its loop's raise
    becomes a ``break`` plain lax cannot stop at). Traced, ``if x < 0`` is JAX's
    TracerBoolConversionError, which ``except Exception: return -1.0`` took for the
    ``raise``: -1.0 where Python gives 1.0. ``guard_edits`` (which the command applies
    to a function it leaves as Python) puts ``_py2lax_jax_errors_through()`` first in
    the handler: JAX's error goes on, Python's answers stay, and a second pass adds
    nothing."""
    from py2lax.backends.plain_lax.kept_functions import guard_edits
    from py2lax.backends.plain_lax.shared_definitions import with_shared_definitions
    from py2lax.backends.printing.edits import splice
    from py2lax.frontend import syntax as S
    source = "import jax\n\n\n" + textwrap.dedent(G2)

    def guarded(text: str) -> str:
        lines = S.source_lines(text, keepends=True)
        function = S.parse_module(text).body[1]
        return with_shared_definitions(splice(lines, guard_edits(function, lines), True),
                                       "jax", None)
    once = guarded(source)
    assert "    except Exception:\n        _py2lax_jax_errors_through()\n" in once
    assert guarded(once) == once
    namespace = {}
    exec(compile(once, "m.py", "exec"), namespace)
    g2 = namespace["g2"]
    assert g2(np.array([1.0, 2.0])) == 1.0 and g2(np.array([1.0, -2.0])) == -1.0
    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.jit(g2)(np.array([1.0, 2.0]))


@pytest.mark.parametrize("source", [
    """
    def f(v):
        out = 0.0
        for x in reversed(v):
            out = out * 0.5 + x
            if out > 10:
                break
        return out
    """,
    """
    def f(v):
        out = 0.0
        for i, x in enumerate(reversed(v)):
            if x > 1.5:
                out = out * 0.5 + x * i
        return out
    """,
])
def test_a_loop_over_reversed_array_converts_with_the_rows_last_first(source):
    """``for x in reversed(v):`` over an array (lead's c019): the loop was left as
    Python (``reversed`` read as Python's iterator), and traced its ``if`` was JAX's
    raw TracerBoolConversionError. It is a lax loop over ``jnp.flip(v, 0)``."""
    f, text = jitted(source)
    assert "flip(jnp.asarray(v), 0)" in text or "flip(jax.numpy.asarray(v), 0)" in text
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    for v in (np.array([1.0, 2.0, 30.0]), np.array([40.0, 2.0, 3.0, 1.0])):
        assert float(f(v)) == pytest.approx(namespace["f"](v))


def test_max_of_a_generator_over_an_array_chooses_as_python_does():
    """``max(x - t for x in v)`` (lead's c002): Python's builtin compared the traced
    items, JAX's raw TracerBoolConversionError. It is ``_py2lax_extremum``: the first
    largest item; Python's own builtin for Python items (strings too)."""
    source = """
        def f(v, t):
            return max(x - t for x in v if True), min(x * t for x in v)

        def g(names):
            return max(len(s) for s in names) * "-"
    """
    f, text = jitted(source)
    assert "_py2lax_extremum(max, " in text
    namespace, python = {}, {}
    exec(compile(text, "m.py", "exec"), namespace)
    exec(textwrap.dedent(source), python)
    v = np.array([1.0, 5.0, 3.0])
    assert [float(r) for r in f(v, 2.0)] == list(python["f"](v, 2.0)) == [3.0, 2.0]
    assert namespace["g"](["ab", "abc"]) == python["g"](["ab", "abc"]) == "---"
    with pytest.raises(ValueError):
        namespace["f"](np.array([]), 2.0)


def test_math_functions_jax_numpy_lacks_use_jax_scipy_special_when_traced():
    """``math.lgamma(a)`` of a traced ``a`` (lead's m003): Python's own raised JAX's raw
    ConcretizationTypeError. ``lgamma``, ``gamma``, ``erf``, ``erfc`` are
    ``jax.scipy.special``'s when traced, Python's on Python numbers."""
    source = """
        import math

        def f(a, x):
            return math.lgamma(a) + math.erf(x) - math.erfc(x) + math.gamma(a)
    """
    f, text = jitted(source)
    assert "jax.scipy.special.gammaln" in text
    python = {}
    exec(textwrap.dedent(source), python)
    assert float(f(3.5, 0.25)) == pytest.approx(python["f"](3.5, 0.25), rel=1e-4)
    namespace = {}
    exec(compile(text, "m.py", "exec"), namespace)
    assert namespace["f"](3.5, 0.25) == python["f"](3.5, 0.25)


def test_the_command_guards_the_broad_except_of_a_function_it_leaves_as_python():
    """finder10's g2 through the command itself: the output keeps the function as Python,
    and under jit JAX's error about the traced `if` is raised, not swallowed by
    `except Exception: return -1.0` (a silent -1.0 where Python gives 1.0)."""
    once, again = twice(G2)
    assert again == once and "_py2lax_jax_errors_through()" in once
    namespace = {}
    exec(compile(once, "m.py", "exec"), namespace)
    v = np.array([1.0, 2.0])
    assert namespace["g2"](v) == 1.0  # Python values: Python's answer
    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.jit(namespace["g2"])(v)


def test_a_kept_statement_whose_test_a_second_run_sees_as_python_keeps_its_check():
    """jax's own numpy/util.py: a first run keeps an `if` in a branch that raises as
    Python, its test checked (`_py2lax_python_test(lambda arg_dtypes=arg_dtypes: ...)`);
    the second run reads that test as one Python decides, and wrote it bare, so every
    run changed the file again. A check a first run wrote is kept as it is."""
    import pathlib
    source = (pathlib.Path(jax.__file__).parent / "_src" / "numpy" / "util.py").read_text()
    once, again = twice(source)
    assert "_py2lax_python_test(" in once and again == once
