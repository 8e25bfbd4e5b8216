"""An array made by arithmetic on a slice, put in a list, then updated in place:
``p = x[:2] * k; out.append(p); p *= 2.0``. NumPy's ``*=`` changes the one array the
list holds too; a JAX array cannot change, so the update must be written back into
the list (or refused at the user's line). It was a silent wrong answer under
``autograph_jit``: ``p`` had no sign of being an array (no ``np.`` call, no ``.copy()``)
and each item kept the value it had when appended. A number (``loss = x[0] * k``) is
rebound by ``*=`` in Python too, and must stay so."""

from __future__ import annotations

import textwrap

import jax
import numpy as np
import pytest

from py2lax import autograph_jit, convert
from standalone_oracle import converted_and_original, rewritten_twice

SOURCE = textwrap.dedent('''
    def scaled(x, k):
        out = []
        for i in range(3):
            p = x[:2] * k
            out.append(p)
            p *= 2.0
        return out

    def shifted(x, k):
        out = []
        for i in range(3):
            p = x[i:i + 2] + k
            out.append(p)
            p += 1.0
        return out

    def negated(x, k):
        out = []
        for i in range(3):
            p = -x[:2]
            out.append(p)
            p *= k
        return out

    def doubled_when(x, k):
        out = []
        for i in range(3):
            p = x[:2] * k
            out.append(p)
            if x[i] > 1.0:
                p *= 2.0
        return out

    def extended(xs, k):
        out = []
        for i in range(3):
            p = xs[:2] + [k]
            out.append(p)
            p += [i]
        return out

    def losses(x, k):
        hist = []
        loss = x[0] * k
        for i in range(3):
            hist.append(loss)
            loss *= 0.5
        return hist
''')

CALLS = [
    ("scaled", (np.arange(5.0), 3.0)),
    ("shifted", (np.arange(5.0), 3.0)),
    ("negated", (np.arange(5.0), 3.0)),
    ("doubled_when", (np.arange(4.0), 3.0)),
    ("extended", ([1.0, 2.0], 3.0)),
    ("losses", (np.arange(4.0) + 1.0, 3.0)),
]


def _module(tmp_path):
    """The functions of ``SOURCE``, from a file (the runtime reads their source)."""
    path = tmp_path / "held.py"
    path.write_text(SOURCE)
    namespace: dict = {}
    exec(compile(SOURCE, str(path), "exec"), namespace)
    return namespace


def _same(expected, got):
    assert len(expected) == len(got)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(np.asarray(g, dtype=float), np.asarray(e, dtype=float))


def _copied(arguments):
    return [a.copy() if hasattr(a, "copy") else a for a in arguments]


@pytest.mark.parametrize("name, arguments", CALLS)
def test_the_runtime_gives_numpys_answer(name, arguments, tmp_path):
    function = _module(tmp_path)[name]
    expected = function(*_copied(arguments))
    _same(expected, convert(function)(*_copied(arguments)))
    _same(expected, autograph_jit(function)(*_copied(arguments)))


@pytest.mark.parametrize("name, arguments", CALLS)
def test_standalone_gives_pythons_answer_on_python_values(name, arguments):
    converted, original = converted_and_original(SOURCE)
    _same(original[name](*_copied(arguments)), converted[name](*_copied(arguments)))


def test_standalone_refuses_a_traced_update_at_the_users_line():
    converted, _ = converted_and_original(SOURCE)
    with pytest.raises(TypeError, match=r"m.py:7: `p \*= 2.0` changes the array `out` holds"):
        jax.jit(converted["scaled"])(np.arange(5.0), 3.0)


def test_a_second_run_changes_nothing():
    first, second = rewritten_twice(SOURCE)
    assert second == first
