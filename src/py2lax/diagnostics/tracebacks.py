"""Hide py2lax's own frames from the tracebacks users see, the way JAX hides its own.

JAX filters the frames of registered paths from exceptions that cross one of its API
boundaries (``jax.jit`` calls, ...). py2lax registers its package directory, and marks its
public entry points as boundaries too, so a traceback ends in the user's code: their
decorator line, or the line of their converted function that failed. Setting
``JAX_TRACEBACK_FILTERING=off`` shows every frame again.

This uses JAX's private ``traceback_util``; if it moves, tracebacks simply stay unfiltered.
"""

from __future__ import annotations

import os

try:
    from jax._src import traceback_util as _traceback_util
except ImportError:  # pragma: no cover - depends on the installed JAX
    _traceback_util = None

PACKAGE_DIRECTORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # py2lax/


def hide_package_frames() -> None:
    excluded = getattr(_traceback_util, "_exclude_paths", [])
    if hasattr(_traceback_util, "register_exclusion") and PACKAGE_DIRECTORY + os.sep not in excluded:
        _traceback_util.register_exclusion(PACKAGE_DIRECTORY + os.sep)


def api_boundary(function):
    """Mark a public entry point: exceptions leaving it lose py2lax's frames."""
    if _traceback_util is not None and hasattr(_traceback_util, "api_boundary"):
        return _traceback_util.api_boundary(function)
    return function
