"""`--standalone` names the user's line where a statement it keeps as Python meets a
traced test (issue 14, helper s10).

An ``if`` or ``while`` that plain lax cannot express (a branch that assigns a string, a
loop that grows a list) stays the user's own statement. Its test is right whenever it
is a Python value when traced (a static argument); a traced one raised JAX's
TracerBoolConversionError at the function's ``def`` line, naming neither the statement
nor why it stayed Python. The output now runs the test through
``_py2lax_python_test(lambda: test, "file.py:line", reason)``, which gives Python's
value as it is; for a traced one (or a bool that ``and``/``or``/``not`` inside the test
takes of one) JAX's own error is raised with a first line that names the user's line,
the reason and what to write (still JAX's error: a broad ``except`` of the user's lets
it through, as it does JAX's).
"""

from __future__ import annotations

import re
import textwrap

import jax
import numpy as np
import pytest

def unchecked(text: str) -> str:
    """``text`` as it reads without the checks of kept tests: ``_py2lax_python_test(
    lambda x=x: x > t, 'm.py:3', 'why')`` is ``x > t``, and the helper's definition is
    gone (for tests about other parts of the output that read its text). So is the
    check of a kept loop's ``range`` bound: ``_py2lax_python_bound(n, 'm.py:3', 'why')``
    is ``n``."""
    text = re.sub(r"\ndef _py2lax_python_(test|bound)\(.*?\n(?=\S)", "\n", text, flags=re.S)
    text = re.sub(r"_py2lax_python_bound\((.*?), '[^']*:\d+', '[^']*'\)", r"\1", text)
    return re.sub(r"_py2lax_python_test\(lambda[^:]*: (.*?), '[^']*:\d+', '[^']*'\)",
                  r"\1", text)


KEPT = {
    "string_branch": ("""
        def f(x, n):
            label = "small"
            if x > 1.0:
                label = "big"
            return len(label * n)
    """, 4, "`label` is assigned str values"),
    "growing_while": ("""
        def f(x, n):
            rows = []
            k = 0
            while k < n:
                rows.append(x * k)
                k += 1
            return len(rows) * x
    """, 5, "grows the list `rows`"),
    "bool_inside_test": ("""
        def f(x, n):
            label = "small"
            if not (x > 1.0 or n > 2):
                label = "big"
            return len(label * n)
    """, 4, "`label` is assigned str values"),
}


def python_and_output(source: str):
    # (imported here: other test files import `unchecked`, and test_standalone_issue14
    # imports one of them)
    from test_standalone_issue14 import standalone
    python: dict = {}
    exec(compile(textwrap.dedent(source), "program.py", "exec"), python)
    return python, standalone(source)


@pytest.mark.parametrize("name", KEPT)
def test_a_traced_test_of_a_statement_kept_as_python_is_refused_at_its_line(name):
    """Traced, the test is refused at the user's line, with the reason; static
    arguments under jit, and plain Python values, take Python's branch."""
    source, line, reason = KEPT[name]
    python, plain = python_and_output(source)
    with pytest.raises(jax.errors.TracerBoolConversionError) as caught:
        jax.jit(plain["f"])(np.float32(1.5), 3)
    first = str(caught.value).splitlines()[0]
    assert first.startswith(f"program.py:{line}: this test stays Python"), first
    assert reason in first and "static_argnums" in first, first
    for args in [(1.5, 3), (0.5, 1), (2.0, 0)]:
        expected = python["f"](*args)
        assert plain["f"](*args) == expected
        assert np.allclose(jax.jit(plain["f"], static_argnums=(0, 1))(*args), expected)


def test_an_error_a_function_the_test_calls_raises_is_its_own():
    """The test is checked, but JAX's error for a traced value inside a function it
    calls is that function's, with JAX's own message: the test's line is not blamed."""
    source = """
        import operator

        def positive(v):
            return operator.truth(v > 0)

        def f(x, n):
            label = "small"
            if positive(x):
                label = "big"
            return len(label * n)
    """
    _, plain = python_and_output(source)
    assert "_py2lax_python_test(lambda x=x: positive(x), 'program.py:9'" in plain["__text__"]
    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.jit(plain["f"])(np.float32(1.5), 3)


def test_only_a_test_python_may_not_decide_is_checked():
    """``mode == "double"`` (a string comparison) is Python's whatever is traced: it is
    written as the user wrote it; ``x > 1.0`` beside it is checked."""
    source = """
        def f(x, mode):
            label = "one"
            if mode == "double":
                label = "two"
            if x > 1.0:
                label = "big"
            return len(label + mode) * x
    """
    _, plain = python_and_output(source)
    text = plain["__text__"]
    assert "    if mode == 'double':\n" in text
    assert "    if _py2lax_python_test(lambda x=x: x > 1.0, 'program.py:6'" in text
    assert "    if x > 1.0:\n" in unchecked(text) and "_py2lax" not in unchecked(text)


SHORT_CIRCUITS = {
    "or_operand": ("""
        LOG = []

        def noted(v):
            LOG.append(v)
            return v > 0

        def f(x, y):
            if x > 0 or noted(y):
                y = y + 1.0
            return y
    """, 9, "`noted(y)`"),
    "ternary_branch": ("""
        LOG = []

        def noted(v):
            LOG.append(v)
            return v * 2.0

        def f(x, y):
            z = noted(y) if x > 0 else 0.0
            return z + y
    """, 9, "runs one of its branches"),
}


@pytest.mark.parametrize("name", SHORT_CIRCUITS)
def test_pythons_short_circuit_over_a_call_with_effects_names_its_line(name):
    """``x > 0 or noted(y)`` as lax.cond's test, ``noted(y) if x > 0 else 0.0``: Python
    may skip the call, which changes ``LOG``, so Python's operator stays; a traced
    ``x`` is JAX's error whose first line names the user's line and the call."""
    source, line, named = SHORT_CIRCUITS[name]
    python, plain = python_and_output(source)
    with pytest.raises(jax.errors.TracerBoolConversionError) as caught:
        jax.jit(plain["f"])(np.float32(1.5), np.float32(2.0))
    first = str(caught.value).splitlines()[0]
    assert first.startswith(f"program.py:{line}: this test stays Python"), first
    assert named in first, first
    for args in [(1.5, 2.0), (-1.0, 2.0), (-1.0, -3.0)]:
        expected = python["f"](*args)
        assert np.allclose(jax.jit(plain["f"], static_argnums=(0, 1))(*args), expected)
        assert python["LOG"] == plain["LOG"]


def test_a_loop_carrying_a_string_stays_python():
    """``s = ""`` then ``for i in range(m): s = s + "ab"``: lax carries arrays only (JAX
    refused the string: 'not a valid JAX type'); the loop stays Python, right with
    ``m`` static."""
    source = """
        def f(x, m):
            s = ""
            for i in range(m):
                s = s + "ab"
            return x * len(s)
    """
    python, plain = python_and_output(source)
    assert "jax.lax." not in plain["__text__"]  # (the check of m names py2lax)
    for m in (0, 3):
        assert np.allclose(jax.jit(plain["f"], static_argnums=(1,))(np.float32(1.5), m),
                           python["f"](1.5, m))
