"""`--standalone`: a division inside a ``try`` that catches ``ZeroDivisionError`` (issue 14).

``try: return a / b except ZeroDivisionError: return 0.0`` runs the handler in Python when
``b`` is zero; a compiled division by a traced ``b`` gives ``inf`` without raising, so the
output gave ``inf`` where Python gives the handler's value (finder7 q058, finder6 m040: a
silent wrong answer). The output now calls ``_py2lax_divide``, the runtime's
``py2lax.divide`` in plain jax: a traced scalar divisor is refused at the user's line with
the test to write, a Python zero divisor raises Python's ``ZeroDivisionError`` (a traced
dividend too), and Python values divide as Python does.
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from test_standalone_issue14 import standalone

SAFE_DIV = """
    def safe_div(a, b):
        try:
            return a / b
        except ZeroDivisionError:
            return 0.0

    def f(a, b):
        total = 0.0
        for k in range(3):
            if a > k:
                total += safe_div(a, b - k)
        return total
    """

VARIANTS = {
    "helper in a loop (q058)": (SAFE_DIV, "f", 4),
    "suppress (m040)": ("""
        import contextlib
        def f(x):
            r = -1.0
            with contextlib.suppress(ZeroDivisionError):
                r = 1.0 / x
            return r
        """, "f", 6),
    "ArithmeticError, floor division and modulo": ("""
        def f(a, b):
            try:
                q = a // b
                m = a % b
            except (ValueError, ArithmeticError):
                q, m = -1, -1
            return q, m
        """, "f", 4),
    "in a converted loop": ("""
        def f(x, n):
            acc = 0.0
            i = 0
            while i < n:
                try:
                    acc += x / (n - i - 1)
                except ZeroDivisionError:
                    acc += 100.0
                i += 1
            return acc
        """, "f", 7),
    "nested in an expression": ("""
        def f(x, y):
            try:
                r = 2.0 * (x + 1.0) / (y * y) - 1.0
            except ZeroDivisionError:
                r = float("inf")
            return r
        """, "f", 4),
}


def _python(source: str) -> dict:
    namespace: dict = {}
    exec(compile(textwrap.dedent(source), "program.py", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name", VARIANTS)
def test_a_traced_divisor_is_refused_at_the_line(name):
    source, function, line = VARIANTS[name]
    plain = standalone(source)  # (a second run changes nothing: checked there)
    arguments = {"helper in a loop (q058)": (5.0, 1.0), "suppress (m040)": (0.0,),
                 "ArithmeticError, floor division and modulo": (7, 0),
                 "in a converted loop": (1.0, 3), "nested in an expression": (1.0, 0.0)}[name]
    with pytest.raises(TypeError, match=rf"program\.py:{line}: .*b != 0 else 0\.0"):
        jax.jit(plain[function])(*(jnp.asarray(a) for a in arguments))


@pytest.mark.parametrize("name", VARIANTS)
@pytest.mark.parametrize("zero", [True, False])
def test_python_values_take_pythons_path(name, zero):
    """Called with Python numbers (the divisor zero or not), the output gives Python's
    answer, the handler where Python takes it; or the refusal, where plain jax traces the
    divisor (a loop lax runs)."""
    source, function, _ = VARIANTS[name]
    arguments = {"helper in a loop (q058)": (5.0, 1.0 if zero else 0.5),
                 "suppress (m040)": (0.0 if zero else 2.0,),
                 "ArithmeticError, floor division and modulo": (7, 0 if zero else 2),
                 "in a converted loop": (1.0, 3 if zero else 0),
                 "nested in an expression": (1.0, 0.0 if zero else 2.0)}[name]
    plain = standalone(source)
    if name == "in a converted loop":  # (plain jax runs the loop as lax: `i` is traced)
        with pytest.raises(TypeError, match=r"program\.py:7: "):
            plain[function](*arguments)
        return
    assert plain[function](*arguments) == _python(source)[function](*arguments)


def test_a_python_zero_divisor_raises_for_a_traced_dividend():
    """``safe_div(a, 0.0)`` with a traced ``a``: Python raises and takes the handler;
    ``a / 0.0`` compiled would be ``inf``."""
    plain = standalone(SAFE_DIV)
    assert float(jax.jit(lambda a: plain["safe_div"](a, 0.0))(jnp.float32(3.0))) == 0.0
    assert float(jax.jit(lambda a: plain["safe_div"](a, 0))(jnp.float32(3.0))) == 0.0
    assert float(jax.jit(lambda a: plain["safe_div"](a, 2.0))(jnp.float32(3.0))) == 1.5


def test_an_array_divisor_divides_as_numpy_does():
    """Array division never raises, in NumPy either: it stays a division."""
    plain = standalone(SAFE_DIV)
    got = jax.jit(plain["safe_div"])(jnp.ones(2), jnp.asarray([0.0, 2.0]))
    assert np.isinf(got[0]) and float(got[1]) == 0.5


def test_string_formatting_and_constant_divisors_are_not_guarded():
    source = """
        def f(x, n):
            try:
                label = "%d items" % n
                y = x / 2.0
                z = x % 3
            except ZeroDivisionError:
                label, y, z = "", 0.0, 0.0
            return label, y, z
        """
    plain = standalone(source)
    text = plain["__text__"]
    assert "y = x / 2.0" in text and "z = x % 3" in text and 'label = "%d items" % n' in text
    assert plain["f"](5.0, 4) == ("4 items", 2.5, 2.0)
    assert float(jax.jit(lambda x: plain["f"](x, 4)[1])(jnp.float32(5.0))) == 2.5


def test_a_division_outside_such_a_try_stays_as_written():
    source = """
        def f(a, b):
            try:
                r = a / b
            except ValueError:
                r = 0.0
            return r
        """
    plain = standalone(source)
    assert "_py2lax_divide" not in plain["__text__"]
    assert np.isinf(float(jax.jit(plain["f"])(jnp.float32(1.0), jnp.float32(0.0))))


MATH_IN_TRY = """
    import math

    def f(x):
        try:
            r = math.sqrt(x) + math.log(x + 1.0)
        except ValueError:
            r = -1.0
        return r

    def g(x):
        try:
            r = math.exp(x)
        except OverflowError:
            r = -1.0
        return r
    """


@pytest.mark.parametrize("name,line", [("f", 6), ("g", 13)])
def test_a_math_function_of_a_traced_value_in_such_a_try_is_refused(name, line):
    """``math.sqrt(x)`` of a negative traced ``x`` is nan, ``math.exp`` of a large one
    inf, where Python raises and takes the handler: refused at the line (was nan)."""
    plain = standalone(MATH_IN_TRY)
    with pytest.raises(TypeError, match=rf"program\.py:{line}: `math\.\w+` of a traced"):
        jax.jit(plain[name])(jnp.float32(-4.0))


@pytest.mark.parametrize("name,x", [("f", 4.0), ("f", -4.0), ("g", 1.0), ("g", 1000.0)])
def test_a_math_function_of_python_numbers_raises_as_python(name, x):
    assert standalone(MATH_IN_TRY)[name](x) == _python(MATH_IN_TRY)[name](x)
