"""JAX's concretization errors, restated as py2lax errors about the user's statement.

When traced code reaches Python that needs a concrete value (``int(x)``, ``x[x > 0]``,
``jnp.nonzero(x)``, ``WEIGHTS[i]``...), JAX raises an error about tracers. If the
failing line of the user's code shows one of the constructs py2lax knows, the error
becomes a :class:`~py2lax.diagnostics.errors.TracedValueError` or
:class:`~py2lax.diagnostics.errors.ValueDependentShapeError` naming the file, line, statement,
variables, the rule and the fix; JAX's own error stays attached as its cause. Other
JAX errors keep their type and get a note saying which statement was involved and why
py2lax left it as Python.
"""

from __future__ import annotations

import ast
import traceback

from py2lax.diagnostics.errors import Location
from py2lax.diagnostics.messages import (GENERIC_REASONS, list_index, python_conversion, traced_key,
                             traced_order, traced_shape, traced_slice, value_dependent_shape)
from py2lax.runtime.calls import is_user_file
from py2lax.diagnostics.statements import left_as_python_reason

_CONCRETIZATION = set(GENERIC_REASONS)  # the JAX errors about needing concrete values


def restate(error: Exception) -> Exception | None:
    """A py2lax error to raise instead of ``error``, or None (``error`` may get a note)."""
    kind = _kind(error)
    if kind is None:
        return None
    frame = _innermost_user_frame(error)
    if frame is None:
        return None
    location = Location(frame.filename, frame.lineno)
    expression = _parse(frame.line or "")
    if expression is not None:
        restated = (traced_slice(expression, location) if kind == "TracedSlice" else
                    traced_key(expression, location) if kind == "TracedKey" else
                    traced_shape(expression, location) if kind == "TracedShape" else
                    list_index(expression, location) if kind == "ListIndex" else
                    value_dependent_shape(expression, location)
                    or traced_order(expression, location, kind)
                    or python_conversion(expression, location, kind))
        if restated is not None:
            return restated
    if kind in GENERIC_REASONS:
        _add_note(error, frame)
    return None


def _kind(error: Exception) -> str | None:
    """Which of the errors py2lax explains ``error`` is, if any."""
    name = type(error).__name__
    if name in _CONCRETIZATION:
        return name
    message = str(error)
    if isinstance(error, IndexError) and "Slice entries must be static integers" in message:
        return "TracedSlice"  # `x[:k]` with a traced k
    if isinstance(error, TypeError) and message.startswith("unhashable type") and (
            "Tracer" in message):
        return "TracedKey"  # `seen.add(i)`, `d[i]` with a traced i
    if isinstance(error, TypeError) and "Shapes must be 1D sequences of concrete values" in (
            message):
        return "TracedShape"  # `np.zeros(n + 1)` with a traced n
    if isinstance(error, TypeError) and "non-tuple sequence for multidimensional indexing" in (
            message):
        return "ListIndex"  # `a[[k, p]]`
    return None


def _add_note(error, frame) -> None:
    why, fix = GENERIC_REASONS[type(error).__name__]
    why = _recorded_reason(error) or why
    note = (f"py2lax: raised at {frame.filename}:{frame.lineno}: `{(frame.line or '').strip()}`\n"
            f"py2lax left this as Python because {why}.\nFix: {fix}.")
    if note not in getattr(error, "__notes__", []):
        error.add_note(note)


def _parse(line: str):
    text = line.strip()
    header = text.rstrip(":")
    for keyword in ("if ", "elif ", "while ", "assert "):
        header = header.removeprefix(keyword)
    for candidate in (text, header, text.removeprefix("return ")):
        try:
            return ast.parse(candidate)
        except SyntaxError:
            continue
    return None


def _recorded_reason(error: Exception) -> str | None:
    """Why py2lax left the innermost frame it knows about as Python (a statement it kept,
    or a whole function: marked ``do_not_convert``, or with no readable source)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        reason = left_as_python_reason(frame.filename, frame.lineno)
        if reason is not None:
            return reason
    return None


def _innermost_user_frame(error: Exception):
    found = None
    for frame in traceback.extract_tb(error.__traceback__):
        if is_user_file(frame.filename):
            found = frame
    return found
