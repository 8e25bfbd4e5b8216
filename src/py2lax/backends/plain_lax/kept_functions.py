"""The broad ``except`` clauses of a function ``--standalone`` leaves as Python.

A function the command cannot write in plain jax is left as the user wrote it, with a
comment saying why. Traced by ``jax.jit``, its ``if``/``while``/``for`` over a traced
value raises JAX's own error (``TracerBoolConversionError``), which is loud, unless an
``except Exception:`` (``except:``, ``except TypeError:``...) of the user's around it
takes that error for one Python raised: the handler's answer is then returned where
Python gives another, a silent wrong answer (``try: for x in v: if x < 0: raise ...``
``except Exception: return -1.0``). The converted functions' handlers get a first
statement that raises JAX's errors again (``expressions._guard``); a function left as
Python gets a call that does the same, inserted as a row of its own::

    except Exception:
        _py2lax_jax_errors_through()
        return -1.0

It reads the exception being handled through ``sys.exc_info()``, neither naming it nor
raising it with a bare ``raise``: so a second run still reads the handler as one that
runs without the exception (its ``raise`` becomes a jump to it, as on the first run), is
left as Python for the same reason, finds the call and adds nothing.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.backends.printing.edits import Edit
from py2lax.analysis.static_values import is_jax_error_guard
from py2lax.backends.plain_lax.expressions import _CATCHING_TRACER_ERRORS, _names_any
from py2lax.backends.plain_lax.shared_definitions import PREFIX

THROUGH = PREFIX + "jax_errors_through"
_CONTROL_FLOW = (S.If, S.While, S.For, S.IfExp, S.Assert)


def guard_edits(function, lines: list[str]) -> list[Edit]:
    """The edits that put ``_py2lax_jax_errors_through()`` first in each handler of
    ``function`` (as written, ``lines`` the module's rows) that catches JAX's tracer
    errors around a test that may be traced. A handler whose first statement shares the
    ``except`` row (``except Exception: return -1.0``) is left as it is."""
    edits = []
    for node in S.walk(function):
        if not isinstance(node, (S.Try, S.TryStar)) or not any(
                isinstance(n, _CONTROL_FLOW) for s in node.body for n in S.walk(s)):
            continue
        for handler in node.handlers:
            edit = _handler_edit(handler, lines)
            edits += [edit] if edit is not None else []
    return edits


def _handler_edit(handler, lines: list[str]) -> Edit | None:
    """The edit for one handler (``guard_edits``), ``None`` where it needs none."""
    catches = handler.type is None or _names_any(handler.type, _CATCHING_TRACER_ERRORS)
    body = handler.body
    reraises = isinstance(body[-1], S.Raise) and body[-1].exc is None
    if not catches or reraises or is_jax_error_guard(body[0]) or _is_through(body[0]):
        return None
    first = body[0]
    row = lines[first.lineno - 1]
    if first.lineno == handler.lineno or row[:first.col_offset].strip():
        return None  # on the `except` row, or after another statement on its row
    return Edit(first.lineno, first.lineno - 1, f"{row[:first.col_offset]}{THROUGH}()\n",
                indented=True)


def _is_through(statement) -> bool:
    """``_py2lax_jax_errors_through()``, which a first run inserted."""
    return (isinstance(statement, S.Expr) and isinstance(statement.value, S.Call)
            and isinstance(statement.value.func, S.Name) and statement.value.func.id == THROUGH)
