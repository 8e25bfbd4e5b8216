"""A list the function builds, read at a traced position: concatenated lists
(``[0] + [INF] * 12``) and rows of a list of lists (``back[t][last]``) give Python's item.
"""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def coin_change(amount):
    coins = [1, 3, 4]
    big = 10 ** 6
    dp = [0] + [big] * 12
    for a in range(1, 13):
        for c in coins:
            if c <= a and dp[a - c] + 1 < dp[a]:
                dp[a] = dp[a - c] + 1
    return dp[amount]


def backtrack(scores):
    back = []
    for t in range(3):
        row = []
        for j in range(2):
            row.append(0 if scores[t, j] > scores[t, 1 - j] else 1)
        back.append(row)
    last = 0
    if scores[3, 1] > scores[3, 0]:
        last = 1
    path = [last]
    for t in range(2, -1, -1):
        last = back[t][last]
        path.append(last)
    return path[::-1]


def pairs_from_tuple_concat(k):
    weights = [0.5] + [1.5, 2.5]
    offsets = [10, 20] + [30]
    return weights[k] + offsets[k]


@pytest.mark.parametrize("amount", [0, 6, 7, 12])
def test_concatenated_list_at_a_traced_position(amount):
    assert int(py2lax.autograph_jit(coin_change)(jnp.int32(amount))) == coin_change(amount)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_row_of_a_list_of_lists_at_a_traced_position(seed):
    scores = np.random.default_rng(seed).normal(size=(4, 2))
    want = backtrack(scores)
    got = py2lax.autograph_jit(backtrack)(jnp.asarray(scores))
    assert [int(v) for v in got] == want


@pytest.mark.parametrize("k", [0, 1, 2, -3])
def test_sum_of_list_displays(k):
    got = py2lax.autograph_jit(pairs_from_tuple_concat)(jnp.int32(k))
    assert float(got) == pairs_from_tuple_concat(k)


@pytest.mark.parametrize("function,args", [(coin_change, (7,)),
                                           (pairs_from_tuple_concat, (2,))])
def test_converted_on_python_values_is_python(function, args):
    assert py2lax.convert(function)(*args) == function(*args)
