"""Early returns: in nested ifs, before loops, in context managers, in try/finally.

Re-expressed from the shapes of TensorFlow AutoGraph's ``early_return_test.py`` (with
``tf.name_scope`` replaced by ``jax.named_scope``), plus returns in loops as JAX users
write them (search loops that return the index found).
"""

import jax
import jax.numpy as jnp
import numpy as np

from case import Case

SRC = "source: AutoGraph early_return_test, re-expressed"
FALLS_OFF = "a traced condition selects a path that returns None"


def return_or_square(x):
    if x > 0:
        return x
    return x * x


def return_local_or_stacked(c):
    t = jnp.array(1)
    if c:
        return t
    t = jnp.stack([t, t])
    return jnp.sum(t)


def return_possibly_none(x):
    if x > 0:
        if x < 5:
            return x
    else:
        return x * x * x


def nested_returns_all_paths(x):
    if x > 0:
        if x < 5:
            return x
        else:
            return x * x
    else:
        return x * x * x


def return_before_loop(c1, c2, n):
    if c1:
        if c2:
            return 1
    for _ in range(n):
        pass
    return 2


def returns_in_named_scopes(x):
    with jax.named_scope("outer"):
        if x > 0:
            if x < 5:
                with jax.named_scope("inner"):
                    return x
            else:
                return x * x
        else:
            return x * x * x


def unreachable_tail_return(x):
    with jax.named_scope("outer"):
        if x > 0:
            if x < 5:
                with jax.named_scope("inner"):
                    return x
            else:
                return x * x
        else:
            return x * x * x
    return x * x * x * x


def default_return_in_scope(x):
    with jax.named_scope("scope"):
        if x > 0:
            return 1
        return 0


def return_in_try_finally(x):
    try:
        if x > 0:
            return 1
        else:
            return 0
    finally:
        x = x + 1


def default_return_in_try_finally(x):
    try:
        if x > 0:
            return 1
        return 0
    finally:
        x = x + 1


def return_in_finally_branches(x):
    try:
        return 2
    finally:
        if x > 0:
            return 1  # noqa: B012
        else:
            return 0  # noqa: B012


def default_return_in_finally(x):
    try:
        return 2
    finally:
        if x > 0:
            return 1  # noqa: B012
        return 0  # noqa: B012


def finally_overrides_try_return(x):
    try:
        if x > 0:
            return 0
    finally:
        return 1  # noqa: B012


def _raising_helper():
    raise ValueError()


def caught_raise_during_return():
    try:
        return _raising_helper()
    except ValueError:
        pass
    return 1


def caught_raise_in_tail(c):
    if c:
        return 2
    try:
        return _raising_helper()
    except ValueError:
        pass
    return 1


def find_first_negative(v):
    for i in range(v.shape[0]):
        if v[i] < 0:
            return i
    return -1


def find_first_above(v, level):
    for i, value in enumerate(v):
        if value > level:
            return i, value
    return -1, level


def while_return_when_close(x):
    guess = x
    steps = 0
    while steps < 50:
        better = 0.5 * (guess + x / guess)
        if jnp.abs(better - guess) < 1e-5:
            return better, steps
        guess = better
        steps += 1
    return guess, steps


def return_in_nested_loops(m, target):
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j] == target:
                return i * 10 + j
    return -1


def return_inside_else_of_loop(v):
    for x in v:
        if x > 10:
            break
    else:
        return 0
    return 1


def return_value_of_different_types(x):
    if x > 0:
        return 1
    return 2.5


def early_return_of_tuple(x, y):
    if x > y:
        return x, y
    if x == y:
        return y, y
    return y, x


def return_from_elif_chain(score):
    if score >= 90:
        return 4
    elif score >= 80:
        return 3
    elif score >= 70:
        return 2
    elif score >= 60:
        return 1
    return 0


def guard_clause_then_loop(x, n):
    if n <= 0:
        return x
    acc = x
    for _ in range(n):
        acc = acc * 0.5 + 1.0
    return acc


def return_inside_while_true(x):
    while True:
        x = x * 2.0
        if x > 100.0:
            return x


def bare_return_when_negative(x):
    if x < 0:
        return
    return x * 2.0


F = np.float32
CASES = [
    Case(return_or_square, [(0,), (1,), (-3,)], note=SRC),
    Case(return_local_or_stacked, [(True,), (False,)], note=SRC),
    Case(return_possibly_none, [(0,), (3,), (5,)], note=SRC + "; None for x >= 5",
         jit_error=FALLS_OFF),
    Case(nested_returns_all_paths, [(-1,), (3,), (6,)], note=SRC),
    Case(return_before_loop, [(True, True, 0), (True, False, 2), (False, True, 1)], note=SRC),
    Case(returns_in_named_scopes, [(0,), (3,), (5,)], note=SRC + "; with jax.named_scope"),
    Case(unreachable_tail_return, [(0,), (3,), (5,)], note=SRC),
    Case(default_return_in_scope, [(0,), (1,)], note=SRC),
    Case(return_in_try_finally, [(0,), (1,)], note=SRC),
    Case(default_return_in_try_finally, [(0,), (1,)], note=SRC),
    Case(return_in_finally_branches, [(0,), (1,)], note=SRC),
    Case(default_return_in_finally, [(0,), (1,)], note=SRC),
    Case(finally_overrides_try_return, [(0,), (1,)], note=SRC),
    Case(caught_raise_during_return, [()], note=SRC),
    Case(caught_raise_in_tail, [(True,), (False,)], note=SRC),
    Case(find_first_negative, [(np.array([1.0, -2.0, 3.0], F),), (np.array([1.0, 2.0], F),)],
         note="search loop returning the index found"),
    Case(find_first_above, [(np.array([0.1, 0.7, 0.9], F), F(0.5)),
                            (np.array([0.1, 0.2], F), F(0.5))],
         note="enumerate with an early return of a pair"),
    Case(while_return_when_close, [(F(2.0),), (F(9.0),)], note="Heron's method with early return"),
    Case(return_in_nested_loops, [(np.array([[1, 2], [3, 4]], np.int32), 3),
                                  (np.array([[1, 2], [3, 4]], np.int32), 7)],
         note="return from inside two loops"),
    Case(return_inside_else_of_loop, [(np.array([1.0, 20.0], F),), (np.array([1.0, 2.0], F),)],
         note="return in a for/else"),
    Case(return_value_of_different_types, [(1.0,), (-1.0,)],
         note="int on one path, float on the other: jnp promotes"),
    Case(early_return_of_tuple, [(1.0, 2.0), (2.0, 1.0), (1.0, 1.0)], note="tuple returns"),
    Case(return_from_elif_chain, [(95.0,), (85.0,), (75.0,), (65.0,), (10.0,)],
         note="grading ladder"),
    Case(guard_clause_then_loop, [(F(1.0), 0), (F(1.0), 5)], note="guard clause then a loop"),
    Case(return_inside_while_true, [(F(1.0),), (F(60.0),)], note="while True with a return"),
    Case(bare_return_when_negative, [(1.0,), (-1.0,)], note="issue 12: bare return",
         jit_error=FALLS_OFF),
]
