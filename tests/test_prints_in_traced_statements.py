"""A ``print`` of static values inside a traced branch or loop body prints at run time,
where and as often as Python would: at trace time it printed once per branch traced,
whichever branch the values choose (``big 2`` below, where Python never prints it).
A ``print`` outside traced statements keeps ``jax.jit``'s meaning: once per trace.
"""

import jax
import jax.numpy as jnp

import py2lax


def report(x):
    for i in range(3):
        if x > i:
            print("big", i)
    return x


def count_down(n):
    while n > 0:
        print("tick")
        n = n - 1
    return n


def greet(x):
    print("tracing")
    return x + 1.0


def test_static_print_in_a_traced_branch_prints_where_it_runs(capsys):
    jax.jit(py2lax.convert(report))(jnp.float32(1.5))
    jax.effects_barrier()
    assert capsys.readouterr().out == "big 0\nbig 1\n"


def test_static_print_in_a_traced_loop_prints_every_iteration(capsys):
    compiled = jax.jit(py2lax.convert(count_down))
    compiled(jnp.int32(3))
    compiled(jnp.int32(2))
    jax.effects_barrier()
    assert capsys.readouterr().out == "tick\n" * 5


def test_print_outside_traced_statements_prints_once_per_trace(capsys):
    compiled = py2lax.autograph_jit(greet)
    compiled(1.0)
    compiled(2.0)
    assert capsys.readouterr().out == "tracing\n"


def test_on_python_values_it_is_python(capsys):
    py2lax.convert(report)(1.5)
    assert capsys.readouterr().out == "big 0\nbig 1\n"
