"""Before/after source tests for each transform, and the doctests of every module.

Inputs are module texts run through ``py2lax.transpile(..., all_functions=True)``, so
line numbers (and hence generated names such as ``if_true_3``) are fixed by the text.
Comparisons ignore blank lines and trailing spaces.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
import re
import textwrap

import jax.numpy as jnp
import pytest

import py2lax
from conftest import assert_same, f32, normalized

pytestmark = pytest.mark.usefixtures("time_limit")


def rewrite(source: str) -> str:
    out = py2lax.transpile(textwrap.dedent(source), all_functions=True)
    return normalized(out.replace("import py2lax\n", "", 1))


# ------------------------------------------------------------------ left alone
LEFT_ALONE = [
    pytest.param("""
        def f(x):
            return x * 2 + 1
        """, id="no-control-flow"),
    pytest.param("""
        def f(x):
            if x.ndim == 2:
                x = x.sum(axis=1)
            return x
        """, id="static-if-ndim"),
    pytest.param("""
        def f(x, y=None):
            if y is None:
                y = x
            return x + y
        """, id="static-if-is-none"),
    pytest.param("""
        def f(x, y):
            if x.shape[0] > 2 and y is not None or len(x.shape) == 1:
                x = x + y
            return x
        """, id="static-boolop"),
    pytest.param("""
        def f(x):
            for scale in [1.0, 2.0]:
                x = x * scale
            return x
        """, id="for-over-list-literal"),
    pytest.param("""
        def f(params, x):
            for key, value in params.items():
                x = x + value
            return x
        """, id="for-over-dict-items"),
    pytest.param("""
        import functools
        import jax
        @functools.partial(jax.jit, static_argnames=("mode",))
        def f(x, mode):
            if mode == "fast":
                x = x * 2
            while mode != "fast" and x.ndim > 3:
                x = x[0]
            return x
        """, id="static-argnames-parameter"),
    pytest.param("""
        def f(x, flag):
            y = -x if x.ndim > 1 else x
            return y
        """, id="static-ternary"),
    pytest.param("""
        def f(x):
            ys = [v * 2 for v in x if v > 0]
            return ys
        """, id="comprehension"),
]


def _canonical(text: str) -> str:
    """The text as ``ast.unparse`` prints it: quotes, parentheses, spacing normalized."""
    return ast.unparse(ast.parse(textwrap.dedent(text)))


@pytest.mark.parametrize("source", LEFT_ALONE)
def test_left_alone(source):
    out = py2lax.transpile(textwrap.dedent(source), all_functions=True)
    assert "py2lax" not in out
    assert _canonical(out) == _canonical(source)


def test_nested_def_body_is_not_rewritten_in_place():
    # a nested def is converted on its own (when called), not inlined into its parent
    out = rewrite("""
    def f(x):
        def inner(y):
            if y > 0:
                return y
            return -y
        return inner(x)
    """)
    assert "if y > 0:" in out and "return -y" in out


# -------------------------------------------------------------------- rewritten
REWRITTEN = [
    pytest.param("""
        def f(x):
            if x > 0:
                y = x
            else:
                y = -x
            return y
        """, """
        def f(x):
            def if_true_3():
                y = x
                return (y,)
            def if_false_3():
                y = -x
                return (y,)
            y, = py2lax.cond(x > 0, if_true_3, if_false_3, ())
            return y
        """, id="if-else"),
    pytest.param("""
        def f(x):
            if x > 1:
                x = 1.0
            return x
        """, """
        def f(x):
            def if_true_3(x):
                x = 1.0
                return (x,)
            x, = py2lax.cond(x > 1, if_true_3, None, (x,))
            return x
        """, id="if-without-else"),
    pytest.param("""
        def f(x, y):
            a = x
            if x > y:
                a = a * 2
                t = a + 1
                dead = t
            return a
        """, """
        def f(x, y):
            a = x
            def if_true_4(a):
                a = a * 2
                t = a + 1
                dead = t
                return (a,)
            a, = py2lax.cond(x > y, if_true_4, None, (a,))
            return a
        """, id="if-carries-only-live"),
    pytest.param("""
        def f(x):
            if x > 0:
                x = x + 1
            if x > 5:
                x = x * 2
        """, """
        def f(x):
            def if_true_3(x):
                x = x + 1
                return (x,)
            x, = py2lax.cond(x > 0, if_true_3, None, (x,))
            def if_true_5(x):
                x = x * 2
                return ()
            py2lax.cond(x > 5, if_true_5, None, (x,))
        """, id="if-with-nothing-live-after"),
    pytest.param("""
        def f(x):
            while x < 10:
                x = x * 2
            return x
        """, """
        def f(x):
            def loop_cond_3(x):
                return x < 10
            def loop_body_3(x):
                x = x * 2
                return (x,)
            x, = py2lax.while_loop(loop_cond_3, loop_body_3, (x,))
            return x
        """, id="while"),
    pytest.param("""
        def f(x, n):
            for i in range(n):
                x = x + i
            return x
        """, """
        def f(x, n):
            def loop_body_3(i, x):
                x = x + i
                return (x,)
            x, = py2lax.fori_loop(0, n, loop_body_3, (x,))
            return x
        """, id="for-range-stop"),
    pytest.param("""
        def f(x, n):
            for i in range(1, n, 2):
                x = x + i
            return x
        """, """
        def f(x, n):
            def loop_body_3(i, x):
                x = x + i
                return (x,)
            x, = py2lax.fori_loop(1, n, loop_body_3, (x,), step=2)
            return x
        """, id="for-range-step"),
    pytest.param("""
        def f(xs):
            t = 0
            for row in xs:
                t = t + row
            return t
        """, """
        def f(xs):
            t = 0
            def loop_body_4(row, t):
                t = t + row
                return (t,)
            t, = py2lax.for_each(xs, loop_body_4, (t,))
            return t
        """, id="for-each"),
    pytest.param("""
        def f(xs):
            t = 0
            for i, row in enumerate(xs):
                t = t + row * i
            for a, b in zip(xs, xs):
                t = t + a * b
            return t
        """, """
        def f(xs):
            t = 0
            def loop_body_4(item, t):
                i, row = item
                t = t + row * i
                return (t,)
            t, = py2lax.for_each(py2lax.enumerate(xs), loop_body_4, (t,))
            def loop_body_6(item_1, t):
                a, b = item_1
                t = t + a * b
                return (t,)
            t, = py2lax.for_each(py2lax.zip(xs, xs), loop_body_6, (t,))
            return t
        """, id="for-enumerate-zip"),
    pytest.param("""
        def f(x, y):
            a = x > 0 and y > 0 or not x
            b = 0 < x < 1
            c = x if y > 0 else -x
            d = x.ndim == 2 and y is None
            return a, b, c, d
        """, """
        def f(x, y):
            a = py2lax.or_(py2lax.and_(x > 0, lambda: y > 0), lambda: py2lax.not_(x))
            b = py2lax.and_(0 < x, lambda: x < 1)
            c = py2lax.if_exp(y > 0, lambda: x, lambda: -x)
            d = x.ndim == 2 and y is None
            return (a, b, c, d)
        """, id="logical-ops"),
    pytest.param("""
        def f(x):
            if x > 0:
                return x
            return -x
        """, """
        def f(x):
            def if_true_3():
                return_value = x
                return (return_value,)
            def if_false_3():
                return_value = -x
                return (return_value,)
            return_value, = py2lax.cond(x > 0, if_true_3, if_false_3, ())
            return return_value
        """, id="early-return"),
    pytest.param("""
        from py2lax import autograph_jit
        @autograph_jit(static_argnames="n")
        def f(x, n):
            if n > 1:
                x = x * n
            if x > 0:
                x = -x
            return x
        """, """
        import jax
        import functools
        from py2lax import autograph_jit
        @functools.partial(jax.jit, static_argnames='n')
        def f(x, n):
            if n > 1:
                x = x * n
            def if_true_7(x):
                x = -x
                return (x,)
            x, = py2lax.cond(x > 0, if_true_7, None, (x,))
            return x
        """, id="autograph-decorator-becomes-jit"),
]


def _sorted_imports(text: str) -> str:
    """Order of the added import lines is not part of the contract."""
    lines = text.splitlines()
    head = sorted(line for line in lines if line.startswith("import "))
    rest = [line for line in lines if not line.startswith("import ")]
    return "\n".join(head + rest)


@pytest.mark.parametrize("source, expected", REWRITTEN)
def test_rewritten(source, expected):
    assert _sorted_imports(rewrite(source)) == _sorted_imports(normalized(expected))


@pytest.mark.parametrize("source", [p.values[0] for p in REWRITTEN],
                         ids=[p.id for p in REWRITTEN])
def test_rewritten_output_is_stable_and_valid_python(source):
    out = py2lax.transpile(textwrap.dedent(source), all_functions=True)
    compile(out, "<transpiled>", "exec")
    assert py2lax.transpile(textwrap.dedent(source), all_functions=True) == out


# --------------------------------------------- rewritten code means the original code
def original_if_chain(x, y):
    a = x * 0
    if x > y:
        a = x - y
    elif x < -y:
        a = y - x
    else:
        a = x * y
    b = a if a > 1 else a * 0.5
    return a, b, (x > 0) and (y > 0)


@pytest.mark.parametrize("x, y", [(2.0, 1.0), (-3.0, 1.0), (0.5, 1.0), (-0.5, -1.0)])
def test_to_source_output_runs_like_original(x, y):
    source = py2lax.to_source(original_if_chain)
    namespace = {"py2lax": py2lax, "jnp": jnp}
    exec(compile(source, "<to_source>", "exec"), namespace)
    rewritten = namespace["original_if_chain"]
    import jax

    expected = original_if_chain(f32(x), f32(y))
    actual = jax.jit(rewritten)(f32(x), f32(y))
    for e, a in zip(expected, actual):
        assert float(e) == float(a)


# ----------------------------------------------------------- fresh names never clash
def test_generated_names_avoid_user_names():
    source = """
    def f(x, if_true_3, item):
        if x > 0:
            x = x + if_true_3
        for a, b in item:
            x = x + a
        return x
    """
    out = rewrite(source)
    assert re.search(r"def if_true_3_\d+\(", out), out
    assert "def if_true_3(" not in out
    assert "item_1" in out


def test_names_from_closure_are_reserved():
    loop_body_1 = 5  # noqa: F841

    def f(x, n):
        for i in range(n):
            x = x + loop_body_1
        return x

    source = py2lax.to_source(f)
    assert re.search(r"def loop_body_\d+\(", source)
    assert_same(f, f32(1.0), 3)


# ------------------------------------------------------------------------ doctests
def _py2lax_modules():
    yield py2lax
    for info in pkgutil.walk_packages(py2lax.__path__, prefix="py2lax."):
        if info.name == "py2lax.__main__":
            continue  # runs the CLI on import
        yield importlib.import_module(info.name)


@pytest.mark.parametrize("module", list(_py2lax_modules()), ids=lambda m: m.__name__)
def test_module_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module.__name__}"


def test_doctests_exist():
    total = 0
    for module in _py2lax_modules():
        total += doctest.testmod(module, optionflags=doctest.ELLIPSIS).attempted
    assert total >= 10
