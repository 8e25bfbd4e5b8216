"""Assignment forms: swaps of items, mask and slice assignment, walrus, dataclasses.

Issue 13, items 5 and 8: tuple targets of index assignment (``a[i], a[j] = a[j], a[i]``),
augmented mask assignment (``w[w < 0] += 1``), slice assignment, walrus targets as
definitions, and a plain ``@dataclass`` rebound in a traced loop.
"""

from dataclasses import dataclass, replace
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from case import Case

ISSUE = "source: py2lax issue 13 (assignment forms)"


def swap_items_in_loop(a):
    a = a.copy()
    for i in range(a.shape[0] - 1):
        if a[i] > a[i + 1]:
            a[i], a[i + 1] = a[i + 1], a[i]
    return a


def swap_rows(m, i, j):
    m = m.copy()
    m[i], m[j] = m[j].copy(), m[i].copy()
    return m


def mask_augmented(w):
    w = w.copy()
    w[w < 0.0] += 1.0
    return w


def mask_assign(w):
    w = w.copy()
    w[w < 0.0] = 0.0
    return w


def mask_assign_in_branch(w, flag):
    w = w.copy()
    if flag > 0:
        w[w > 1.0] = 1.0
    else:
        w[w < -1.0] *= 0.5
    return w


def slice_assign(x):
    y = x.copy()
    y[1:3] = 0.0
    return y


def slice_assign_step(x):
    y = x.copy()
    y[..., ::2] = -1.0
    return y


def slice_assign_from_index(x, a):
    y = x.copy()
    y[a:] = 7.0
    return y


def slice_augmented_in_loop(x):
    y = x.copy()
    for k in range(3):
        y[k:] += 1.0
    return y


def walrus_in_while(x):
    i = 0
    while (r := x - 1.0) > 0.0 and i < 3:
        x = x * 0.5
        i += 1
    return r


def walrus_in_if(x):
    if (z := x * 2.0) > 1.0:
        return z
    return -z


def walrus_in_comprehension(v):
    out = [y for e in v if (y := e * 2.0) > 1.0]
    return len(out)


@dataclass
class Particle:
    pos: float
    vel: float


def dataclass_rebound_in_loop(x, n):
    p = Particle(pos=x, vel=1.0)
    for _ in range(n):
        p = Particle(pos=p.pos + p.vel, vel=p.vel * 0.5)
    return p.pos, p.vel


def dataclass_replace_in_branch(x):
    p = Particle(pos=x, vel=0.0)
    if x > 0:
        p = replace(p, vel=2.0 * x)
    return p.vel


def dataclass_field_assign_in_loop(x, n):
    p = Particle(pos=x, vel=1.0)
    for _ in range(n):
        p.pos = p.pos + p.vel
    return p.pos


@jax.tree_util.register_dataclass
@dataclass
class State:
    x: jax.Array
    k: jax.Array


def registered_dataclass_in_while(x):
    s = State(x=x, k=jnp.int32(0))
    while s.x > 1.0:
        s = State(x=s.x / 2.0, k=s.k + 1)
    return s.x, s.k


class Pair(NamedTuple):
    lo: float
    hi: float


def namedtuple_in_loop(lo, hi):
    p = Pair(lo, hi)
    for _ in range(10):
        mid = 0.5 * (p.lo + p.hi)
        if mid * mid > 2.0:
            p = Pair(p.lo, mid)
        else:
            p = p._replace(lo=mid)
    return p.lo, p.hi


def chained_assignment(x):
    a = b = x
    if x > 0:
        a = b = x * 2.0
    return a + b


def star_unpacking(v):
    first, *rest = [v[0], v[1], v[2]]
    if first > 0:
        first = first + rest[0]
    return first, rest[1]


def augmented_on_attribute_in_loop(x):
    class Box:
        pass

    b = Box()
    b.v = x
    for _ in range(4):
        b.v *= 1.5
    return b.v


def nested_index_assign(m):
    m = m.copy()
    for i in range(m.shape[0]):
        m[i, i] += 10.0
        m[i][0] = -1.0
    return m


def index_assign_from_tuple(x):
    out = np.zeros(3, np.float32)
    out[0], out[2] = x, -x
    return out


def multiple_targets_from_function(x):
    def split(v):
        return v * 2.0, v - 1.0

    a, b = split(x)
    if a > b:
        a, b = b, a
    return a, b


def del_list_item_static(v):
    items = [v[0], v[1], v[2]]
    del items[1]
    if items[0] > 0:
        items[0] = items[0] * 2.0
    return items


def at_set_in_loop(x):
    y = jnp.zeros(5)
    for i in range(5):
        if i % 2 == 0:
            y = y.at[i].set(x * i)
    return y


def masked_where_update(w):
    w = jnp.where(w < 0.0, w + 1.0, w)
    total = 0.0
    for e in w:
        total = total + e
    return total


F = np.float32
V = np.array([-1.5, 0.5, -0.25, 2.0], F)
CASES = [
    Case(swap_items_in_loop, [(np.array([3.0, 1.0, 2.0], F),)], note=ISSUE + " (a[i], a[j] = ...)"),
    Case(swap_rows, [(np.arange(6, dtype=F).reshape(3, 2), 0, 2)], static_argnums=(1, 2),
         note=ISSUE + "; row swap with copies"),
    Case(mask_augmented, [(V,)], note=ISSUE + " (w[w < 0.0] += 1.0)"),
    Case(mask_assign, [(V,)], note=ISSUE + " (w[w < 0.0] = 0.0)"),
    Case(mask_assign_in_branch, [(V * 2, 1.0), (V * 2, -1.0)], note=ISSUE),
    Case(slice_assign, [(np.arange(5, dtype=F),)], note=ISSUE + " (x[1:3] = v)"),
    Case(slice_assign_step, [(np.arange(6, dtype=F).reshape(2, 3),)],
         note=ISSUE + " (x[..., ::2])"),
    Case(slice_assign_from_index, [(np.arange(5, dtype=F), 2)], static_argnums=(1,),
         note=ISSUE + " (x[a:] = v)"),
    Case(slice_augmented_in_loop, [(np.zeros(4, F),)], note=ISSUE),
    Case(walrus_in_while, [(F(5.0),), (F(0.5),)], note=ISSUE + " (the walrus example of item 8)"),
    Case(walrus_in_if, [(1.0,), (0.2,)], note=ISSUE + " (walrus in a condition)"),
    Case(walrus_in_comprehension, [(np.array([0.2, 0.8, 3.0], F),)],
         note="walrus in a comprehension filter",
         jit_error="the list's length depends on traced values"),
    Case(dataclass_rebound_in_loop, [(F(0.0), 0), (F(0.0), 3)], note=ISSUE + " (plain @dataclass)"),
    Case(dataclass_replace_in_branch, [(1.0,), (-1.0,)], note=ISSUE + " (dataclasses.replace)"),
    Case(dataclass_field_assign_in_loop, [(F(0.0), 0), (F(0.0), 3)], note=ISSUE),
    Case(registered_dataclass_in_while, [(F(10.0),), (F(0.5),)],
         note="a dataclass registered with jax.tree_util.register_dataclass"),
    Case(namedtuple_in_loop, [(1.0, 2.0)], note="bisection on a NamedTuple state"),
    Case(chained_assignment, [(1.0,), (-1.0,)], note="a = b = ..."),
    Case(star_unpacking, [(np.array([1.0, 2.0, 3.0], F),), (np.array([-1.0, 2.0, 3.0], F),)],
         note="first, *rest = ..."),
    Case(augmented_on_attribute_in_loop, [(1.0,)], note="b.v *= 1.5 in a loop"),
    Case(nested_index_assign, [(np.ones((3, 3), F),)],
         note="m[i, i] += v and m[i][0] = v (a NumPy view: the write reaches m)"),
    Case(index_assign_from_tuple, [(2.0,)], note=ISSUE + " (out[0], out[2] = x, -x) on np.zeros"),
    Case(multiple_targets_from_function, [(1.0,), (-3.0,)], note="tuple swap of names"),
    Case(del_list_item_static, [(np.array([1.0, 2.0, 3.0], F),), (np.array([-1.0, 2.0, 3.0], F),)],
         note="del of a list item, static index"),
    Case(at_set_in_loop, [(2.0,)], note=".at[i].set in a static loop"),
    Case(masked_where_update, [(V,)], note="jnp.where then a loop over the array"),
]
