"""A list or dict a traced ``if`` changes on one path and replaces on the other, while
another name holds the first one.

``b = a`` then ``if x > 0: a[0] = x else: a = [5.0]``: Python's ``b`` sees ``x`` exactly
when the true branch ran. The write-back wrote the chosen items into the first list
whatever the condition (``b`` saw ``[5.0]``), or left it alone; it is now refused at the
``if``, naming the list and the fix (``runtime/containers.kept_in_place``), as is a change
made in a later traced ``if`` through a name such an ``if`` chose.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from py2lax.diagnostics.errors import OuterWriteError


def held_by_a_list(x):
    a = [0.0]
    holder = [a]
    if x > 0:
        a[0] = x
    else:
        a = [5.0]
    return holder[0][0], a[0]


def appended_or_replaced(x):
    a = [1.0]
    b = a
    if x > 0:
        a.append(x)
    else:
        a = [x, x]
    return len(b), b[-1], a[-1]


class Holder:
    def __init__(self):
        self.stats = {"acc": 0.0}


def dict_of_an_object(x):
    h = Holder()
    s = h.stats
    if x > 0:
        s["acc"] = x
    else:
        s = {"acc": -x}
    return h.stats["acc"], s["acc"]


def replaced_then_changed_in_a_loop(v):
    a = [0.0, 0.0]
    b = a
    for i in range(v.shape[0]):
        if v[i] > 0:
            a[0] = a[0] + v[i]
        if v[i] > 2:
            a = [9.0, 9.0]
    return b[0], a[0]


def _python_or_refused_at_the_if(function, x):
    """Python's values, or the located refusal (the items can be chosen into the first
    list where ``runtime/conditionals`` passes the condition to
    ``containers.originals_follow``); never the old silent answer."""
    try:
        got = py2lax.autograph_jit(function)(jnp.float32(x))
    except OuterWriteError as refused:
        message = str(refused)
        assert "test_objects_s10_chosen_lists.py" in message
        assert "one path of this traced `if`" in message
        return
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(function(x), dtype=float))


@pytest.mark.parametrize("function", [held_by_a_list, dict_of_an_object])
@pytest.mark.parametrize("x", [-1.0])
def test_a_list_kept_on_one_path_and_replaced_on_the_other(function, x):
    _python_or_refused_at_the_if(function, x)


def test_a_list_grown_on_one_path_and_replaced_on_the_other_is_refused():
    with pytest.raises(OuterWriteError) as caught:
        py2lax.autograph_jit(appended_or_replaced)(jnp.float32(-1.0))
    message = str(caught.value)
    assert "test_objects_s10_chosen_lists.py" in message
    assert "one path of this traced `if`" in message


def test_a_change_through_a_list_an_earlier_if_chose_is_refused():
    v = jnp.asarray(np.array([1.0, -1.0, 3.0]))
    with pytest.raises(OuterWriteError) as caught:
        py2lax.autograph_jit(replaced_then_changed_in_a_loop)(v)
    assert "test_objects_s10_chosen_lists.py" in str(caught.value)
