"""Loops with break, continue and early return, nested and successive.

Re-expressed from the shapes of TensorFlow AutoGraph's reference tests
(``tensorflow/python/autograph/tests/loop_control_flow_test.py``, ``loop_basic_test.py``):
each program runs on Python ints/lists and, jitted, on traced int32 scalars and arrays.
"""

import numpy as np

from case import Case

SRC = "source: AutoGraph reference tests (loop_control_flow, loop_basic), re-expressed"


def sum_even_items(items):
    total = 0
    for v in items:
        if v % 2 > 0:
            continue
        total += v
    return total


def countdown_even_sum(k):
    total = 0
    while k > 0:
        k -= 1
        if k % 2 > 0:
            continue
        total += k
    return total


def nested_sum_even(rows):
    total = 0
    for row in rows:
        for v in row:
            if v % 2 > 0:
                continue
            total += v
    return total


def nested_countdown_skip(a, b):
    total = 0
    while a > 0:
        a -= 1
        while b > 0:
            b -= 1
            if (a + b) % 2 > 0:
                continue
            total += a + b
    return total


def prefix_until_odd(items):
    total = 0
    for v in items:
        if v % 2 > 0:
            break
        total += v
    return total


def return_in_first_iteration(items):
    total = 0
    for v in items:
        total += v
        return total
    return total


def signed_return_in_first_iteration(items):
    total = 0
    for v in items:
        total += v
        if v % 2 > 0:
            return total
        else:
            return -total
    return total


def while_return_in_first_iteration(k):
    total = 0
    while k > 0:
        k -= 1
        total += k
        return total
    return total


def while_signed_return(k):
    total = 0
    while k > 0:
        k -= 1
        total += k
        if k % 2 > 0:
            return total
        else:
            return -total
    return total


def countdown_until_odd(k):
    total = 0
    while k > 0:
        k -= 1
        if k % 2 > 0:
            break
        total += k
    return total


def nested_prefix_until_odd(rows):
    total = 0
    for row in rows:
        for v in row:
            if v % 2 > 0:
                break
            total += v
    return total


def nested_countdown_break(a, b):
    total = 0
    while a > 0:
        a -= 1
        while b > 0:
            b -= 1
            if (a + b) % 2 == 0:
                break
            total += a + b
    return total


def nested_break_else_continue(rows):
    total = 0
    for row in rows:
        for v in row:
            if v % 2 > 0:
                break
            else:
                continue
            total += v
    return total


def nested_while_break_else_continue(a, b):
    total = 0
    while a > 0:
        a -= 1
        while b > 0:
            b -= 1
            if (a + b) % 2 > 0:
                break
            else:
                continue
            total += a + b
    return total


def break_then_decrement(x, n):
    for i in range(n):
        if i == 2:
            break
        if x > 0:
            x -= 1
    return x


def while_stop_at_two(x):
    while x > 0:
        if x == 2:
            break
        if x > 0:
            x -= 1
    return x


def two_breaks_digits(n):
    s = 1
    i = 0
    while i < n:
        i += 1
        if i > 10 * n:
            break
        if i == n:
            break
        s = s * 10 + i
    return i, s


def grow_by_tens(n):
    i = 0
    while i < n:
        i = i * 10 + 1
    return i


def last_item_or_zero(items):
    i = 0
    for i in items:
        pass
    return i


def digits_while(n):
    s = 0
    i = 0
    while i < n:
        s = s * 10 + i
        i += 1
    return s


def digits_for(items):
    s = 0
    for i in items:
        s = s * 10 + i
    return s


def while_else_sentinel(x, y):
    s = 0
    while x > 0:
        x -= 1
        if x > y:
            break
        s += x
    else:
        s = -100
    return s


def for_else_sentinel(items, stop):
    s = 0
    for c in items:
        if c == stop:
            break
        s = s * 10 + c
    else:
        s = -1000
    return s


def for_else_membership(items, banned):
    s = 0
    for c in items:
        if c in banned:
            break
        s = s * 10 + c
    else:
        s = -1000
    return s


def successive_whiles(n1, n2):
    s = 0
    i = 0
    while i < n1:
        s = s * 10 + i
        i += 1
    i = 0
    while i < n2:
        s = s * 10 + i
        i += 1
    return s


def successive_fors(l1, l2):
    s = 0
    for i in l1:
        s = s * 10 + i
    for i in l2:
        s = s * 10 + i
    return s


def nested_while_rows(n1, n2):
    rows = []
    i = 0
    while i < n1:
        j = 0
        s = 0
        while j < n2:
            s = s * 10 + i * j
            j += 1
        rows.append(s)
        i += 1
    return rows


def nested_for_row_digits(m):
    out = []
    for row in m:
        s = 0
        for v in row:
            s = s * 10 + v
        out.append(s)
    return np.stack(out) if out else np.zeros(0, np.int64)


def while_with_call_in_condition(n):
    def triple(v):
        return v * 3

    i = 0
    s = 0
    while i < triple(n):
        s = s * 10 + i
        i += 1
    return s


def for_with_local_call(items):
    def triple(v):
        return v * 3

    s = 0
    for i in items:
        s = s * 10 + triple(i)
    return s


def while_with_param_call(n, fn):
    i = 0
    s = 0
    while i < n:
        s = s * 10 + fn(i)
        i += 1
    return s


def for_over_param_call(n, fn):
    s = 0
    for i in fn(n):
        s = s * 10 + i
    return s


def _double(v):
    return v * 2


INT_LISTS = [([],), ([1],), ([2, 4],), ([1, 2, 3],), ([2, 4, 5, 6],)]
INT_ARRAYS = [(np.array([2, 4, 6], np.int32),), (np.array([2, 3, 4, 5], np.int32),),
              (np.array([1], np.int32),)]
COUNTS = [(0,), (1,), (2,), (3,), (4,)]
PAIRS = [(0, 0), (1, 3), (2, 2), (3, 4), (4, 1)]
MATRICES = [(np.array([[2, 4], [6, 8]], np.int32),), (np.array([[1, 2], [4, 6]], np.int32),),
            (np.array([[2, 3, 4], [4, 5, 6]], np.int32),)]

CASES = [
    Case(sum_even_items, INT_LISTS, note=SRC + "; a Python list of traced ints"),
    Case(sum_even_items, INT_ARRAYS, label="array", note=SRC + "; an int array: a scan"),
    Case(countdown_even_sum, COUNTS, note=SRC),
    Case(nested_sum_even, MATRICES, note=SRC),
    Case(nested_sum_even, [([[1, 2], [4]],), ([[], [2, 2]],)], label="ragged lists", note=SRC),
    Case(nested_countdown_skip, PAIRS, note=SRC),
    Case(prefix_until_odd, INT_LISTS, note=SRC),
    Case(prefix_until_odd, INT_ARRAYS, label="array", note=SRC),
    Case(return_in_first_iteration, INT_LISTS, note=SRC),
    Case(return_in_first_iteration, INT_ARRAYS, label="array", note=SRC),
    Case(signed_return_in_first_iteration, INT_LISTS, note=SRC),
    Case(signed_return_in_first_iteration, INT_ARRAYS, label="array", note=SRC),
    Case(while_return_in_first_iteration, COUNTS, note=SRC),
    Case(while_signed_return, COUNTS, note=SRC),
    Case(countdown_until_odd, COUNTS, note=SRC),
    Case(nested_prefix_until_odd, MATRICES, note=SRC),
    Case(nested_countdown_break, PAIRS, note=SRC),
    Case(nested_break_else_continue, MATRICES, note=SRC),
    Case(nested_while_break_else_continue, PAIRS, note=SRC),
    Case(break_then_decrement, [(5, 4), (1, 4), (3, 1), (0, 0)], note=SRC),
    Case(while_stop_at_two, COUNTS, note=SRC),
    Case(two_breaks_digits, COUNTS, note=SRC),
    Case(grow_by_tens, [(0,), (1,), (2,), (50,)], note=SRC),
    Case(last_item_or_zero, INT_LISTS, note=SRC),
    Case(last_item_or_zero, INT_ARRAYS + [(np.zeros(0, np.int32),)], label="array", note=SRC),
    Case(digits_while, COUNTS, note=SRC),
    Case(digits_for, INT_LISTS, note=SRC),
    Case(digits_for, INT_ARRAYS, label="array", note=SRC),
    Case(while_else_sentinel, [(0, 0), (2, 0), (0, 2), (2, 2), (5, 2)], note=SRC),
    Case(for_else_sentinel, [([1, 2, 3], 2), ([1, 2, 3], 7), ([], 1)], note=SRC),
    Case(for_else_sentinel, [(np.array([1, 2, 3], np.int32), 2),
                             (np.array([1, 2, 3], np.int32), 9)], label="array", note=SRC),
    Case(for_else_membership, [([1, 2, 3], [3, 4]), ([1, 2], [5, 6])],
         note=SRC + "; `c in banned` with a Python list of traced ints"),
    Case(successive_whiles, [(0, 0), (1, 2), (2, 1), (2, 2)], note=SRC),
    Case(successive_fors, [([], []), ([1], [2, 3]), ([1, 2], [])], note=SRC),
    Case(successive_fors, [(np.array([1, 2], np.int32), np.array([3], np.int32))],
         label="array", note=SRC),
    Case(nested_while_rows, [(0, 2), (2, 2), (3, 1)], static_argnums=(0,),
         note=SRC + "; outer count static, inner traced"),
    Case(nested_while_rows, [(2, 2), (3, 1)], label="traced outer", note=SRC,
         jit_error="a list appended in a while loop with a traced trip count has no fixed length"),
    Case(nested_for_row_digits, MATRICES, note=SRC + "; list of rows stacked at the end"),
    Case(while_with_call_in_condition, COUNTS[:3], note=SRC + " (loop_with_function_call)"),
    Case(for_with_local_call, INT_LISTS, note=SRC + " (loop_with_function_call)"),
    Case(while_with_param_call, [(0, _double), (2, _double), (3, abs)], static_argnums=(1,),
         note=SRC + " (loop_with_function_call): a static callable argument"),
    Case(for_over_param_call, [(0, range), (3, range)], static_argnums=(1,),
         note=SRC + " (loop_with_function_call): `for i in fn(n)` with fn=range, static"),
]
