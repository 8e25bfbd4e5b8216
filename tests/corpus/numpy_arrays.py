"""NumPy habits inside converted functions: arrays made with np.zeros/np.full/np.arange
that receive traced values or are indexed with them, np functions on traced values,
slicing with traced bounds.

Issue 13, item 9: such arrays do what the code means (they become jnp arrays at that
point) or the user gets a located error naming the array and the fix. JAX's own errors
(``x[:k]`` with a traced ``k``) are restated at the user's line.
"""

import math

import jax.numpy as jnp
import numpy as np

from case import Case

ISSUE = "source: py2lax issue 13 (NumPy arrays made inside a converted function)"


def fill_numpy_buffer(x, n):
    out = np.zeros(n, np.float32)
    for i in range(n):
        out[i] = x * i
    return out


def numpy_full_then_branch(x):
    out = np.full(3, 1.0, np.float32)
    if x > 0:
        out[0] = x
    return out


def arange_indexed_by_traced(k):
    table = np.arange(10) * 3
    return table[k]


def numpy_cumulative_sum(v):
    out = np.zeros_like(v)
    acc = 0.0
    for i in range(v.shape[0]):
        acc = acc + v[i]
        out[i] = acc
    return out


def numpy_functions_on_values(x):
    if np.abs(x) > 1.0:
        return np.sqrt(np.abs(x))
    return np.sin(x)


def math_functions_on_values(x):
    if x > 0:
        return math.sqrt(x) + math.exp(-x)
    return math.cos(x)


def prefix_with_traced_bound(v, k):
    return jnp.sum(v[:k])


def prefix_sum_with_mask(v, k):
    total = 0.0
    for i in range(v.shape[0]):
        if i < k:
            total = total + v[i]
    return total


def boolean_mask_select(v):
    return jnp.sum(v[v > 0])


def nonzero_count(v):
    return len(np.nonzero(v)[0])


def numpy_matrix_fill(n):
    m = np.zeros((n, n), np.float32)
    for i in range(n):
        for j in range(n):
            if i >= j:
                m[i, j] = 1.0 / (i + j + 1)
    return m


def histogram_counts(v):
    counts = np.zeros(4, np.int32)
    for e in v:
        b = int(e * 4)
        if b > 3:
            b = 3
        counts[b] += 1
    return counts


def histogram_counts_jnp(v):
    counts = jnp.zeros(4, jnp.int32)
    for e in v:
        b = jnp.minimum((e * 4).astype(jnp.int32), 3)
        counts = counts.at[b].add(1)
    return counts


def float_of_traced(x):
    y = float(x)
    return y * 2.0


def int_index_from_argmax(v):
    i = int(jnp.argmax(v))
    return v[i] * 2.0


def numpy_argmax_loop(v):
    best = 0
    for i in range(1, v.shape[0]):
        if v[i] > v[best]:
            best = i
    return best


def python_list_to_array(x):
    vals = [x, x * 2.0, x * 3.0]
    arr = np.array(vals)
    return arr.sum()


def np_where_on_values(v):
    w = np.where(v > 0, v, 0.0)
    total = 0.0
    for e in w:
        if e > 1.0:
            total = total + e
    return total


def numpy_random_static_seed(x):
    rng = np.random.default_rng(0)
    noise = rng.normal(size=3).astype(np.float32)
    if x > 0:
        return x + noise
    return x - noise


def roll_window_max(v):
    best = v[0] + v[1]
    for i in range(1, v.shape[0] - 1):
        s = v[i] + v[i + 1]
        if s > best:
            best = s
    return best


F = np.float32
CASES = [
    Case(fill_numpy_buffer, [(F(2.0), 4)], static_argnums=(1,), note=ISSUE + " (np.zeros filled)"),
    Case(numpy_full_then_branch, [(2.0,), (-2.0,)], note=ISSUE + " (np.full, traced branch)"),
    Case(arange_indexed_by_traced, [(3,), (7,)], note=ISSUE + " (np.arange indexed by traced k)"),
    Case(numpy_cumulative_sum, [(np.array([1.0, 2.0, 3.0, 4.0], F),)], note=ISSUE),
    Case(numpy_functions_on_values, [(4.0,), (0.5,)],
         note="np.abs/np.sqrt/np.sin of traced values"),
    Case(math_functions_on_values, [(2.0,), (-1.0,)], note="math.sqrt/exp/cos of traced values"),
    Case(prefix_with_traced_bound, [(np.arange(5, dtype=F), 3)], note=ISSUE + " (x[:k], traced k)",
         jit_error="a slice with a traced bound has a value-dependent shape"),
    Case(prefix_sum_with_mask, [(np.arange(5, dtype=F), 3), (np.arange(5, dtype=F), 0)],
         note="the mask rewrite of x[:k]"),
    Case(boolean_mask_select, [(np.array([1.0, -2.0, 3.0], F),)],
         note="x[x > 0]", jit_error="boolean mask selection has a value-dependent shape"),
    Case(nonzero_count, [(np.array([1.0, 0.0, 3.0], F),)], note="np.nonzero of traced values",
         jit_error="np.nonzero has a value-dependent shape"),
    Case(numpy_matrix_fill, [(3,), (5,)], static_argnums=(0,),
         note="np.zeros filled by a static loop"),
    Case(histogram_counts, [(np.array([0.1, 0.3, 0.35, 0.9, 0.99], F),)],
         note=ISSUE + "; int(traced) and np.zeros indexed by it",
         jit_error="int() of a traced value"),
    Case(histogram_counts_jnp, [(np.array([0.1, 0.3, 0.35, 0.9, 0.99], F),)],
         note="the jnp twin of histogram_counts"),
    Case(float_of_traced, [(1.5,)], note="float() of a traced value",
         jit_error="float() of a traced value needs its concrete value"),
    Case(int_index_from_argmax, [(np.array([1.0, 5.0, 2.0], F),)], note="int(jnp.argmax(v))",
         jit_error="int() of a traced value needs its concrete value"),
    Case(numpy_argmax_loop, [(np.array([1.0, 5.0, 2.0, 7.0, 0.0], F),)], note="argmax by hand"),
    Case(python_list_to_array, [(2.0,)], note="np.array of a list of traced values"),
    Case(np_where_on_values, [(np.array([-1.0, 0.5, 2.0, 3.0], F),)],
         note="np.where of traced values"),
    Case(numpy_random_static_seed, [(1.0,), (-1.0,)], note="NumPy noise made with a fixed seed"),
    Case(roll_window_max, [(np.array([1.0, 5.0, 2.0, 7.0, 0.0], F),)], note="window maximum"),
]
