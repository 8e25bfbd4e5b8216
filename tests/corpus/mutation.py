"""Mutation of Python lists, dicts, sets, objects and globals inside converted statements.

Issue 12, classes 3 and 5: a mutation inside a compiled loop body or a traced branch is
carried with Python's meaning, or stops with a located error naming the object; it is
never run once while tracing and silently reused. ``append`` must count each item once.
Where the number of mutations depends on a traced value (so the container's length
would), the program cannot work under jit and says so in ``jit_error``; its ``static``
twin makes the count static and must match.
"""

import jax.numpy as jnp
import numpy as np

from case import Case

ISSUE = "source: py2lax issue 12 (side effects on Python objects inside converted statements)"
LENGTH = "the container's length would depend on a traced value"


def pop_in_loop(n):
    items = [1, 2, 3, 4]
    s = 0
    for _ in range(n):
        s += items.pop()
    return len(items), s


def pop_fixed_count(x):
    items = [x, x * 2.0, x * 3.0, x * 4.0, x * 5.0]
    s = 0.0
    for _ in range(4):
        s = s + items.pop()
    return len(items), s


def append_in_static_branch(x):
    ys = []
    for j in range(4):
        if j >= 0:
            ys.append(x * j)
    return jnp.stack(ys)


def append_every_iteration(x):
    ys = []
    for j in range(6):
        ys.append(x * j + 1.0)
    return jnp.stack(ys)


def append_under_traced_branch(x):
    ys = []
    for j in range(4):
        if x > j:
            ys.append(x * j)
    return len(ys)


def append_then_sum(m):
    parts = []
    for row in m:
        parts.append(jnp.sum(row))
    return sum(parts)


def append_pairs_then_stack(v):
    lows = []
    highs = []
    for e in v:
        lows.append(jnp.minimum(e, 0.0))
        highs.append(jnp.maximum(e, 0.0))
    return jnp.stack(lows), jnp.stack(highs)


def insert_front(n):
    out = [0]
    for i in range(n):
        out.insert(0, i + 1)
    return out


def extend_in_loop(n):
    out = []
    for i in range(n):
        out.extend([i, -i])
    return out


def delete_front(n):
    items = [5, 6, 7, 8, 9]
    for _ in range(n):
        del items[0]
    return items[0], len(items)


def remove_matching(x):
    items = [1.0, 2.0, 3.0]
    if x > 0:
        items.remove(2.0)
    return len(items)


def clear_in_branch(x):
    items = [x, x]
    if x > 0:
        items.clear()
    return len(items)


def dict_update_in_loop(x, n):
    d = {"a": x, "b": x * 0.0}
    for i in range(n):
        d["a"] = d["a"] * 0.5
        d.update(b=d["b"] + i)
    return d


def dict_setdefault_in_branch(x):
    d = {"hits": 0}
    if x > 0:
        d.setdefault("hits", 5)
        d["hits"] = d["hits"] + 1
    return d


def dict_pop_in_branch(x):
    d = {"a": x, "b": x * 2.0}
    if x > 0:
        d.pop("b")
    return len(d)


def dict_counts_by_sign(v):
    counts = {"neg": 0, "pos": 0}
    for e in v:
        if e > 0:
            counts["pos"] += 1
        else:
            counts["neg"] += 1
    return counts


def list_item_static_index_in_loop(x, n):
    acc = [x, x * 0.0]
    for i in range(n):
        acc[0] = acc[0] + 1.0
        acc[1] = acc[1] + i
    return acc


def list_item_in_traced_branches(x):
    flags = [0, 0, 0]
    for i in range(3):
        if x > i:
            flags[i] = 1
    return flags


def list_item_in_compiled_loop(x):
    flags = [0, 0, 0, 0, 0, 0]
    for i in range(6):
        if x > i:
            flags[i] = 1
    return flags


def list_item_traced_index(n):
    slots = [0.0, 0.0]
    k = 0
    while k < n:
        slots[k % 2] += 1.0
        k += 1
    return slots


def swap_list_items_in_loop(x, n):
    ws = [x, x * 2.0]
    for _ in range(n):
        ws[0], ws[1] = ws[1], ws[0]
    return ws[0]


def swap_list_items_in_branch(a, b):
    pair = [a, b]
    if pair[0] > pair[1]:
        pair[0], pair[1] = pair[1], pair[0]
    return pair


def set_of_remainders(items):
    seen = set()
    for v in items:
        seen.add(v % 3)
    return len(seen)


def static_dict_loop(x):
    weights = {"a": 1.0, "b": 2.0, "c": 3.0}
    for k in weights:
        weights[k] = weights[k] * x
    total = 0.0
    for k, w in weights.items():
        if w > 2.0:
            total = total + w
    return total


class Accumulator:
    def __init__(self):
        self.total = 0.0
        self.count = 0


def object_made_inside(v):
    acc = Accumulator()
    for e in v:
        acc.total = acc.total + e
        acc.count = acc.count + 1
    return acc.total, acc.count


def object_attr_in_branch(x):
    acc = Accumulator()
    if x > 0:
        acc.total = x
    else:
        acc.total = -x
    return acc.total


LOG = []
COUNTER = {"calls": 0}


def _reset():
    LOG.clear()
    COUNTER["calls"] = 0


def _state():
    return {"log": list(LOG), "calls": COUNTER["calls"]}


def global_counter_in_loop(x, n):
    for _ in range(n):
        COUNTER["calls"] += 1
        x = x * 0.5
    return x


def global_counter_outside_loop(x):
    COUNTER["calls"] += 1
    return x * 2.0


def global_log_in_branch(x):
    if x > 0:
        LOG.append("positive")
    return x + 1.0


TOTAL = 0


def _reset_total():
    global TOTAL
    TOTAL = 0


def _total():
    return TOTAL


def global_rebind_in_loop(n):
    global TOTAL
    for i in range(n):
        TOTAL = TOTAL + i
    return n


def nested_lists_rows(n, m):
    grid = []
    for i in range(n):
        row = []
        for j in range(m):
            row.append(i * m + j)
        grid.append(row)
    return grid


def stack_of_growing_prefix(x):
    out = []
    acc = x * 0.0
    for k in range(5):
        acc = acc + x * k
        out.append(acc)
    return jnp.stack(out)


def append_then_index_last(x):
    hist = [x]
    for k in range(5):
        hist.append(hist[-1] * 0.5 + k)
    return hist[-1], len(hist)


F = np.float32
CASES = [
    Case(pop_in_loop, [(0,), (2,), (4,)], note=ISSUE, jit_error=LENGTH),
    Case(pop_in_loop, [(0,), (2,), (4,)], static_argnums=(0,), label="static", note=ISSUE),
    Case(pop_fixed_count, [(1.0,), (-2.0,)], note=ISSUE + "; a static loop of 4 pops"),
    Case(append_in_static_branch, [(1.0,), (2.5,)], note="issue 12 class 5 (append counted once)"),
    Case(append_every_iteration, [(1.0,), (-0.5,)], note="issue 12 class 5"),
    Case(append_under_traced_branch, [(0.5,), (2.5,)], note="issue 12", jit_error=LENGTH),
    Case(append_then_sum, [(np.arange(6, dtype=F).reshape(3, 2),)], note="append in a scan, sum"),
    Case(append_pairs_then_stack, [(np.array([-1.0, 2.0, -3.0], F),)], note="two lists appended"),
    Case(insert_front, [(0,), (3,)], note=ISSUE, jit_error=LENGTH),
    Case(insert_front, [(0,), (3,), (5,)], static_argnums=(0,), label="static", note=ISSUE),
    Case(extend_in_loop, [(0,), (2,), (5,)], static_argnums=(0,), note=ISSUE),
    Case(delete_front, [(1,), (3,)], note=ISSUE, jit_error=LENGTH),
    Case(delete_front, [(1,), (4,)], static_argnums=(0,), label="static", note=ISSUE),
    Case(remove_matching, [(1.0,), (-1.0,)], note=ISSUE, jit_error=LENGTH),
    Case(clear_in_branch, [(1.0,), (-1.0,)], note=ISSUE, jit_error=LENGTH),
    Case(dict_update_in_loop, [(F(4.0), 0), (F(4.0), 3), (F(2.0), 6)], note=ISSUE),
    Case(dict_setdefault_in_branch, [(1.0,), (-1.0,)], note=ISSUE),
    Case(dict_pop_in_branch, [(1.0,), (-1.0,)], note=ISSUE, jit_error=LENGTH),
    Case(dict_counts_by_sign, [(np.array([1.0, -1.0, 2.0], F),)], note=ISSUE),
    Case(list_item_static_index_in_loop, [(F(1.0), 0), (F(1.0), 5)], note=ISSUE),
    Case(list_item_in_traced_branches, [(0.5,), (2.5,)], note=ISSUE),
    Case(list_item_in_compiled_loop, [(0.5,), (3.5,), (9.0,)], note=ISSUE +
         "; a static range of 6 indexing a Python list"),
    Case(list_item_traced_index, [(0,), (3,)], note=ISSUE,
         jit_error="a Python list indexed by a traced counter"),
    Case(swap_list_items_in_loop, [(F(1.0), 2), (F(1.0), 3)], note=ISSUE + " (ws[0], ws[1] swap)"),
    Case(swap_list_items_in_branch, [(1.0, 2.0), (3.0, 2.0)], note=ISSUE),
    Case(set_of_remainders, [([1, 4, 5],)], note=ISSUE,
         jit_error="a set of traced values cannot be hashed"),
    Case(static_dict_loop, [(1.0,), (3.0,)], note="loops over a dict made in the function"),
    Case(object_made_inside, [(np.array([1.0, 2.0, 3.0], F),)], note=ISSUE +
         "; attributes of an object made inside the function"),
    Case(object_attr_in_branch, [(2.0,), (-2.0,)], note=ISSUE),
    Case(global_counter_in_loop, [(F(1.0), 0), (F(1.0), 3)], setup=_reset, observe=_state,
         note=ISSUE + "; a module dict updated in a traced loop",
         jit_error="a module-level counter updated a traced number of times"),
    Case(global_counter_in_loop, [(F(1.0), 0), (F(1.0), 5)], static_argnums=(1,), label="static",
         setup=_reset, observe=_state, note=ISSUE + "; static trip count"),
    Case(global_counter_outside_loop, [(1.0,)], setup=_reset, observe=_state,
         note="a side effect outside converted statements runs once per trace, as in jax.jit"),
    Case(global_log_in_branch, [(1.0,), (-1.0,)], setup=_reset, observe=_state, note=ISSUE,
         jit_error="a module-level list appended under a traced condition"),
    Case(global_rebind_in_loop, [(0,), (3,)], setup=_reset_total, observe=_total, note=ISSUE,
         jit_error="a global rebound a traced number of times"),
    Case(global_rebind_in_loop, [(0,), (5,)], static_argnums=(0,), label="static",
         setup=_reset_total, observe=_total, note=ISSUE),
    Case(nested_lists_rows, [(2, 3), (4, 4)], static_argnums=(0, 1), note="nested lists built"),
    Case(stack_of_growing_prefix, [(1.0,), (0.5,)], note="append in a compiled loop, stack"),
    Case(append_then_index_last, [(1.0,), (4.0,)], note="append and read the last item"),
]
