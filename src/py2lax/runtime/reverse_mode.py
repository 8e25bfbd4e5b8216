"""A located error when reverse-mode differentiation meets a traced-trip-count loop.

``jax.grad`` cannot go through ``lax.while_loop``; JAX says so while transposing the
program, long after py2lax ran, in words about ``lax`` (``try lax.scan``). py2lax wraps
that one rule: when the loop that failed is one of the user's converted loops (its
source line is known), the error becomes a :class:`~py2lax.diagnostics.errors.ConversionError` at the
user's loop that says how to bound it with ``py2lax.loop_options(max_iterations=N)``.
JAX's own error stays attached as the cause.

This reaches into JAX's private transpose-rule table; if that moves, JAX's message is
shown unchanged.
"""

from __future__ import annotations

from py2lax.diagnostics.errors import ConversionError, Location
from py2lax.runtime.calls import is_user_file
from py2lax.diagnostics.statements import loop_at

try:
    from jax._src import source_info_util
    from jax._src.interpreters import ad
    from jax._src.lax.control_flow.loops import while_p
except ImportError:  # pragma: no cover - depends on the installed JAX
    ad = None

_INSTALLED = False

# (filename, line) -> the most iterations a loop there can run, for a loop over a static
# range that only a traced `break` makes a while_loop: its error can name the bound.
_KNOWN_BOUNDS: dict[tuple[str, int], int] = {}


def note_known_bound(info, iterations: int) -> None:
    """The loop ``info`` runs at most ``iterations`` times (a static range with a
    traced ``break``), lowered as a while_loop so that it stops early."""
    _KNOWN_BOUNDS[(info.filename, info.line)] = iterations


def install() -> None:
    """Wrap ``while_loop``'s transpose rule once (idempotent)."""
    global _INSTALLED
    if _INSTALLED or ad is None or while_p not in ad.primitive_transposes:
        return
    original = ad.primitive_transposes[while_p]

    def transpose(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except ValueError as error:
            located = _located(error)
            if located is None:
                raise
            raise located from error

    ad.primitive_transposes[while_p] = transpose
    _INSTALLED = True


def _located(error: ValueError) -> ConversionError | None:
    traceback = source_info_util.current().traceback
    frames = traceback.frames if traceback is not None else []
    for frame in frames:  # innermost first
        if is_user_file(frame.file_name):
            info = loop_at(frame.file_name, frame.line_num)
            if info is None:
                return None
            bound = _KNOWN_BOUNDS.get((frame.file_name, frame.line_num))
            return ConversionError(
                f"jax.grad (reverse mode) cannot differentiate through this `{info.kind}` loop: "
                + ("it stops at a `break` whose condition is traced, so it runs as "
                   "lax.while_loop" if bound is not None else
                   "its number of iterations is traced, so it runs as lax.while_loop"),
                location=Location(frame.file_name, frame.line_num),
                rule="reverse-mode differentiation needs every iteration's values, which a "
                "while_loop of unknown length does not keep; a loop with a known maximum length "
                "can be run as a masked lax.scan, which keeps them.",
                fix="state a bound as the first statement of the loop body: "
                f"`py2lax.loop_options(max_iterations={bound if bound is not None else 'N'})` "
                "(py2lax then compiles the loop as that many masked scan steps)"
                + (", or differentiate inside the compiled function "
                   "(`jax.jit(jax.grad(py2lax.convert(f)))`: py2lax then sees the derivative "
                   "and bounds the loop by its range itself)" if bound is not None else "")
                + "; forward mode (jax.jvp, jax.jacfwd) works without it.",
            )
    return None
