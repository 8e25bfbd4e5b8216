"""Text made from a traced value: ``s = f"pos {x}"``, ``label = "x=" + str(x)``.

Python's string holds the value's digits; under ``jax.jit`` the value is a tracer, and
its text is ``JitTracer(float32[])``, which would then be carried, compared, measured
(``len(s)``) or returned as if it were Python's. The conversion routes the values such
assignments and returns format through :func:`formatted` (``transforms/formatted_values``),
which refuses a traced one at the user's line. (``print`` of a traced value prints it
when the program runs: ``runtime/io``. A ``raise``'s or a log call's message is left as
it is: its text is only read by a person.)

Python meaning: ``formatted(v) is v``.
"""

from __future__ import annotations

from py2lax.diagnostics.errors import TracedValueError
from py2lax.runtime.values import is_traced


def formatted(value):
    """``value``, about to be turned into text; refused when it holds a traced value.

    >>> formatted(1.5)
    1.5
    """
    if _holds_tracer(value):
        from py2lax.runtime.conversions import user_location
        raise TracedValueError(
            "a string made from a traced value needs its digits, which are known only "
            "when the compiled program runs",
            location=user_location(),
            rule="under jax.jit the value is a tracer: its text would be "
                 "'JitTracer(...)', not the number Python would write.",
            fix="keep the number and format it outside the jitted function (return it), "
                "or show it with `print(...)`/`jax.debug.print(...)`, which print the value "
                "when the program runs.")
    return value


def _holds_tracer(value) -> bool:
    """A tracer, or a list, tuple or dict holding one (a string or function a traced
    condition chose has its own rules: ``runtime/choices``)."""
    if is_traced(value):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds_tracer(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_tracer(item) for item in value.values())
    return False
