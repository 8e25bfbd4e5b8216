"""``raise ValueError()`` (a call) passes an inner ``try`` whose handlers are Python's
other classes, to the outer ``try`` that catches it.

82c5d61 let ``raise ValueError`` through an inner ``try/except KeyError`` by the class
names; the same raise written as a call, ``raise ValueError()``, was sent to the inner
``try``'s run-time dispatch (Python's ``issubclass`` choosing the handler), which found
no handler and kept the raise there, so the outer handler was out of reach and the
traced ``if`` was refused ("inside a `try` block that catches exceptions"). Where the
names tell, they decide, whichever way the raise is written.

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")


def outer_handler_after_inner_keyerror(v):
    s = 0.0
    for x in v:
        try:
            try:
                if x > 5:
                    raise ValueError("too big")
                s += x
            except KeyError:
                s += 100.0
            finally:
                s += 0.25
        except ValueError:
            s -= 5.0
    return s


def through_two_inner_blocks(x):
    log = 0
    try:
        try:
            try:
                if x > 0:
                    raise OverflowError()
                log = 1
            except (KeyError, IndexError):
                log = 2
        except ZeroDivisionError:  # OverflowError's sibling, not its base
            log = 3
    except ArithmeticError:
        log = log + 100
    return log


@pytest.mark.parametrize("v", [[1.0, 9.0, 2.0], [1.0, 2.0]])
def test_a_call_raise_reaches_the_outer_handler_in_a_traced_loop(v):
    expected = outer_handler_after_inner_keyerror(np.array(v, np.float32))
    got = py2lax.autograph_jit(outer_handler_after_inner_keyerror)(jnp.array(v, jnp.float32))
    np.testing.assert_allclose(got, expected)


@pytest.mark.parametrize("x", [1.0, -1.0])
def test_a_call_raise_passes_two_inner_trys_to_a_base_class_handler(x):
    got = py2lax.autograph_jit(through_two_inner_blocks)(jnp.float32(x))
    assert int(got) == through_two_inner_blocks(x)


class AppError(Exception):
    pass


class BadInput(AppError):
    pass


def users_class_through_an_inner_try(v):
    s = 0.0
    for x in v:
        try:
            try:
                if x < 0:
                    raise BadInput("negative")
                s += x
            except KeyError:  # Python's class: issubclass(BadInput, KeyError) is False
                s += 100.0
            finally:
                s += 0.5
        except AppError:
            s -= 1.0
    return s


def users_class_caught_by_the_inner_try_when_it_matches(v):
    s = 0.0
    for x in v:
        try:
            try:
                if x < 0:
                    raise BadInput("negative")
                s += x
            except AppError:  # catches it: the outer handler never runs
                s += 100.0
        except BadInput:
            s -= 1.0
    return s


@pytest.mark.parametrize("function", [users_class_through_an_inner_try,
                                      users_class_caught_by_the_inner_try_when_it_matches])
@pytest.mark.parametrize("v", [[1.0, -1.0, 2.0], [1.0, 2.0]])
def test_a_users_class_goes_on_to_the_outer_try_when_no_inner_handler_matches(function, v):
    """The inner ``try``'s handlers are chosen by ``issubclass`` while the function runs;
    when none matches, the jump now goes on to the outer ``try`` (its handler by the names
    or by ``issubclass`` again) instead of staying a raise under the traced ``if``."""
    expected = function(np.array(v, np.float32))
    got = py2lax.autograph_jit(function)(jnp.array(v, jnp.float32))
    np.testing.assert_allclose(got, expected)
    assert py2lax.convert(function)(np.array(v)) == function(np.array(v))
