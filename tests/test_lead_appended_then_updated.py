"""An array appended to a list, then changed in place (``out.append(p); p *= 2.0``).

With NumPy the list holds the array itself, so the ``*=`` of every later iteration
shows in every item appended so far. The runtime and ``--standalone`` gave each item
the value it had when appended (a silent wrong answer: a NumPy array made with
``np.array(...)`` was not seen as one, and a list holding a name was not followed).
Now the runtime gives the list the new array where the loop runs as Python (a static
trip count), and refuses at the user's line where a lax loop would keep the items
apart (a traced trip count); ``--standalone`` keeps the loop as Python, so NumPy
values give Python's answer and a JAX array the located error of the guard in front of
the ``*=``.
"""

from __future__ import annotations

import importlib.util
import textwrap

import jax
import numpy as np
import pytest

from py2lax import autograph_jit
from py2lax.diagnostics.errors import InPlaceArgumentError
from standalone_oracle import converted_and_original, rewritten_twice

SOURCE = textwrap.dedent('''
    import numpy as np

    def made_by_numpy(x):
        p = np.array(x[:2])
        out = []
        for k in range(4):
            out.append(p)
            p *= 2.0
        return out

    def copied(x):
        p = x[:2].copy()
        out = []
        for k in range(x.shape[0]):
            out.append(p)
            p *= 2.0
        return out

    def traced_count(x, n):
        p = x[:2].copy()
        out = []
        for k in range(n):
            out.append(p)
            p *= 2.0
        return out[0]

    def fresh_each_time(x):
        out = []
        for k in range(x.shape[0]):
            p = x[:2].copy()
            out.append(p)
            p *= float(k)
        return out
''')

X = np.arange(1.0, 6.0)


@pytest.fixture(scope="module")
def module(tmp_path_factory):
    path = tmp_path_factory.mktemp("appended") / "appended.py"
    path.write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("appended", path)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


@pytest.mark.parametrize("name", ["made_by_numpy", "copied", "fresh_each_time"])
def test_the_runtime_gives_numpys_items(module, name):
    function = getattr(module, name)
    expected = np.asarray(function(X.copy()))
    np.testing.assert_allclose(np.asarray(autograph_jit(function)(X.copy())), expected)


def test_a_lax_loop_that_would_keep_the_items_apart_is_refused_at_the_line(module):
    with pytest.raises(InPlaceArgumentError, match=r"appended.py:\d+: this `\*=` changes "
                       r"an array that 'out' keeps from an earlier iteration"):
        autograph_jit(module.traced_count)(X.copy(), 3)
    np.testing.assert_allclose(module.traced_count(X.copy(), 3), [8.0, 16.0])


@pytest.mark.parametrize("name", ["copied", "fresh_each_time"])
def test_standalone_on_numpy_values_gives_pythons_items(name):
    converted, original = converted_and_original(SOURCE)
    np.testing.assert_allclose(np.asarray(converted[name](X.copy())),
                               np.asarray(original[name](X.copy())))


def test_standalone_of_an_array_numpy_makes_from_an_argument_is_an_error():
    """``np.array(x[:2])`` of a value that may be traced is written ``jnp.array``, as
    for any array the function updates in place (``test_cli_standalone``): the guard
    before ``p *= 2.0`` then names the line, where each item kept its old value."""
    converted, _ = converted_and_original(SOURCE)
    with pytest.raises(TypeError, match=r"m.py:\d+: `p \*= 2.0` changes the array `out`"):
        converted["made_by_numpy"](X.copy())


def test_standalone_under_jit_is_an_error_not_another_answer():
    converted, _ = converted_and_original(SOURCE)
    with pytest.raises(TypeError, match=r"`p \*= 2.0` changes the array `out` holds too"):
        jax.jit(converted["copied"])(X.copy())


def test_standalone_output_is_a_fixed_point():
    first, second = rewritten_twice(SOURCE)
    assert second == first
