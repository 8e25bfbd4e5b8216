"""Statements whose condition is static at trace time run as Python, whatever they contain.

Issue 13, item 2: ``global``/``nonlocal`` writes, jumps inside ``with``/``try``, ``del``,
``raise``, generator functions elsewhere in the function, ``yield``-based helpers - none
of these is a reason to refuse a statement whose condition or trip count is static.
And issue 12, item 1: a path that falls off the end returns ``None`` when the condition is
static, and is refused with a located error when it is traced.
"""

import jax
import jax.numpy as jnp
import numpy as np

from case import Case

ISSUE13 = ("source: py2lax issue 13 item 2 (nothing refused for a reason that only matters "
           "when traced)")
ISSUE12 = "source: py2lax issue 12 item 1 (a path that falls off the end)"
FALLS_OFF = "a traced condition selects a path that returns None"

CALLS = 0


def _reset():
    global CALLS
    CALLS = 0


def _calls():
    return CALLS


def global_write_static_branch(x, verbose):
    global CALLS
    if verbose:
        CALLS += 1
    return x * 2.0


def global_write_static_loop(x, n):
    global CALLS
    for _ in range(n):
        CALLS += 1
        x = x + 1.0
    return x


def nonlocal_write_static_branch(x, flag):
    hits = 0

    def mark():
        nonlocal hits
        hits += 1

    if flag:
        mark()
    if x > 0:
        x = x * 3.0
    return x, hits


def generator_helper_elsewhere(x):
    def evens(n):
        for k in range(n):
            if k % 2 == 0:
                yield k

    total = x * 0.0
    for k in evens(6):
        total = total + x * k
    if total > 1.0:
        total = total - 1.0
    return total


def raise_on_static_argument(x, mode):
    if mode not in ("a", "b"):
        raise ValueError(f"unknown mode {mode}")
    if mode == "a":
        return x + 1.0
    return x - 1.0


def raise_on_traced_value(x):
    if x < 0:
        raise ValueError("negative input")
    return jnp.sqrt(x)


def del_in_static_branch(x, drop):
    tmp = x * 2.0
    if drop:
        del tmp
        tmp = x
    return tmp


def static_loop_with_return_in_with(x, n):
    for k in range(n):
        with jax.named_scope("k"):
            if k == 2:
                return x * k
    return x


def static_while_break_in_try(x, n):
    k = 0
    while k < n:
        try:
            if k == 3:
                break
            x = x + 1.0
        finally:
            k += 1
    return x


def falls_off_traced(x):
    if x > 0:
        return x * 2.0


def falls_off_static(x, flag):
    if flag:
        return x * 2.0


def bare_return_traced(x):
    if x > 1.0:
        return
    return x


def falls_off_after_loop(v):
    for e in v:
        if e > 2.0:
            return e


def falls_off_static_loop_traced_return(x):
    for k in range(3):
        if x > k:
            return x * k


def no_return_at_all(x):
    y = x * 2.0
    if y > 0:
        y = y + 1.0


def returns_none_explicitly_static(x, flag):
    if flag:
        return None
    return x + 1.0


def match_static_falls_off(x, kind):
    match kind:
        case "double":
            return x * 2.0
        case "neg":
            return -x


CASES = [
    Case(global_write_static_branch, [(1.0, True), (1.0, False)], static_argnums=(1,),
         setup=_reset, observe=_calls, note=ISSUE13 + "; a global write under a static flag"),
    Case(global_write_static_loop, [(1.0, 2), (1.0, 5)], static_argnums=(1,),
         setup=_reset, observe=_calls, note=ISSUE13 + "; a global write in a static loop"),
    Case(nonlocal_write_static_branch, [(1.0, True), (-1.0, False)], static_argnums=(1,),
         note=ISSUE13 + "; a nonlocal write under a static flag"),
    Case(generator_helper_elsewhere, [(0.5,), (0.01,)], note=ISSUE13 + "; a generator helper"),
    Case(raise_on_static_argument, [(1.0, "a"), (1.0, "b"), (1.0, "c")], static_argnums=(1,),
         note=ISSUE13 + "; raise on a static argument"),
    Case(raise_on_traced_value, [(4.0,), (-4.0,)],
         note="raise under a traced condition: raised by the compiled program when the "
         "branch runs (JAX's runtime error carrying the ValueError)"),
    Case(del_in_static_branch, [(1.0, True), (1.0, False)], static_argnums=(1,),
         note=ISSUE13 + "; del under a static flag"),
    Case(static_loop_with_return_in_with, [(np.float32(1.5), 5), (np.float32(1.5), 2)],
         static_argnums=(1,),
         note=ISSUE13 + "; a return inside with, in a static loop"),
    Case(static_while_break_in_try, [(np.float32(0.0), 2), (np.float32(0.0), 6)],
         static_argnums=(1,), note=ISSUE13 + "; break inside try/finally, static while"),
    Case(falls_off_traced, [(1.0,), (-1.0,)], note=ISSUE12 + " (the issue's example)",
         jit_error=FALLS_OFF),
    Case(falls_off_static, [(1.0, True), (1.0, False)], static_argnums=(1,),
         note=ISSUE12 + "; a static condition returns None as Python does"),
    Case(bare_return_traced, [(2.0,), (0.5,)], note=ISSUE12, jit_error=FALLS_OFF),
    Case(falls_off_after_loop,
         [(np.array([1.0, 3.0], np.float32),), (np.array([1.0], np.float32),)],
         note=ISSUE12 + "; a loop that may finish without returning", jit_error=FALLS_OFF),
    Case(falls_off_static_loop_traced_return, [(2.5,), (-1.0,)], note=ISSUE12, jit_error=FALLS_OFF),
    Case(no_return_at_all, [(1.0,)], note=ISSUE12 + "; a function without return gives None"),
    Case(returns_none_explicitly_static, [(1.0, True), (1.0, False)], static_argnums=(1,),
         note=ISSUE12),
    Case(match_static_falls_off, [(1.0, "double"), (1.0, "neg"), (1.0, "other")],
         static_argnums=(1,), note=ISSUE12 + "; a match without a default case"),
]
