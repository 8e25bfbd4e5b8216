"""Programs mixing the constructs of issues 12 and 13 in one function: methods with swaps
and early exits, dataclass state with walrus conditions, masks inside methods, closures
over lists that are appended to, returns inside loops inside helpers.

Hand-written in the style of the random programs the issues describe, each small enough
to read, and each a plausible piece of user code.
"""

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from case import Case

F = np.float32
SRC = "source: py2lax issues 12 and 13 (constructs mixed in one program)"


class Sorter:
    def __init__(self, limit):
        self.limit = limit

    def sort_prefix(self, a):
        a = a.copy()
        for i in range(a.shape[0]):
            if i >= self.limit:
                break
            for j in range(a.shape[0] - 1 - i):
                if a[j] > a[j + 1]:
                    a[j], a[j + 1] = a[j + 1], a[j]
        return a


SORTER = Sorter(2)


def method_swap_break(a):
    return SORTER.sort_prefix(a)


@dataclass
class Walker:
    pos: float
    steps: int


def dataclass_walrus_while(x):
    w = Walker(pos=x, steps=0)
    while (gap := 10.0 - w.pos) > 0.5 and w.steps < 20:
        w = Walker(pos=w.pos + 0.5 * gap, steps=w.steps + 1)
    return w.pos, w.steps, gap


class Cleaner:
    def clean(self, v):
        v = v.copy()
        v[v < 0.0] = 0.0
        if v.sum() > 5.0:
            v = v / v.sum()
        return v


def mask_in_method(v):
    return Cleaner().clean(v)


def closure_over_appended_list(x):
    seen = []

    def last_or_zero():
        return seen[-1] if seen else 0.0

    for k in range(3):
        seen.append(x * k + last_or_zero())
    return jnp.stack(seen)


def _first_above(v, level):
    for i in range(v.shape[0]):
        if v[i] > level:
            return i
    return -1


def helper_return_in_loop_from_branch(v, level):
    if level > 0:
        idx = _first_above(v, level)
    else:
        idx = _first_above(-v, -level)
    return idx


def swap_helper_in_traced_branch(a, flag):
    a = a.copy()
    if flag > 0:
        a[0], a[-1] = a[-1], a[0]
    return a


def dict_state_with_early_exit(v):
    state = {"sum": 0.0, "count": 0}
    for e in v:
        if e < 0:
            break
        state["sum"] = state["sum"] + e
        state["count"] += 1
    return state["sum"], state["count"]


def lambda_list_with_traced_branch(x):
    ops = [lambda v: v + 1.0, lambda v: v * 2.0, lambda v: v - 3.0]
    for op in ops:
        if x > 0:
            x = op(x)
        else:
            x = -op(-x)
    return x


class Bank:
    def __init__(self):
        self.balance = 0.0

    def deposit(self, amount):
        if amount > 0:
            self.balance += amount
            return True
        return False


def method_state_in_loop_with_continue(amounts):
    bank = Bank()
    rejected = 0
    for a in amounts:
        if not bank.deposit(a):
            rejected += 1
            continue
    return bank.balance, rejected


def walrus_in_elif(x):
    if x < 0:
        r = -x
    elif (y := x * x) > 4.0:
        r = y - 4.0
    else:
        r = y
    return r


def enumerate_with_mask_update(m):
    m = m.copy()
    for i, row in enumerate(m):
        if row.sum() > 1.0:
            m[i][m[i] > 0.5] = 0.5
    return m


def nested_helpers_with_returns(x):
    def sign(v):
        if v > 0:
            return 1.0
        if v < 0:
            return -1.0
        return 0.0

    def scaled(v):
        s = sign(v)
        if s == 0.0:
            return v
        return s * jnp.sqrt(jnp.abs(v))

    total = 0.0
    for k in range(4):
        total = total + scaled(x - k)
    return total


def named_scope_loop_with_append(x):
    outs = []
    for k in range(4):
        with jax.named_scope(f"step{k}"):
            x = jnp.tanh(x) + 0.5
            outs.append(x)
    return jnp.stack(outs)


def static_method_in_while(x):
    k = 0
    while k < 5:
        x = Helpers.halve_if_big(x)
        k += 1
    return x


class Helpers:
    @staticmethod
    def halve_if_big(v):
        if v > 1.0:
            return v * 0.5
        return v + 0.25


def tuple_swap_names_in_while(a, b):
    steps = 0
    while b > 0.01 and steps < 50:
        a, b = b, a % b
        steps += 1
    return a, steps


def try_finally_counter_in_branch(x):
    tries = 0
    try:
        if x > 0:
            x = x * 2.0
        tries += 1
    finally:
        tries += 10
    return x, tries


def list_of_dicts_in_loop(v):
    records = [{"value": e, "flag": 0} for e in [v[0], v[1], v[2]]]
    for r in records:
        if r["value"] > 1.0:
            r["flag"] = 1
    return sum(r["flag"] for r in records)


CASES = [
    Case(method_swap_break, [(np.array([4.0, 3.0, 2.0, 1.0], F),)], note=SRC),
    Case(dataclass_walrus_while, [(F(0.0),), (F(9.8),)], note=SRC),
    Case(mask_in_method, [(np.array([-1.0, 3.0, 4.0], F),), (np.array([-1.0, 0.5], F),)], note=SRC),
    Case(closure_over_appended_list, [(1.0,)], note=SRC),
    Case(helper_return_in_loop_from_branch, [(np.array([0.1, 0.8, 0.3], F), F(0.5)),
                                             (np.array([0.1, -0.8, 0.3], F), F(-0.5))], note=SRC),
    Case(swap_helper_in_traced_branch, [(np.array([1.0, 2.0, 3.0], F), 1.0),
                                        (np.array([1.0, 2.0, 3.0], F), -1.0)], note=SRC),
    Case(dict_state_with_early_exit, [(np.array([1.0, 2.0, -1.0, 4.0], F),)], note=SRC),
    Case(lambda_list_with_traced_branch, [(1.0,), (-2.0,)], note=SRC),
    Case(method_state_in_loop_with_continue, [(np.array([10.0, -5.0, 2.5], F),)], note=SRC),
    Case(walrus_in_elif, [(-1.0,), (3.0,), (1.0,)], note=SRC),
    Case(enumerate_with_mask_update, [(np.array([[0.9, 0.6], [0.1, 0.2]], F),)], note=SRC),
    Case(nested_helpers_with_returns, [(2.0,), (0.0,)], note=SRC),
    Case(named_scope_loop_with_append, [(0.3,)], note=SRC),
    Case(static_method_in_while, [(F(8.0),), (F(0.5),)], note=SRC),
    Case(tuple_swap_names_in_while, [(F(1.0), F(0.3))], note=SRC + "; float Euclid", atol=1e-4),
    Case(try_finally_counter_in_branch, [(1.0,), (-1.0,)], note=SRC),
    Case(list_of_dicts_in_loop, [(np.array([0.5, 1.5, 2.5], F),)], note=SRC),
]
