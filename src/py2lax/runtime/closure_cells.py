"""Whether a ``nonlocal`` variable a traced statement writes lives inside the trace.

A nested helper's traced ``if`` or loop that assigns a ``nonlocal`` name stores a traced
value in the enclosing function's cell (Python's meaning: the cell is written). That is
sound when the function owning the cell is itself being traced by the same compiled
program, through py2lax's own statements only: its frame ends inside the trace, and
every py2lax statement between it and the helper carries the name (calling a helper that
writes a ``nonlocal`` counts as assigning it, ``transforms/carried.SharedNames``). A cell
owned outside (a ``jax.jit`` of a closure, a user's own ``lax.scan`` body) would keep a
tracer after the trace: refused, as a ``global`` is.
"""

from __future__ import annotations

import os
import sys

from py2lax.runtime.calls import is_package_file

_EMPTY = object()
_RUNTIME = os.sep + os.path.join("py2lax", "runtime") + os.sep
_JAX = (os.sep + "jax" + os.sep, os.sep + "jaxlib" + os.sep)


def owned_inside_the_trace(name: str, functions) -> bool:
    """Whether ``name``, a free variable of one of ``functions`` (the statement's
    branches or body), is a cell of a frame that this trace runs, reached from here
    through the user's code, py2lax's runtime and the lax primitives it called."""
    cell = _cell(name, functions)
    if cell is None:
        return False  # a global
    try:
        contents = cell.cell_contents
    except ValueError:
        contents = _EMPTY
    frame, in_jax = sys._getframe(1), False
    while frame is not None:
        filename = frame.f_code.co_filename
        if any(part in filename for part in _JAX):
            in_jax = True
        elif in_jax:
            # past a lax primitive's frames: only py2lax's own lax calls carry the name
            if not (_RUNTIME in filename and is_package_file(filename)):
                return False
            in_jax = False
        if name in frame.f_code.co_cellvars and frame.f_locals.get(name, _EMPTY) is contents:
            return True
        frame = frame.f_back
    return False


def _cell(name: str, functions):
    for function in functions:
        for _ in range(8):  # (a wrapper the runtime made: the generated function inside)
            if function is None:
                break
            code = getattr(function, "__code__", None)
            closure = getattr(function, "__closure__", None)
            if code is not None and closure and name in code.co_freevars:
                return closure[code.co_freevars.index(name)]
            function = getattr(function, "__wrapped__", None)
    return None
