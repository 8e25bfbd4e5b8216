"""Helpers that update their array (or list) arguments in place.

Issue 12, class 4: an index assignment to a parameter inside a helper (union-find,
in-place swaps and sorts, ``self.buf[i] = v`` in methods) must be visible to the caller,
or be refused with a located error naming the helper and the parameter. NumPy arrays go
in (the oracle mutates them); the jitted run gets jnp arrays.
"""

import numpy as np

from case import Case

ISSUE = "source: py2lax issue 12 (helpers that update their array arguments in place)"


def _set_first(parent, v):
    parent[0] = v


def caller_set_first(parent, v):
    parent = parent.copy()
    _set_first(parent, v)
    return parent


def _swap(a, i, j):
    a[i], a[j] = a[j], a[i]


def bubble_sort_with_swap_helper(a):
    a = a.copy()
    n = a.shape[0]
    for i in range(n):
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                _swap(a, j, j + 1)
    return a


def _find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _union(parent, a, b):
    ra = _find(parent, a)
    rb = _find(parent, b)
    if ra != rb:
        parent[rb] = ra


def union_find_components(edges, n):
    parent = np.arange(n)
    for k in range(edges.shape[0]):
        _union(parent, edges[k, 0], edges[k, 1])
    roots = 0
    for i in range(n):
        if _find(parent, i) == i:
            roots += 1
    return roots


def _fill_row(m, i, value):
    for j in range(m.shape[1]):
        m[i, j] = value + j


def fill_rows_via_helper(m):
    m = m.copy()
    for i in range(m.shape[0]):
        _fill_row(m, i, i * 10.0)
    return m


def _clip_negative(v):
    for i in range(v.shape[0]):
        if v[i] < 0:
            v[i] = 0.0


def clip_in_place(v):
    w = v.copy()
    _clip_negative(w)
    return w


def _append_item(items, value):
    items.append(value)


def list_filled_by_helper(x):
    items = []
    for k in range(3):
        _append_item(items, x * k)
    return items


def _bump_key(d, key):
    d[key] = d[key] + 1


def dict_bumped_by_helper(v):
    counts = {"pos": 0, "neg": 0}
    for e in v:
        if e > 0:
            _bump_key(counts, "pos")
        else:
            _bump_key(counts, "neg")
    return counts


def _normalise_in_place(v):
    total = v.sum()
    if total > 0:
        v /= total


def normalise_via_helper(v):
    w = v.copy()
    _normalise_in_place(w)
    return w


def _set_and_return(buf, i, value):
    buf[i] = value
    return value * 2.0


def helper_mutates_and_returns(x):
    buf = np.zeros(3, np.float32)
    doubled = _set_and_return(buf, 1, x)
    return buf, doubled


class Ring:
    def __init__(self, size):
        self.buf = np.zeros(size, np.float32)
        self.pos = 0

    def push(self, value):
        self.buf[self.pos % self.buf.shape[0]] = value
        self.pos += 1


def ring_buffer_method(v):
    ring = Ring(3)
    for e in v:
        ring.push(e)
    return ring.buf, ring.pos


def mutate_argument_directly(v):
    v[0] = 100.0
    return v.sum()


def _reverse_in_place(a):
    i = 0
    j = a.shape[0] - 1
    while i < j:
        a[i], a[j] = a[j], a[i]
        i += 1
        j -= 1


def reverse_via_helper(a):
    a = a.copy()
    _reverse_in_place(a)
    return a


F = np.float32
# A helper's in-place write into a JAX-array argument reaches the caller (the caller's
# variable is written back after the call), except `v /= total` on the parameter itself,
# whose new array stays the helper's variable: refused at the user's line (issue 12.4
# allows this: "or is refused with a located error naming the helper").
IN_PLACE = ("the helper updates its JAX-array parameter with `v /= total` and does not "
            "return it: InPlaceArgumentError, naming the helper and the parameter")
NUMPY_INDEX = ("a NumPy array indexed with a traced value: TracedValueError naming the array "
               "(issue 13.9 allows a located error)")
CASES = [
    Case(caller_set_first, [(np.array([5, 6, 7], np.int32), 9)], note=ISSUE),
    Case(bubble_sort_with_swap_helper, [(np.array([3.0, 1.0, 2.0], F),),
                                        (np.array([4.0, -1.0, 2.0, 0.5, 3.0], F),)], note=ISSUE),
    Case(union_find_components, [(np.array([[0, 1], [2, 3], [1, 2]], np.int32), 5),
                                 (np.array([[0, 1]], np.int32), 4)], static_argnums=(1,),
         note=ISSUE + "; union-find with path halving"),
    Case(fill_rows_via_helper, [(np.zeros((2, 3), F),)], note=ISSUE),
    Case(clip_in_place, [(np.array([1.0, -2.0, 3.0, -4.0], F),)], note=ISSUE),
    Case(list_filled_by_helper, [(2.0,)], note=ISSUE + "; a helper appending to a list"),
    Case(dict_bumped_by_helper, [(np.array([1.0, -2.0, 3.0], F),)], note=ISSUE),
    Case(normalise_via_helper, [(np.array([1.0, 3.0], F),), (np.array([-1.0, -3.0], F),)],
         note=ISSUE + "; augmented division of a parameter", jit_error=IN_PLACE),
    Case(helper_mutates_and_returns, [(F(3.0),)], note=ISSUE),
    Case(ring_buffer_method, [(np.array([1.0, 2.0, 3.0, 4.0, 5.0], F),)],
         note=ISSUE + "; self.buf[i] = v in a method"),
    Case(mutate_argument_directly, [(np.array([1.0, 2.0], F),)],
         note="the function writes into its own argument: NumPy sees it, jnp cannot"),
    Case(reverse_via_helper, [(np.array([1, 2, 3, 4, 5], np.int32),), (np.array([1], np.int32),)],
         note=ISSUE),
]
