"""Errors JAX raises while tracing that the user's own ``except`` or ``with`` caught.

``try: m = statistics.median([x, 1.0, 5.0]) except Exception: m = 0.0`` runs the ``try``
body in Python (the oracle) and the handler never. Under jit, ``x`` is a tracer: the
library raises JAX's ``ConcretizationTypeError`` and the handler runs instead, a path
Python never takes, so the result is silently different. The same happens with
``contextlib.suppress(Exception)`` or any ``with`` whose manager swallows the error.

Such an error is never an error of the program, so catching it cannot mean what Python
means. Nor is py2lax's own refusal (a ``CarryTypeError`` for a string a traced ``if``
chooses): a broad ``except Exception`` that swallows it would return its fallback
silently, so it is raised again when the function returns (except the read of a variable
the path taken never assigned: that is Python's own UnboundLocalError, a NameError the
user's handler may mean to catch). While a converted function runs, the JAX errors about tracers that get created
are noted; when the function returns normally, one that was caught in the user's file
(the first frame of its traceback is where it was caught) is raised again as a located
py2lax error naming both lines. Errors that py2lax's runtime or JAX catch themselves
(to choose between Python and lax) are caught in their own files and pass unnoticed.
"""

from __future__ import annotations

import ast
import functools
import threading

import jax

from py2lax.diagnostics.errors import Location, Py2laxError, TracedValueError
from py2lax.diagnostics.messages import names_in
from py2lax.runtime.calls import is_user_file

# JAX's errors about a tracer reaching Python that needs a concrete value.
_TRACER_ERRORS = ("ConcretizationTypeError", "TracerBoolConversionError",
                  "TracerIntegerConversionError", "TracerArrayConversionError",
                  "NonConcreteBooleanIndexError")


class _Noted(threading.local):
    def __init__(self):
        self.depth = 0  # converted functions running
        self.created: list[BaseException] = []


_NOTED = _Noted()


def _noting(initializer):
    @functools.wraps(initializer)
    def __init__(self, *args, **kwargs):
        initializer(self, *args, **kwargs)
        if _NOTED.depth and not any(e is self for e in _NOTED.created):
            _NOTED.created.append(self)

    __init__.__py2lax_noting__ = True
    return __init__


def _note_tracer_errors() -> None:
    """Wrap the ``__init__`` each of JAX's tracer errors and py2lax's own errors
    defines (once)."""
    classes = [getattr(jax.errors, name, None) for name in _TRACER_ERRORS]
    for error_class in classes + _py2lax_error_classes():
        initializer = error_class.__dict__.get("__init__") if error_class else None
        if initializer is not None and not getattr(initializer, "__py2lax_noting__", False):
            error_class.__init__ = _noting(initializer)


def _py2lax_error_classes() -> list[type]:
    found, pending = [], [Py2laxError]
    while pending:
        error_class = pending.pop()
        found.append(error_class)
        pending += error_class.__subclasses__()
    return found


class caught_tracer_errors_refused:
    """Around running a converted function (see the module docstring)."""

    def __enter__(self):
        _note_tracer_errors()
        _NOTED.depth += 1
        self.mark = len(_NOTED.created)
        return self

    def __exit__(self, kind, error, _traceback):
        _NOTED.depth -= 1
        if kind is not None:
            # what this function raised (a helper's refusal) may reach a caller's
            # `except Exception`: the caller, converted too, checks what stays noted
            if not _NOTED.depth:
                del _NOTED.created[self.mark:]
            return False
        created = _NOTED.created[self.mark:]
        del _NOTED.created[self.mark:]
        for noted in created:
            catcher = noted.__traceback__
            if catcher is not None and is_user_file(catcher.tb_frame.f_code.co_filename):
                if getattr(noted, "unbound_read", False):
                    continue  # a read of a variable the path taken never assigned: Python's
                    # own UnboundLocalError (a NameError), which the user's handler catches
                if isinstance(noted, Py2laxError):
                    # py2lax's own refusal, which the user's `except Exception` (or a
                    # `contextlib.suppress`) swallowed while tracing: it stands
                    raise noted.with_traceback(None)
                raise _caught_error(noted, catcher)
        return False


def _names_on(line: str) -> tuple[str, ...]:
    try:
        return names_in(ast.parse(line.rstrip(":")))
    except SyntaxError:
        return ()


def _caught_error(noted: BaseException, catcher) -> TracedValueError:
    """The located error: where JAX raised, and where the user's code caught it."""
    raised = catcher
    while raised.tb_next is not None and is_user_file(
            raised.tb_next.tb_frame.f_code.co_filename):
        raised = raised.tb_next
    location = Location(raised.tb_frame.f_code.co_filename, raised.tb_lineno)
    caught = Location(catcher.tb_frame.f_code.co_filename, catcher.tb_lineno)
    kind = type(noted).__name__
    return TracedValueError(
        f"`{location.source_line}` needs a concrete value, but a traced value reaches it "
        f"(JAX's {kind}); the `try`/`with` around line {caught.line} caught that error and "
        "went on, a path Python, with concrete values, does not take",
        location=location, names=_names_on(location.source_line),
        rule="JAX raises this error while tracing, not because the program fails: catching "
        "it (`except Exception`, `contextlib.suppress`) would compute something else than "
        "Python does.",
        fix="compute the value with jax.numpy (`jnp.median` for `statistics.median`, "
        "`jnp.asarray` for `np.asarray`) so that nothing is raised, catch only the error "
        "Python would raise there, or make the value static with `static_argnames=`.",
    )
