"""JAX's concretization errors, restated as py2lax errors about the user's statement.

When traced code reaches Python that needs a concrete value (``int(x)``, ``x[x > 0]``,
``jnp.nonzero(x)``, ``WEIGHTS[i]``...), JAX raises an error about tracers. If the
failing line of the user's code shows one of the constructs py2lax knows, the error
becomes a :class:`~py2lax.diagnostics.errors.TracedValueError` or
:class:`~py2lax.diagnostics.errors.ValueDependentShapeError` naming the file, line, statement,
variables, the rule and the fix; JAX's own error stays attached as its cause. Other
concretization errors raised at a line of the user's code are restated there too, as
py2lax errors that remain instances of JAX's class, saying why py2lax left the line as
Python (a ``do_not_convert`` helper, a library function, unreadable source). Without
a line of the user's code in the traceback, JAX's error passes through unchanged.
"""

from __future__ import annotations

import ast
import re
import traceback

from py2lax.diagnostics.errors import Location, TracedTruthValueError, TracedValueError
from py2lax.diagnostics.messages import (GENERIC_REASONS, list_index, python_conversion, traced_key,
                             traced_order, traced_shape, traced_slice, value_dependent_shape)
from py2lax.diagnostics.messages import names_in, numpy_element, traced_format, traced_recursion
from py2lax.diagnostics.messages import (boolean_arithmetic, flat_property, list_repeated,
                                         numpy_written_in_place, traced_static_argument)
from py2lax.runtime.calls import is_user_file
from py2lax.runtime.implicit_methods import unconverted_implicit_method
from py2lax.diagnostics.statements import left_as_python_reason

_CONCRETIZATION = set(GENERIC_REASONS)  # the JAX errors about needing concrete values
_REPEATED_SEQUENCE = re.compile(  # Python's error for `[0.0] * k`, `k * (1, 2)`
    r"unsupported operand type\(s\) for \*: ('(list|tuple)' and '\w*Tracer'"
    r"|'\w*Tracer' and '(list|tuple)')")


def restate(error: Exception) -> Exception | None:
    """A py2lax error to raise instead of ``error``, or None (``error`` stays as it is)."""
    kind = _kind(error)
    if kind is None:
        return None
    frame = _innermost_user_frame(error)
    if frame is None:
        return None
    location = Location(frame.filename, frame.lineno)
    expression = _parse(frame.line or "")
    if expression is not None:
        restated = _restated_at_line(expression, location, kind)
        if restated is not None:
            return restated
    if kind in GENERIC_REASONS:
        return _located(error, frame, location, expression)
    if kind == "TracedFormat":
        return traced_format(frame.line or "", location)
    if kind == "StringChoice":
        return _chosen_string_used(frame, location, expression)
    if kind == "TracedRecursion":
        return traced_recursion(frame.line or "", _recursing_function(error), location)
    return None


# The kinds whose message one function builds from the failing line
_BY_KIND = {"TracedSlice": traced_slice, "TracedKey": traced_key, "TracedShape": traced_shape,
            "ListIndex": list_index, "NumpyElement": numpy_element,
            "ListRepeat": list_repeated, "BooleanArithmetic": boolean_arithmetic,
            "FlatProperty": flat_property}


def _restated_at_line(expression, location: Location, kind: str) -> Exception | None:
    """The py2lax error for a construct of the failing line (``expression``) that py2lax
    knows as the cause of ``kind``; None when the line shows none of them."""
    if kind in _BY_KIND:
        return _BY_KIND[kind](expression, location)
    if kind == "TracerArrayConversionError":  # `np.copyto(G, x)` into a global
        written = numpy_written_in_place(expression, location)
        if written is not None:
            return written
    return (value_dependent_shape(expression, location)
            or traced_order(expression, location, kind)
            or python_conversion(expression, location, kind)
            or traced_static_argument(expression, location)
            or list_repeated(expression, location))


def _located(error: Exception, frame, location: Location, expression) -> Exception:
    """A JAX concretization error raised at the user's line, as a py2lax error located
    there that is still an instance of JAX's error class (code that catches
    ``jax.errors.TracerBoolConversionError`` keeps working)."""
    kind = type(error).__name__
    why, fix = GENERIC_REASONS[kind]
    implicit = unconverted_implicit_method(error.__traceback__)  # a property, __init__...
    if implicit is not None:
        why, fix = implicit
    else:
        why = _inside_library(error) or why
    why = _recorded_reason(error) or why
    base = TracedTruthValueError if kind == "TracerBoolConversionError" else TracedValueError
    located = _both(base, type(error))(
        f"`{(frame.line or '').strip()}` needs a concrete Python value, but a traced value "
        f"reaches it here (JAX's {kind})",
        location=location, names=names_in(expression) if expression is not None else (),
        rule=f"py2lax left this as Python because {why}.", fix=f"{fix}.")
    return located


def _chosen_string_used(frame, location: Location, expression) -> Exception:
    """Python's TypeError from a builtin (``"".join``, ``str.__add__``) that got a string a
    traced ``if`` chose: only the compiled program knows which string it is."""
    return TracedValueError(
        f"`{(frame.line or '').strip()}` needs Python strings, but one of them was chosen "
        "by a traced condition, so which string it is is known only when the compiled "
        "program runs",
        location=location, names=names_in(expression) if expression is not None else (),
        rule="a traced `if` compiles both branches; a string it chooses can be compared "
        "and used by string methods, but a builtin that needs the text itself cannot take it.",
        fix="make the condition static (`static_argnames=`), or compute a number in the "
        "compiled function and build the string from it outside.",
    )


def _inside_library(error: Exception) -> str | None:
    """Why, when the value reached Python inside a library the user's line called."""
    frames = traceback.extract_tb(error.__traceback__)
    users = [i for i, f in enumerate(frames) if is_user_file(f.filename)]
    for frame in frames[users[-1] + 1:] if users else []:
        path = frame.filename.replace("\\", "/")
        if "/jax/" in path or "/jaxlib/" in path or "/py2lax/" in path:
            continue
        module = path.rsplit("/", 1)[-1].removesuffix(".py")
        return (f"the traced value reached library code (`{module}.{frame.name}`), which "
                "py2lax does not convert, and which needs a concrete value there")
    return None


_BOTH: dict[tuple[type, type], type] = {}


def _both(ours: type, theirs: type) -> type:
    """``ours`` that is also a ``theirs``: the located error keeps JAX's error type."""
    if (ours, theirs) not in _BOTH:
        try:
            _BOTH[ours, theirs] = type(ours.__name__, (ours, theirs), {
                "__str__": Exception.__str__, "__module__": ours.__module__})
        except TypeError:  # layouts that cannot be combined: ours alone
            _BOTH[ours, theirs] = ours
    return _BOTH[ours, theirs]


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
    if isinstance(error, TypeError) and "must have __hash__ and __eq__" in message and (
            "Tracer" in message):
        return "TracedShape"  # `jnp.tile(x, k)`: a traced value as a static parameter
    if isinstance(error, TypeError) and _REPEATED_SEQUENCE.search(message):
        return "ListRepeat"  # `[0.0] * k` with a traced k
    if isinstance(error, TypeError) and "does not accept dtype bool" in message:
        return "BooleanArithmetic"  # `(x > 0) - (x < 0)`
    if isinstance(error, TypeError) and "non-tuple sequence for multidimensional indexing" in (
            message):
        return "ListIndex"  # `a[[k, p]]`
    if isinstance(error, TypeError) and message.startswith("unsupported format string passed "
                                                           "to") and "Tracer" in message:
        return "TracedFormat"  # `f"{x:.2f}"` with a traced x
    if isinstance(error, (ValueError, TypeError)) and _caused_by_tracer(error) and (
            "setting an array element with a sequence" in message
            or "argument must be a string or a real number" in message):
        return "NumpyElement"  # `BUF[i] = v` with a traced v and a NumPy BUF
    if isinstance(error, TypeError) and "StringChoice" in message:
        return "StringChoice"  # `"".join(parts)` with a string a traced `if` chose
    if isinstance(error, NotImplementedError) and "arr.flat property" in message:
        return "FlatProperty"  # `a.flat[3] = x` after a traced write made `a` a JAX array
    if isinstance(error, RecursionError) and _through_traced_conditions(error):
        return "TracedRecursion"  # `return 1 if k <= 1 else k * fact(k - 1)`, k traced
    return None


def _caused_by_tracer(error: BaseException) -> bool:
    """Whether JAX refused to give NumPy a concrete value on the way to ``error``."""
    cause = error.__cause__ or error.__context__
    return cause is not None and type(cause).__name__ in _CONCRETIZATION


def _recursing_function(error: BaseException) -> str:
    """The user's function that appears most often in the traceback: the one recursing."""
    names = [f.name for f in traceback.extract_tb(error.__traceback__, limit=400)
             if is_user_file(f.filename) and f.name.isidentifier()]
    return max(set(names), key=names.count) if names else "the function"


def _through_traced_conditions(error: BaseException) -> bool:
    """The recursion went through py2lax's traced conditionals, which trace both sides."""
    return any(frame.filename.endswith(("runtime/conditionals.py", "runtime/logical.py"))
               for frame in traceback.extract_tb(error.__traceback__, limit=200))


def _parse(line: str):
    text = line.strip()
    header = text.rstrip(":")
    for keyword in ("if ", "elif ", "while ", "assert "):
        header = header.removeprefix(keyword)
    # (`for v in a[lo:hi]:`, `with ...:`: a header parses with a body added)
    block = text + " pass" if text.endswith(":") else text
    for candidate in (text, header, text.removeprefix("return "), block):
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
