"""Closures and lambdas around converted statements: Python's late binding must hold.

Issue 12, class 2: moving a loop body or a branch into a function must not change what
nested functions and lambdas see. Programs in the style of JAX users' code: callbacks
built in loops, accumulator closures, helpers reading the enclosing function's state,
``functools.partial`` and higher-order helpers.
"""

import functools

import jax.numpy as jnp
import numpy as np

from case import Case

ISSUE = "source: py2lax issue 12 (closures see the variable, not a snapshot)"


def read_counter_in_while(n):
    i = 0

    def read_i():
        return i

    s = 0
    while i < n:
        s = s * 10 + read_i()
        i += 1
    return s


def lambdas_appended_in_loop(xs):
    fns = [lambda: 0]
    for i in xs:
        fns.append(lambda: i)
    return [h() for h in fns]


def closure_defined_after_loop(n):
    total = 0
    for k in range(n):
        total = total + k

    def report():
        return total * 2

    return report()


def closure_defined_in_branch(x):
    if x > 0:
        scale = 2.0

        def apply(v):
            return v * scale
    else:
        scale = -1.0

        def apply(v):
            return v * scale + 1.0
    return apply(x)


def closure_reads_after_branch_update(x):
    offset = 1.0

    def shifted(v):
        return v + offset

    if x > 0:
        offset = 10.0
    return shifted(x)


def lambda_reads_loop_state(x, n):
    acc = x
    step = lambda: acc * 0.5
    for _ in range(n):
        acc = acc + step()
    return acc


def nonlocal_counter(n):
    count = 0

    def bump():
        nonlocal count
        count += 1

    for _ in range(n):
        bump()
    return count


def nonlocal_accumulate_in_while(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v

    k = 0
    while k < 4:
        add(x * k)
        k += 1
    return total


def make_adder_list(n):
    adders = []
    for k in range(n):
        adders.append(lambda v, k=k: v + k)
    return [f(10) for f in adders]


def partial_in_loop(x, n):
    def power(base, e):
        return base ** e

    total = 0.0
    for e in range(n):
        f = functools.partial(power, e=e)
        total = total + f(x)
    return total


def apply_n_times(x, n):
    def twice(f):
        return lambda v: f(f(v))

    g = twice(lambda v: v * 0.5 + 1.0)
    for _ in range(n):
        x = g(x)
    return x


def compose_pipeline(x):
    steps = [jnp.sin, lambda v: v * 2.0, jnp.tanh]
    for f in steps:
        x = f(x)
    return x


def closure_over_array_index(v):
    out = 0.0

    def at(i):
        return v[i]

    for i in range(v.shape[0]):
        if at(i) > 0:
            out = out + at(i)
    return out


def callbacks_by_threshold(x):
    handlers = {}
    for level in (1.0, 2.0, 3.0):
        handlers[level] = lambda v: v > level
    return [handlers[k](x) for k in (1.0, 2.0, 3.0)]


def closure_sees_rebinding_in_loop(x, n):
    scale = 1.0

    def scaled(v):
        return v * scale

    out = 0.0
    for _ in range(n):
        out = out + scaled(x)
        scale = scale * 2.0
    return out


def closure_in_while_condition(x):
    limit = 10.0
    within = lambda v: v < limit
    steps = 0
    while within(x):
        x = x * 2.0 + 1.0
        steps += 1
    return x, steps


def generator_expression_sum(v):
    total = 0.0
    if v[0] > 0:
        total = sum(e * 2.0 for e in v)
    return total


def comprehension_over_range(n):
    squares = [i * i for i in range(n)]
    s = 0
    for q in squares:
        if q % 2 == 0:
            s += q
    return s


def lambda_default_captures_traced(x):
    f = lambda v, c=x: v + c
    out = 0.0
    for i in range(3):
        if x > i:
            out = out + f(i)
    return out


def recursive_inner_function(n):
    def fact(k):
        return 1 if k <= 1 else k * fact(k - 1)

    return fact(n)


def closure_factory_in_loop(x):
    def make(m):
        def f(v):
            return v * m
        return f

    total = x
    for m in (1.0, 2.0, 3.0):
        g = make(m)
        if total > 0:
            total = g(total)
    return total


def sort_key_lambda(pairs):
    ordered = sorted(pairs, key=lambda p: p[1])
    return [p[0] for p in ordered]


F = np.float32
CASES = [
    Case(read_counter_in_while, [(0,), (3,), (4,)], note=ISSUE),
    Case(lambdas_appended_in_loop, [((1, 2),), ((5,),)], note=ISSUE),
    Case(closure_defined_after_loop, [(0,), (5,)], note=ISSUE),
    Case(closure_defined_in_branch, [(2.0,), (-2.0,)], note=ISSUE,
         jit_error="a function chosen by a traced condition is not a value lax can carry"),
    Case(closure_reads_after_branch_update, [(1.0,), (-1.0,)], note=ISSUE),
    Case(lambda_reads_loop_state, [(F(1.0), 0), (F(1.0), 3), (F(2.0), 5)], note=ISSUE),
    Case(nonlocal_counter, [(0,), (2,), (6,)], note=ISSUE + "; nonlocal write in a loop"),
    Case(nonlocal_accumulate_in_while, [(1.0,), (2.0,)], note=ISSUE),
    Case(make_adder_list, [(0,), (3,)], static_argnums=(0,), note=ISSUE),
    Case(partial_in_loop, [(F(2.0), 0), (F(2.0), 4)], note="functools.partial in a loop"),
    Case(apply_n_times, [(F(8.0), 0), (F(8.0), 3)], note="higher-order helper in a loop"),
    Case(compose_pipeline, [(0.3,), (-1.2,)], note="list of functions applied in order"),
    Case(closure_over_array_index, [(np.array([1.0, -2.0, 3.0], F),)], note=ISSUE),
    Case(callbacks_by_threshold, [(1.5,), (2.5,)], note=ISSUE + "; dict of lambdas, late binding"),
    Case(closure_sees_rebinding_in_loop, [(F(1.0), 0), (F(1.0), 4), (F(3.0), 5)], note=ISSUE),
    Case(closure_in_while_condition, [(F(1.0),), (F(20.0),)], note=ISSUE),
    Case(generator_expression_sum, [(np.array([1.0, 2.0], F),), (np.array([-1.0, 2.0], F),)],
         note="generator expression inside a traced branch"),
    Case(comprehension_over_range, [(0,), (5,)], static_argnums=(0,),
         note="list comprehension over a static range"),
    Case(lambda_default_captures_traced, [(0.5,), (2.5,)], note=ISSUE),
    Case(recursive_inner_function, [(1,), (5,)], static_argnums=(0,),
         note="recursive nested function on a static argument"),
    Case(closure_factory_in_loop, [(1.0,), (-1.0,)], note="closure factory called in a loop"),
    Case(sort_key_lambda, [([(0, 3.0), (1, 1.0), (2, 2.0)],)], note="sorted with a key lambda",
         jit_error="sorting a Python list by traced keys needs their concrete values"),
]
