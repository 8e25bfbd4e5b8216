"""Early exits inside ``with``, ``try``/``except``/``else``/``finally`` blocks.

Issue 13, items 1 and 2: context managers are everywhere in real JAX code
(``jax.named_scope``, ``jax.default_matmul_precision``, ``jax.checking_leaks``,
``contextlib`` helpers); ``break``, ``continue`` and ``return`` inside them must keep
Python's meaning, and a static condition must run as Python whatever it contains.
"""

import contextlib

import jax
import jax.numpy as jnp
import numpy as np

from case import Case

ISSUE = "source: py2lax issue 13 (jumps inside with/try)"

EVENTS = []


def _reset():
    EVENTS.clear()


def _events():
    return list(EVENTS)


@contextlib.contextmanager
def _tracked(name):
    EVENTS.append("enter " + name)
    try:
        yield
    finally:
        EVENTS.append("exit " + name)


def static_mode_return_in_scope(x, mode):
    if mode == "a":
        with jax.named_scope("branch_a"):
            return x * 2.0
    return jnp.abs(x)


def traced_return_in_scope(x):
    with jax.named_scope("outer"):
        if x > 0:
            return x * 2.0
    return -x


def continue_in_scope(x):
    z = 0
    while x > 0:
        with jax.named_scope("step"):
            x = x - 1
            if x < 5:
                continue
            z = z + 1
    return z


def continue_in_try_finally(x):
    z = 0
    while x > 0:
        x = x - 1
        try:
            if x < 5:
                continue
            z = z + 1
        finally:
            z = z + 10
    return z


def break_in_scope(x):
    z = 0
    while x > 0:
        with jax.named_scope("step"):
            x = x - 1
            if x < 5:
                break
            z = z + 1
    return z


def break_in_try_finally(x):
    z = 0
    while x > 0:
        x = x - 1
        try:
            if x < 5:
                break
            z = z + 1
        finally:
            z = z + 10
    return z


def return_in_precision_context(a, b):
    with jax.default_matmul_precision("float32"):
        if jnp.sum(a) > 0:
            return a @ b
        return b @ a


def for_break_in_scope(v):
    total = 0.0
    for e in v:
        with jax.named_scope("item"):
            if e < 0:
                break
            total = total + e
    return total


def try_except_else_with_if(x):
    try:
        y = x * 2.0
    except ZeroDivisionError:
        y = 0.0
    else:
        if y > 1.0:
            y = y - 1.0
    return y


def try_else_raises_in_static_if(x, strict):
    try:
        y = x + 1.0
    except TypeError:
        y = x
    else:
        if strict:
            raise ValueError("strict mode")
    return y


def return_in_except(x, key):
    table = {"a": 1.0, "b": 2.0}
    try:
        w = table[key]
    except KeyError:
        return x * 0.0
    if x > 0:
        return x * w
    return -x * w


def finally_counts_each_iteration(n):
    hits = 0
    for i in range(n):
        try:
            if i % 2 == 0:
                continue
            hits += 1
        finally:
            hits += 100
    return hits


def tracked_context_in_static_loop(x):
    for k in range(3):
        with _tracked("k"):
            if k == 1:
                continue
            x = x + k
    return x


def tracked_context_return_traced(x):
    with _tracked("outer"):
        if x > 0:
            return x + 1.0
        x = x - 1.0
    return x


def nested_with_break(m):
    count = 0
    for row in m:
        with jax.named_scope("row"):
            for e in row:
                with jax.named_scope("col"):
                    if e == 0:
                        break
                    count += 1
    return count


def suppress_in_loop(v):
    total = 0.0
    for i in range(4):
        with contextlib.suppress(IndexError):
            total = total + v[i]
    return total


def checking_leaks_context(x):
    with jax.checking_leaks():
        if x > 0:
            y = x * 3.0
        else:
            y = x
    return y


def try_finally_return_in_loop(v):
    i = 0
    try:
        while i < v.shape[0]:
            if v[i] > 1.0:
                return i
            i += 1
    finally:
        i = -5
    return -1


def with_nullcontext_return(x, n):
    acc = x
    for k in range(n):
        with contextlib.nullcontext():
            if acc > 100.0:
                return acc
            acc = acc * 3.0
    return acc


F = np.float32
CASES = [
    Case(static_mode_return_in_scope, [(F(-1.5), "a"), (F(-1.5), "b")], static_argnums=(1,),
         note=ISSUE + " (the example of item 2: a static condition)"),
    Case(traced_return_in_scope, [(1.0,), (-1.0,)], note=ISSUE),
    Case(continue_in_scope, [(0,), (4,), (10,)], note=ISSUE + "; AutoGraph nested_control_flow"),
    Case(continue_in_try_finally, [(0,), (4,), (10,)],
         note=ISSUE + "; AutoGraph nested_control_flow"),
    Case(break_in_scope, [(0,), (4,), (10,)], note=ISSUE + "; AutoGraph nested_control_flow"),
    Case(break_in_try_finally, [(0,), (4,), (10,)], note=ISSUE + "; AutoGraph nested_control_flow"),
    Case(return_in_precision_context, [(np.eye(2, dtype=F), np.ones((2, 2), F)),
                                       (-np.eye(2, dtype=F), np.arange(4, dtype=F).reshape(2, 2))],
         note=ISSUE + "; jax.default_matmul_precision"),
    Case(for_break_in_scope, [(np.array([1.0, 2.0, -1.0, 5.0], F),)], note=ISSUE),
    Case(try_except_else_with_if, [(0.25,), (2.0,)], note="issue 13: try/except/else with an if"),
    Case(try_else_raises_in_static_if, [(1.0, False), (1.0, True)], static_argnums=(1,),
         note="issue 13: `else` of a try holding an if with a raise"),
    Case(return_in_except, [(2.0, "a"), (-2.0, "b"), (2.0, "z")], static_argnums=(1,),
         note=ISSUE + "; return in an except on a static key"),
    Case(finally_counts_each_iteration, [(0,), (3,), (5,)], note=ISSUE),
    Case(tracked_context_in_static_loop, [(1.0,)], setup=_reset, observe=_events,
         note=ISSUE + "; a context manager must exit on continue"),
    Case(tracked_context_return_traced, [(1.0,), (-1.0,)], setup=_reset, observe=_events,
         note=ISSUE + "; a contextlib manager around a traced return"),
    Case(nested_with_break, [(np.array([[1, 2, 0], [0, 1, 1], [3, 3, 3]], np.int32),)],
         note=ISSUE),
    Case(suppress_in_loop, [(np.array([1.0, 2.0], F),), (np.array([1.0, 2.0, 3.0, 4.0, 5.0], F),)],
         note="contextlib.suppress(IndexError) in a static loop: with a static index, jnp "
         "raises IndexError too (a traced index would clamp)"),
    Case(checking_leaks_context, [(1.0,), (-1.0,)], note=ISSUE + "; jax.checking_leaks"),
    Case(try_finally_return_in_loop, [(np.array([0.5, 2.0, 3.0], F),), (np.array([0.5], F),)],
         note=ISSUE),
    Case(with_nullcontext_return, [(F(1.0), 3), (F(50.0), 3)], note=ISSUE),
]
