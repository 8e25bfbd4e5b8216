"""Conditionals: one or two variables, variables created or deleted in one branch, None.

Re-expressed from the shapes of TensorFlow AutoGraph's reference tests
(``cond_basic_test.py``, ``nested_control_flow_test.py``, ``basic_ifexp_test.py``,
``logical_expression_test.py``). Where AutoGraph expects an error for tensors (a variable
on one path only, ``None`` in one branch), the case says so in ``jit_error``.
"""

import jax.numpy as jnp

from case import Case

SRC = "source: AutoGraph reference tests (cond_basic, nested_control_flow), re-expressed"
ONE_PATH = "a variable defined on one path only of a traced `if`"


def bump_if_positive(n):
    i = 0
    if i < n:
        i += 1
    return i


def bump_or_double(n):
    i = 0
    if i < n:
        i += 1
    else:
        i += 2
    return i


def two_vars_one_branch(n):
    i = 0
    j = 1
    if i < n:
        i += 1
        j *= 10
    return i, j


def two_vars_two_branches(n):
    i = 0
    j = 1
    if i < n:
        i += 1
        j *= 10
    else:
        i += 2
        j *= 20
    return i, j


def created_in_if(c):
    if c:
        i = 1
    return i


def created_in_both(c):
    if c:
        i = 1
    else:
        i = 2
    return i


def created_in_else(c):
    if c:
        pass
    else:
        i = 2
    return i


def deleted_in_if(c):
    i = 1
    if c:
        del i
    return i


def deleted_in_else(c):
    i = 2
    if c:
        pass
    else:
        del i
    return i


def none_in_if(c):
    i = 0
    j = 1
    if c:
        i = None
        j = 2
    return i, j


def none_in_both(c):
    if c:
        i = None
        j = 1
    else:
        i = None
        j = 2
    return i, j


def local_in_branch(c):
    i = 0
    if c:
        j = 1
        i = j + 1
    return i


def local_in_else(c):
    i = 0
    if c:
        j = 1
    else:
        j = 2
        i = j + 1
    return i


def locally_modified(c):
    i = 0
    j = 2
    if c:
        j = j + 1
        i = j + 1
    return i


def successive_ifs(n1, n2):
    s = 0
    i = 0
    if i < n1:
        s = s * 10 + i
        i += 1
    i = 0
    if i < n2:
        s = s * 10 + i
        i += 1
    return s


def successive_if_elses(n1, n2):
    s = 0
    i = 0
    if i < n1:
        s = s * 10 + i
        i += 1
    else:
        s = s * 11 + i
        i += 2
    i = 0
    if i < n2:
        s = s * 10 + i + 3
        i += 1
    else:
        s = s * 11 + i + 5
        i += 2
    return s, i


def nested_ifs(n1, n2):
    i = 0
    acc = 0
    if i < n1:
        j = 0
        s = 0
        if j < n2:
            s = s * 10 + i * j + 7
            j += 1
        acc = acc * 1000 + s
        i += 1
    return acc


def nested_if_elses(n1, n2):
    i = 0
    acc = 0
    if i < n1:
        j = 0
        s = 0
        if j < n2:
            s = s * 10 + i * j + 1
            j += 1
        else:
            s = s * 11 + i * j + 2
            j += 2
        acc = acc * 1000 + s
        i += 1
    else:
        j = 0
        s = 0
        if j < n2:
            s = s * 12 + i * j + 3
            j += 3
        else:
            s = s * 13 + i * j + 4
            j += 4
        acc = acc * 2000 + s
        i += 1
    return acc, j


def both_positive_sum(x, y):
    z = 0
    if x > 0:
        if y > 0:
            z = x + y
    return z


def dependent_inner_if(x):
    y = 0
    if x > 0:
        y = -2 * x
        if y > 0:
            x = -3 * x
    else:
        y = 4 * x
    return x, y


def imbalanced_inner_if(x):
    y = 0
    if x > 0:
        if x < 3:
            y = -2 * x
            x = -3 * x
    return x, y


def _hidden_raise():
    raise ValueError("exception used for control flow")


def masked_by_exception(x):
    y = 0
    if x > 0:
        try:
            if x > 1:
                _hidden_raise()
            y = 1
        except ValueError:
            pass
        if y == 0:
            y = 2
    return y


def ifexp_pick(x):
    return x * 2 if x > 0 else -x


def ifexp_nested(x):
    return 1 if x > 3 else (2 if x > 0 else 3)


def ifexp_in_loop(n):
    s = 0
    for i in range(n):
        s += i if i % 2 == 0 else -i
    return s


def logical_chain(x):
    return x > 0.0 and x < 1.0 and x <= 2.0


def logical_or_chain(x):
    return x > 1.0 or x < 0.0 or x == 0.5


def logical_not(x):
    return not x > 1.0


def and_returns_operand(a, b):
    return a and b


def or_returns_operand(a, b):
    return a or b


def static_and_traced(flag, x):
    return flag and x > 0


def condition_with_or(x):
    if x <= 0.0 or x >= 1.0:
        y = 1
    else:
        y = 0
    return y


def chained_comparison(x, lo, hi):
    if lo < x <= hi:
        return x - lo
    return hi - x


def not_in_condition(x):
    r = 0.0
    if not (x > 0 and x < 2):
        r = x * 3.0
    return r


def bool_of_sum(v):
    if jnp.sum(v):
        return 1
    return 0


def empty_branch_body(x):
    y = x
    if x > 0:
        pass
    else:
        y = -x
    return y


def elif_ladder(x):
    if x < -1.0:
        r = -1.0
    elif x < 0.0:
        r = x * x
    elif x < 1.0:
        r = x
    elif x < 2.0:
        r = 2.0 * x - 1.0
    else:
        r = 3.0
    return r


BOOLS = [(True,), (False,)]
INTS01 = [(0,), (1,), (-1,)]
INT_PAIRS = [(0, 0), (0, 1), (1, 0), (1, 1)]

CASES = [
    Case(bump_if_positive, INTS01, note=SRC),
    Case(bump_or_double, INTS01, note=SRC),
    Case(two_vars_one_branch, INTS01, note=SRC),
    Case(two_vars_two_branches, INTS01, note=SRC),
    Case(created_in_if, BOOLS, note=SRC + "; Python raises UnboundLocalError for False",
         jit_error=ONE_PATH),
    Case(created_in_both, BOOLS, note=SRC),
    Case(created_in_else, BOOLS, note=SRC, jit_error=ONE_PATH),
    Case(deleted_in_if, BOOLS, note=SRC, jit_error="`del` of a variable in one branch"),
    Case(deleted_in_else, BOOLS, note=SRC, jit_error="`del` of a variable in one branch"),
    Case(none_in_if, BOOLS, note=SRC, jit_error="None in one branch, an int in the other"),
    Case(none_in_both, BOOLS, note=SRC + "; None on both paths is fine"),
    Case(local_in_branch, BOOLS, note=SRC),
    Case(local_in_else, BOOLS, note=SRC),
    Case(locally_modified, BOOLS, note=SRC),
    Case(successive_ifs, INT_PAIRS, note=SRC),
    Case(successive_if_elses, INT_PAIRS, note=SRC),
    Case(nested_ifs, INT_PAIRS, note=SRC),
    Case(nested_if_elses, INT_PAIRS, note=SRC),
    Case(both_positive_sum, [(-1, -1), (-1, 1), (1, -1), (1, 1)], note=SRC),
    Case(dependent_inner_if, [(-1,), (1,)], note=SRC),
    Case(imbalanced_inner_if, [(-1,), (1,), (4,)], note=SRC),
    Case(masked_by_exception, [(-1,), (0,), (1,), (2,)], note=SRC,
         jit_error="an exception raised under a traced condition is control flow lax "
         "cannot express"),
    Case(ifexp_pick, [(3.0,), (-2.0,)], note="source: AutoGraph basic_ifexp, re-expressed"),
    Case(ifexp_nested, [(5,), (1,), (-3,)], note="source: AutoGraph basic_ifexp, re-expressed"),
    Case(ifexp_in_loop, [(0,), (5,)], note="source: AutoGraph basic_ifexp, re-expressed"),
    Case(logical_chain, [(0.5,), (1.5,), (-1.0,)], note="source: Catalyst TestLogicalOps"),
    Case(logical_or_chain, [(0.5,), (0.7,), (-1.0,)], note="source: Catalyst TestLogicalOps"),
    Case(logical_not, [(0.5,), (1.5,)], note="source: Catalyst TestLogicalOps"),
    Case(and_returns_operand, [(0, 1), (2, 3)], note="source: Catalyst TestLogicalOps: "
         "Python returns an operand, not a bool"),
    Case(or_returns_operand, [(0, 1), (2, 3)], note="source: Catalyst TestLogicalOps"),
    Case(static_and_traced, [(True, 1.0), (False, 1.0), (True, -1.0)], static_argnums=(0,),
         note="source: Catalyst TestLogicalOps: static first operand"),
    Case(condition_with_or, [(0.0,), (0.5,), (2.0,)], note="source: Catalyst TestMixed"),
    Case(chained_comparison, [(0.5, 0.0, 1.0), (1.0, 0.0, 1.0), (2.0, 0.0, 1.0)],
         note="chained comparison in an if"),
    Case(not_in_condition, [(1.0,), (3.0,), (-1.0,)], note="`not` of a compound condition"),
    Case(bool_of_sum, [([1.0, -1.0],), ([1.0, 2.0],)], note="truth value of a jnp.sum"),
    Case(empty_branch_body, [(1.0,), (-1.0,)], note="`pass` branch"),
    Case(elif_ladder, [(-2.0,), (-0.5,), (0.5,), (1.5,), (5.0,)], note="piecewise elif ladder"),
]
