"""``print`` and ``assert`` that act at run time when their values are traced.

Python meaning::

    def print_(template, *values, end="\\n"):
        print(template.format(*values), end=end)

    def assert_(condition, message=lambda: None):
        assert condition, message()

With a traced value, ``print_`` is ``jax.debug.print`` (it prints every time the
compiled code runs, so once per iteration inside a loop) and ``assert_`` installs a
``jax.debug.callback`` that raises ``AssertionError`` with the user's message, file and
line when the condition is false at run time (the error reaches the caller as a
``JaxRuntimeError`` carrying that message).
"""

from __future__ import annotations

import sys

import jax
import jax.numpy as jnp

from py2lax.backends.print_templates import debug_print_arguments
from py2lax.runtime.conversions import note_raised_when, where_python_runs
from py2lax.runtime.raised_values import LateValues
from py2lax.runtime.jax_compat import debug_print
from py2lax.runtime.effects import inside_a_traced_statement
from py2lax.runtime.values import is_traced


def print_(template: str, *values, end: str = "\n"):
    """``print(template.format(*values), end=end)``; ``jax.debug.print`` if a value is
    traced, or in a traced branch or loop body (which prints only where it runs).

    >>> print_("x = {:.2f}", 3.14159)
    x = 3.14
    >>> import jax
    >>> show = jax.jit(lambda x: print_("x = {}", x))
    >>> show(2.0); jax.effects_barrier()  # printed when the compiled code runs
    x = 2.0
    """
    if not any(is_traced(leaf) for v in values for leaf in jax.tree_util.tree_leaves(v)):
        if not inside_a_traced_statement():
            print(template.format(*values), end=end)  # (once per trace, as jax.jit does)
            return
        # Static values in a traced branch or loop body: Python prints only where and
        # as often as it runs; a trace-time `print` would print once, whichever branch
        # runs. The text is known: printed at run time.
        template, values = "{}", (template.format(*values),)
    # jax.debug.print always ends the line; any other `end` text is printed before it.
    extra = end[:-1] if end.endswith("\n") else end
    template = template + extra.replace("{", "{{").replace("}", "}}")
    template, values = debug_print_arguments(template, values)
    debug_print(template, *values)


def assert_(condition, message=None, values=None):
    """``assert condition, message()``; checked at run time if ``condition`` is traced.
    ``values``: a thunk of the values of the names ``message`` reads (``message(*values())``),
    so that the compiled program writes it from what they are when it fails.

    >>> assert_(1 < 0, lambda: "not positive")
    Traceback (most recent call last):
    ...
    AssertionError: not positive
    >>> import jax
    >>> def safe_sqrt(x):
    ...     assert_(x >= 0, lambda: "negative input")
    ...     return x ** 0.5
    >>> float(jax.jit(safe_sqrt)(4.0))
    2.0
    """
    location = _caller_location()
    if not is_traced(condition):
        if not condition:
            raise AssertionError(_message(message, values))
        return
    late = _late_values(message, values)
    text = _message(message, values) if late is None else None

    def check(ok, *concrete):
        if not bool(ok):  # Python's error, as Python words it, then where it failed
            written = text if late is None else late.written(message, concrete)
            raise AssertionError(("" if written is None else str(written))
                                 + f"\n(raised at {location}, by a failed `assert`)")

    # failed only where Python runs this assert: under jax.vmap a cond on a batched
    # condition runs both branches, and a while_loop's body runs for finished elements
    failed = where_python_runs(jnp.logical_not(jnp.all(condition)))
    note_raised_when(failed)
    jax.debug.callback(check, jnp.logical_not(jnp.any(failed)),
                       *(late.tracers if late is not None else ()))


def _late_values(message, values):
    """The values of the names the message reads, where the compiled program can write it
    from them when it fails (every traced one is a value of the trace being built), else
    None: written now, while tracing."""
    if message is None or values is None:
        return None
    try:
        late = LateValues(values())
    except NameError:  # an unbound name: Python's error, raised writing it now
        return None
    except Exception:  # noqa: BLE001 - a value whose pytree cannot be flattened
        return None
    return late if late.complete else None


def _message(message, values):
    """The message Python writes (``message`` takes the values of the names it reads,
    given by ``values()``, where the decorator wrote it so)."""
    if message is None:
        return None
    return message(*values()) if values is not None else message()


def _caller_location() -> str:
    frame = sys._getframe(2)
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"
