"""A ``raise`` that a ``try`` of the same function catches is a jump to its handler.

``try: if v[i] < 0: raise ValueError("neg") ... except ValueError: s = s - 1.0`` is
how Python code reports a bad item and recovers; under ``jit`` the condition is traced,
so the raise used to be refused ("inside a `try` block that catches exceptions").
Python runs the first handler whose classes match, then the ``finally``; the
``else`` runs only when nothing was raised. py2lax now does the same with a flag,
also through ``with`` blocks whose managers neither suppress nor read the exception
(``nullcontext``, ``jax.named_scope``, ``np.errstate``).

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import contextlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")


def penalize_negatives(v):
    s = 0.0
    for i in range(v.shape[0]):
        try:
            if v[i] < 0:
                raise ValueError("neg")
            s = s + v[i]
        except ValueError:
            s = s - 1.0
    return s


def first_matching_handler_then_else_and_finally(v):
    s = 0.0
    fin = 0
    for x in v:
        try:
            if x < 0:
                raise ValueError("neg")
            if x > 5:
                raise KeyError("big")
            s = s + x
        except ValueError:
            s = s - 1.0
        except LookupError:  # KeyError is a LookupError: this handler runs for it
            s = s + 100.0
        else:
            s = s + 0.5
        finally:
            fin += 1
    return s, fin


def handler_returns(v):
    try:
        for x in v:
            if x < 0:
                raise ArithmeticError
        r = 1.0
    except Exception:
        return -1.0
    return r


def raise_leaves_a_while(x):
    try:
        while x < 100:
            x = x * 2
            if x > 50:
                raise RuntimeError("too big")
    except RuntimeError:
        x = -x
    return x


class Stop(Exception):
    pass


def own_exception_class_breaks(v):
    n = 0
    for x in v:
        try:
            if x > 2:
                raise Stop()
            n += 1
        except Stop:
            break
    return n


def handler_names_the_exception_unused(x):
    try:
        if x > 0:
            raise ValueError("positive")
    except ValueError as error:  # noqa: F841 (never read: the handler needs no object)
        return 1.0
    return 0.0


def raise_inside_a_with_that_only_scopes(x):
    try:
        with contextlib.nullcontext(), jax.named_scope("check"):
            if x < 0:
                raise ValueError("negative")
            y = x * 2
    except ValueError:
        y = 0.0
    return y


def raise_inside_errstate_ends_suppress(v):
    s = 0.0
    for x in v:
        with contextlib.suppress(ArithmeticError):
            with np.errstate(divide="ignore"):
                if x == 0:
                    raise ZeroDivisionError
                s = s + x * 2.0
    return s


def passes_an_inner_try_that_does_not_catch_it(x):
    log = 0
    try:
        try:
            if x > 0:
                raise ValueError
            log = 1
        except KeyError:
            log = 2
        else:
            log = log + 1000
        finally:
            log = log + 10
    except ValueError:
        log = log + 100
    return log


def try_inside_suppress_lets_the_other_class_through(v):
    s = 0.0
    for x in v:
        with contextlib.suppress(KeyError):
            try:
                if x < 0:
                    raise ValueError
                if x > 5:
                    raise KeyError
                s = s + x
            except ValueError:
                s = s - 1
            s = s + 0.1
    return s


class AppError(Exception):
    pass


class BadInput(AppError):
    pass


class errors:  # a namespace of exception classes, as a module would hold them
    App = AppError


def base_class_handler_catches_users_subclass(v):
    s = 0.0
    for x in v:
        try:
            if x < 0:
                raise BadInput("negative")
            s = s + x
        except KeyError:
            s = s + 100.0
        except (ValueError, errors.App):
            s = s - 1.0
    return s


CASES = [
    (penalize_negatives, [np.array([1.0, -2.0, 3.0]), np.array([1.0, 2.0])]),
    (first_matching_handler_then_else_and_finally, [np.array([1.0, -2.0, 7.0, 3.0])]),
    (handler_returns, [np.array([1.0, -2.0]), np.array([1.0, 2.0])]),
    (raise_leaves_a_while, [3.0, 60.0]),
    (own_exception_class_breaks, [np.array([1.0, 2.0, 3.0, 0.0]), np.array([0.0, 1.0])]),
    (handler_names_the_exception_unused, [1.0, -1.0]),
    (raise_inside_a_with_that_only_scopes, [1.0, -1.0]),
    (raise_inside_errstate_ends_suppress, [np.array([1.0, 0.0, 4.0])]),
    (passes_an_inner_try_that_does_not_catch_it, [1.0, -1.0]),
    (base_class_handler_catches_users_subclass, [np.array([1.0, -2.0, 3.0])]),
    (try_inside_suppress_lets_the_other_class_through, [np.array([1.0, -1.0, 7.0, 2.0])]),
]


def _same(python, got):
    python = python if isinstance(python, tuple) else (python,)
    got = got if isinstance(got, tuple) else (got,)
    assert len(python) == len(got)
    for p, g in zip(python, got):
        np.testing.assert_allclose(np.asarray(g), np.asarray(p), rtol=1e-5)


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


@pytest.mark.parametrize("function, inputs", CASES, ids=[f.__name__ for f, _ in CASES])
def test_jit_gives_pythons_answer(function, inputs):
    compiled = py2lax.autograph_jit(function)
    converted = py2lax.convert(function)
    for value in inputs:
        _same(function(_copy(value)), compiled(jnp.asarray(value)))
        assert converted(_copy(value)) == function(_copy(value))


MADE = []


class Counted(Exception):
    def __init__(self, value):
        MADE.append(value)
        super().__init__(value)


def own_exception_made_before_the_jump(values):
    caught = 0
    for x in values:
        try:
            if x < 0:
                raise Counted(x)
        except Counted:
            caught += 1
    return caught


def test_users_exception_is_still_made_on_python_values():
    """Its ``__init__`` may do more than store the arguments: Python runs it."""
    del MADE[:]
    python = own_exception_made_before_the_jump([1, -2, -3])
    made_by_python = list(MADE)
    del MADE[:]
    assert py2lax.convert(own_exception_made_before_the_jump)([1, -2, -3]) == python
    assert MADE == made_by_python == [-2, -3]


def logs_the_exception(x):
    import logging

    try:
        if x < 0:
            raise ValueError("negative")
        y = x
    except ValueError:
        logging.getLogger("finder10").exception("bad input")
        y = 0.0
    return y


def test_handler_reading_the_current_exception_keeps_pythons_raise(caplog):
    """``logger.exception`` reads the exception being handled: the handler must run as
    Python's, so the traced case stays a located refusal, and Python values log it."""
    with caplog.at_level("ERROR", logger="finder10"):
        assert py2lax.convert(logs_the_exception)(-1.0) == 0.0
    assert "ValueError: negative" in caplog.text
    with pytest.raises(py2lax.ConversionError, match="inside a `try` block"):
        py2lax.autograph_jit(logs_the_exception)(jnp.float32(-1.0))
