"""A helper's ``raise`` under a traced condition, caught by a converted caller's ``try``.

The compiled program raises when it runs, long after the caller's ``except`` ran (while
tracing): py2lax refuses at the helper's line and names the caller's ``try``
(runtime/caller_handlers.py). A ``try`` that would not catch the error, a ``finally``,
and a ``try`` in the user's own (unconverted) script change nothing.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


class Overdrawn(Exception):
    pass


def check(v):
    if v > 10:
        raise OverflowError("big")
    return v


def withdraw(balance, amount):
    if amount > balance:
        raise Overdrawn(amount)
    return balance - amount


def caught_by_class(x):
    try:
        r = check(x)
    except OverflowError:
        r = 10.0
    return r


def caught_by_a_tuple(x):
    try:
        r = check(x)
    except (KeyError, ArithmeticError):
        r = 10.0
    return r


def caught_as_user_class(balance, amount):
    try:
        return withdraw(balance, amount)
    except Overdrawn:
        return balance


def caught_by_bare_except(x):
    try:
        r = check(x)
    except:  # noqa: E722
        r = 10.0
    return r


def caught_in_a_loop(x, n):
    total = 0.0
    for _ in range(n):
        try:
            total = total + check(x)
        except Exception:
            total = total - 1.0
    return total


@pytest.mark.parametrize(("function", "args"), [
    (caught_by_class, (3.0,)),
    (caught_by_a_tuple, (3.0,)),
    (caught_as_user_class, (5.0, 3.0)),
    (caught_by_bare_except, (3.0,)),
    (caught_in_a_loop, (3.0, 2)),
])
def test_a_callers_try_that_catches_is_a_located_refusal(function, args):
    with pytest.raises(py2lax.ConversionError) as refused:
        py2lax.autograph_jit(function)(*args)
    message = str(refused.value)
    assert "test_caller_try.py" in message and "the `try` around the call at" in message
    assert py2lax.convert(function)(*args) == function(*args)  # Python values: Python


def not_caught(x):
    try:
        r = check(x)
    except KeyError:
        r = 10.0
    return r


def only_finally(x):
    try:
        r = check(x)
    finally:
        pass
    return r


@pytest.mark.parametrize("function", [not_caught, only_finally])
def test_a_try_that_lets_the_error_through_compiles(function):
    jitted = py2lax.autograph_jit(function)
    assert float(jitted(3.0)) == 3.0
    with pytest.raises(Exception, match="big"):
        jax.block_until_ready(jitted(30.0))


def test_the_users_own_script_may_catch_the_run_time_error():
    jitted = py2lax.autograph_jit(check)
    try:
        jax.block_until_ready(jitted(30.0))
    except Exception as error:  # noqa: BLE001 - JAX's runtime error carrying it
        assert "big" in str(error)
    else:
        raise AssertionError("the compiled program should have raised")


def step_until_raise(v):
    if v > 4:
        raise KeyError("big")
    return v * 2


def loop_ended_only_by_the_raise(x):
    n = 0
    while True:
        x = step_until_raise(x)
        n += 1
    return x, n


def test_a_python_loop_ended_only_by_a_traced_raise_is_refused_not_unrolled_forever(
        monkeypatch):
    from py2lax.runtime import raising_branches

    monkeypatch.setattr(raising_branches, "_DEFERRALS_LIMIT", 20)
    with pytest.raises(py2lax.ConversionError, match="unrolled forever") as refused:
        py2lax.autograph_jit(loop_ended_only_by_the_raise)(1.0)
    assert "test_caller_try.py" in str(refused.value)
    with pytest.raises(KeyError):  # Python: the raise ends the loop (and the call)
        loop_ended_only_by_the_raise(1.0)


def label_length(x):
    try:
        if x > 0:
            label = "pos"
        else:
            label = "negative"
        r = len(label)
    except Exception:  # would swallow py2lax's refusal while tracing
        r = -1
    return r


def appended_count(x):
    items = []
    try:
        if x > 0:
            items.append(x)
        n = len(items)
    except Exception:
        n = -1
    return n


def suppressed_label(x):
    import contextlib

    r = 0
    with contextlib.suppress(Exception):
        if x > 0:
            label = "pos"
        else:
            label = "negative"
        r = len(label)
    return r


def label_lookup(x):
    try:
        if x > 0:
            label = "pos"
        else:
            label = "negative"
        r = {label: 1}["pos"]  # a new dict's key needs one string: refused
    except Exception:  # would swallow py2lax's refusal while tracing
        r = -1
    return r


def suppressed_label_lookup(x):
    import contextlib

    r = 0
    with contextlib.suppress(Exception):
        if x > 0:
            label = "pos"
        else:
            label = "negative"
        r = {label: 1}["pos"]
    return r


def test_a_list_a_traced_if_resizes_inside_a_try_gives_its_length():
    """(Refused before masked lists: `len(items)` is a traced count now.)"""
    for x in (1.0, -1.0):
        assert int(py2lax.autograph_jit(appended_count)(x)) == appended_count(x)
        assert py2lax.convert(appended_count)(x) == appended_count(x)


@pytest.mark.parametrize("function", [label_lookup, suppressed_label_lookup])
def test_a_refusal_the_users_except_swallows_while_tracing_still_stands(function):
    with pytest.raises(py2lax.ConversionError) as refused:
        py2lax.autograph_jit(function)(1.0)
    assert "test_caller_try.py" in str(refused.value)
    assert py2lax.convert(function)(1.0) == function(1.0)  # Python values: Python


@pytest.mark.parametrize("function", [label_length, suppressed_label])
@pytest.mark.parametrize("x", [1.0, -1.0])
def test_a_string_a_traced_if_chose_converts_inside_a_try(function, x):
    """``len(label)`` of a string a traced ``if`` chose is traced (runtime/choices): no
    refusal for the user's ``except`` to swallow, and Python's answer."""
    assert int(py2lax.autograph_jit(function)(x)) == function(x)


def library_error_in_the_other_branch(x):
    import math

    try:
        if x > 0:
            v = x
        else:
            v = math.sqrt(-1.0)  # raises only if this branch runs
    except ValueError:
        v = -1.0
    return v


def unsafe_root(v):
    import math

    return math.sqrt(v - 100.0)


def library_error_in_a_helper_of_the_other_branch(x):
    try:
        if x > 0:
            r = x
        else:
            r = unsafe_root(0.0)
    except ValueError:
        r = 0.0
    return r


@pytest.mark.parametrize("function", [library_error_in_the_other_branch,
                                      library_error_in_a_helper_of_the_other_branch])
def test_an_error_tracing_raises_that_a_try_catches_is_a_located_refusal(function):
    with pytest.raises(py2lax.ConversionError, match="whatever the values are"):
        py2lax.autograph_jit(function)(2.0)
    assert py2lax.convert(function)(2.0) == function(2.0) == 2.0


class Window:
    def __init__(self):
        self.vals = np.zeros(3, dtype=np.float32)
        self.pos = 0

    def put(self, z):
        self.vals[self.pos % 3] = z
        self.pos += 1


def puts_in_a_window_inside_a_try(x):
    win = Window()
    try:
        for _ in range(2):
            if x > 0.5:
                win.put(x)  # a change the branch carries out (py2lax's own signal)
    except ZeroDivisionError:
        x = 0.0
    return win.vals.sum() + win.pos


@pytest.mark.parametrize("x", [1.0, 0.1])
def test_a_try_around_a_branch_that_changes_an_object_does_not_catch_py2laxs_signal(x):
    expected = puts_in_a_window_inside_a_try(np.float32(x))
    got = py2lax.autograph_jit(puts_in_a_window_inside_a_try)(jnp.float32(x))
    np.testing.assert_allclose(got, expected)


def raises_past_a_handler_for_another_class(x):
    try:
        if x > 0.5:
            raise ValueError("too big")
        r = x * 2
    except KeyError:  # does not catch ValueError: Python's raise leaves the function
        r = -1.0
    return r


def test_a_try_whose_handlers_do_not_match_lets_a_traced_raise_compile():
    run = py2lax.autograph_jit(raises_past_a_handler_for_another_class)
    np.testing.assert_allclose(run(jnp.float32(0.1)), raises_past_a_handler_for_another_class(0.1))
    with pytest.raises(Exception, match="too big"):  # raised when the compiled program runs
        jax.block_until_ready(run(jnp.float32(1.0)))
