"""Lists, dicts and sets whose length (keys, members) a traced ``if`` decided
(``runtime/masked_containers``): what has one answer (``len``, ``sum``, ``max``, ``in``,
``.get``, indexing, a later ``for``, more appends in later branches) gives Python's
answer under ``jax.jit``; what needs the whole container as a Python value raises a
located error at the user's line, never a different answer. On Python values the
converted function is Python's, exactly.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from py2lax.diagnostics.errors import ConversionError

INPUTS = (-2.5, -0.5, 0.0, 0.3, 0.5, 0.75, 1.2, 2.0, 3.5)
THIS_FILE = __file__.rsplit("/", 1)[-1]


def _close(expected, actual) -> bool:
    if isinstance(expected, tuple):
        return isinstance(actual, tuple) and len(expected) == len(actual) and all(
            map(_close, expected, actual))
    return np.allclose(np.asarray(expected, np.float64), np.asarray(actual, np.float64),
                       rtol=1e-5, atol=1e-6)


def agrees(f, inputs=INPUTS):
    converted, jitted = py2lax.convert(f), jax.jit(py2lax.convert(f))
    for x in inputs:
        expected = f(x)
        assert converted(x) == expected  # Python values: Python's meaning, exactly
        actual = jitted(jnp.float32(x))
        assert _close(expected, actual), (f.__name__, x, expected, actual)


def refused(f, x=0.5, line_text=None):
    """``jit(convert(f))`` raises a located ConversionError at this file's line."""
    with pytest.raises(ConversionError) as caught:
        jax.jit(py2lax.convert(f))(jnp.float32(x))
    assert THIS_FILE in str(caught.value).splitlines()[0]
    if line_text is not None:
        assert line_text in str(caught.value)
    return caught.value


# -- lists -------------------------------------------------------------------------------


def list_appended(x):
    L = [x, 1.0]
    if x > 0.0:
        L.append(x * 2.0)
    return sum(L), len(L)


def list_reductions(x):
    L = [x, 1.0]
    if x > 0.0:
        L.append(x * 2.0)
    return max(L), min(L), any(L), all(L), x in L, 5.0 not in L, L[-1], L[0]


def list_twice(x):
    L = [x]
    if x > 0.0:
        L.append(x + 1.0)
    if x > 1.0:
        L.append(x + 2.0)
    return len(L), sum(L), L[-1], L[1] if len(L) > 1 else 0.0


def hits_over_thresholds(x):
    hits = []
    for t in [0.1, 0.7, 1.5]:
        if x > t:
            hits.append(t)
    return len(hits), sum(hits)


def candidates_loop_over(x):
    candidates = [x]
    if x > 0.25:
        candidates.append(x * x)
    total = 0.0
    for c in candidates:
        total = total * 2.0 + c
    return total, len(candidates)


def list_pop_insert(x):
    L = [x, 1.0]
    if x > 0.0:
        L.append(x * 2.0)
    last = L.pop()
    L.insert(0, x + 3.0)
    first = L.pop(0)
    return len(L), sum(L), last, first


def list_pop_in_branch(x):
    L = [x, 1.0, 2.0]
    if x > 0.0:
        L.pop(0)
    return len(L), sum(L), L[0]


def trim(lst):
    if len(lst) > 1:
        lst.pop()


def helper_trims_in_branch(x):
    L = [x, 1.0, 2.0]
    if x > 0.0:
        trim(L)
    return len(L), sum(L)


@pytest.mark.parametrize("f", [list_appended, list_reductions, list_twice,
                               hits_over_thresholds, candidates_loop_over, list_pop_insert,
                               list_pop_in_branch, helper_trims_in_branch])
def test_lists(f):
    agrees(f)


# -- dicts -------------------------------------------------------------------------------


def dict_key_added(x):
    d = {"a": x}
    if x > 0.0:
        d["b"] = x * 2
    return d.get("b", 0.0), len(d), "b" in d, sum(d.values()), d["a"]


def counts_by_kind(x):
    counts = {}
    for t in [0.1, 0.7, 1.5]:
        if x > t:
            counts["big"] = counts.get("big", 0) + 1
        else:
            counts["small"] = counts.get("small", 0) + 1
    return counts.get("big", 0), counts.get("small", 0), len(counts)


def dict_setdefault_in_branch(x):
    d = {"p": x, "q": 0.5}
    if x > 0.5:
        d.setdefault("z", x - 0.25)
    return len(d), d.get("z", -1.0), d["p"] + d["q"]


def dict_loop_over_keys(x):
    d = {"a": x}
    if x > 0.0:
        d["b"] = x * 2
    total = 0.0
    for k in d:
        total = total + d[k]
    return total


def dict_pop_with_default(x):
    d = {"a": x}
    if x > 0.0:
        d["b"] = x * 2
    return d.pop("b", -1.0), len(d)


@pytest.mark.parametrize("f", [dict_key_added, counts_by_kind, dict_setdefault_in_branch,
                               dict_loop_over_keys, dict_pop_with_default])
def test_dicts(f):
    agrees(f)


# -- sets --------------------------------------------------------------------------------


def set_added(x):
    s = {1, 2}
    if x > 0.0:
        s.add(3)
    return len(s), 3 in s, 1 in s, sum(s), max(s)


def visited_states(x):
    visited = {0}
    for k in range(1, 4):
        if x > k * 0.5:
            visited.add(k)
    order = 0.0
    for v in visited:
        order = order * 2.0 + v
    return len(visited), order, 2 in visited


def set_discarded(x):
    s = {1, 2, 5}
    if x > 0.6:
        s.discard(1)
    return len(s), 1 in s, sum(s)


@pytest.mark.parametrize("f", [set_added, visited_states, set_discarded])
def test_sets(f):
    agrees(f)


# -- never a different answer: refused at the user's line --------------------------------


def returned_list(x):
    L = [x, 1.0]
    if x > 0.0:
        L.append(x * 2.0)
    return L, len(L)


def printed_list(x):
    L = [x, 1.0]
    if x > 0.0:
        L.append(x * 2.0)
    return str(L)


def aliased_dict(x):
    d = {"a": x}
    other = d
    if x > 0.0:
        d.setdefault("z", x + 1.0)
    return len(other)


def list_inside_list(x):
    L = [x, 1.0]
    if x > 0.0:
        L.append(x * 2.0)
    M = [L]
    return len(M[0])


def sliced(x):
    L = [x, 1.0]
    if x > 0.0:
        L.append(x * 2.0)
    return sum(L[1:])


def removed(x):
    L = [x, 1.0]
    if x > 0.0:
        L.append(x * 2.0)
    L.remove(1.0)
    return sum(L)


def added_traced_member(x):
    s = {1, 2}
    if x > 0.0:
        s.add(3)
    s.add(x)
    return len(s)


def iterated_items(x):
    d = {"a": x}
    if x > 0.0:
        d["b"] = x * 2
    total = 0.0
    for k, v in d.items():
        total = total + v
    return total


class Holder:
    pass


def stored_on_object(x):
    h = Holder()
    L = [x, 1.0]
    h.items = L
    if x > 0.0:
        L.append(x)
    return len(h.items)


@pytest.mark.parametrize("f", [returned_list, printed_list, aliased_dict, list_inside_list,
                               sliced, removed, added_traced_member, stored_on_object])
def test_refused_at_the_line(f):
    for x in (0.5, -0.5):
        f(x)  # Python runs it
        refused(f, x)


def test_a_loop_over_its_items_runs_each_under_its_flag():
    agrees(iterated_items)  # (it was refused: the loop over `d.items()` stayed Python)


def absent_key(x):
    d = {"a": x}
    if x > 0.0:
        d["b"] = x
    return d["b"]


def test_absent_key_raises_when_run():
    jitted = jax.jit(py2lax.convert(absent_key))
    assert float(jitted(jnp.float32(2.0))) == 2.0
    with pytest.raises(Exception) as caught:  # Python's KeyError, when the program runs
        jax.block_until_ready(jitted(jnp.float32(-1.0)))
    assert "KeyError" in str(caught.value) or isinstance(caught.value, KeyError)


def test_python_values_stay_python_containers():
    converted = py2lax.convert(returned_list)
    assert converted(0.5) == ([0.5, 1.0, 1.0], 3)
    assert type(converted(0.5)[0]) is list
    assert py2lax.convert(set_added)(0.5) == (3, True, True, 6, 3)


# -- a branch that changes a container no variable carries out ---------------------------


def returns_in_branch_then_updates(x):
    d = {"p": x, "q": 0.5}
    if x > 0.0:
        return d["p"] + d["q"]
    d |= {"p": x * 2}
    d.pop("q", None)
    return d["p"] + len(d)


def bumpd(dd, k, t):
    dd[k] = dd.get(k, 0.0) + t


def helper_updates_after_return(x):
    d = {"p": x, "q": 0.5}
    if x > 0.0:
        return d["p"]
    bumpd(d, "z", x)
    return d["p"] + d["z"]


@pytest.mark.parametrize("f", [returns_in_branch_then_updates, helper_updates_after_return])
def test_changes_no_one_else_sees(f):
    agrees(f)


def lost_append_seen_by_holder(x):
    h = Holder()
    L = [x, 1.0]
    h.items = L
    if x > 0.0:
        L.append(x)
    return len(h.items)


def test_change_another_holder_would_see_is_refused():
    refused(lost_append_seen_by_holder, 0.5)  # was a silent 2 where Python gives 3
