"""A ``print`` of static text inside a traced branch or loop body prints where Python
prints it (the oracle): on the path that runs, once per iteration, not once at trace time."""

import jax
import jax.numpy as jnp

import py2lax


def branch(x):
    if x > 0:
        print("positive", 3)
    else:
        print("not positive {x}")
    return x


def halving(x):
    while x > 1.0:
        print("halve")
        x = x / 2
    return x


def _printed(function, x, capfd):
    capfd.readouterr()
    function(x)
    jax.effects_barrier()
    return capfd.readouterr().out


def test_static_print_in_traced_branch(capfd):
    compiled = py2lax.autograph_jit(branch)
    for x in (1.0, -1.0):
        assert _printed(compiled, jnp.float32(x), capfd) == _printed(branch, x, capfd)


def test_static_print_in_traced_loop(capfd):
    compiled = py2lax.autograph_jit(halving)
    assert _printed(compiled, jnp.float32(5.0), capfd) == _printed(halving, 5.0, capfd)
    assert _printed(compiled, jnp.float32(0.5), capfd) == ""
