"""Variables defined on one path only, read from the lowering's records.

When a converted statement carries a variable that may have no value yet, the lowering
binds an ``Undefined`` marker right before it and its record says so
(``Lowered.unbound``). Under jit the runtime then raises ``UndefinedVariableError``:

* for an ``if`` whose condition is traced, when one branch assigns the variable and the
  other does not (``py2lax.runtime.conditionals``);
* for a loop that is traced, for every carried variable still undefined when the loop
  starts (``py2lax.runtime.loops``).

Reading the records, instead of re-deriving liveness and definedness, means the editor
reports exactly the variables the runtime would, with the runtime's words
(``py2lax.diagnostics.messages``).
"""

from __future__ import annotations

from typing import Callable

from py2lax.diagnostics import messages
from py2lax.analysis.definedness import names_read_unbound
from py2lax.analysis.names import bound_names
from py2lax.frontend import syntax as S
from py2lax.tools.lsp.model import ERROR, WARNING, Conversion, Finding, error_text
from py2lax.analysis.traced_values import CERTAIN
from py2lax.transforms.records import Lowered


def one_path_findings(records: list[Lowered], user_names: set[str],
                      conversion_at: Callable[[Lowered], Conversion | None]) -> list[Finding]:
    """Findings for the variables a traced ``if``/loop would carry without a value.

    ``conversion_at(record)`` gives the user's statement a record stands for (with how
    likely its condition is traced), or ``None``.
    """
    findings, in_loops = [], set()
    for record in records:
        conversion = conversion_at(record)
        if conversion is None or not conversion.level:
            continue
        for name, certain in record.unbound.items():
            if name not in user_names:
                continue
            text = _problem(record, name)
            if text is None:
                continue
            loop = record.kind != "if"
            if loop:
                in_loops.add(name)
            severe = certain and conversion.level >= CERTAIN
            findings.append((name, certain or loop, Finding(
                conversion.span, ERROR if severe else WARNING, error_text(*text),
                "UndefinedVariableError")))
    # A variable a traced loop carries undefined fails at the loop first; the `if`s inside
    # its body that may see it unset are then not worth a second report.
    return [finding for name, kept, finding in findings if kept or name not in in_loops]


def _problem(record: Lowered, name: str) -> messages.Message | None:
    if record.kind == "for" and not _read_before_assigned(record, name):
        return None  # the runtime gives it the last iteration's value (or raises if none ran)
    if record.kind != "if":
        return messages.first_assigned_in_loop(name, record.kind)
    true_body, false_body = record.branch_bodies()
    in_true, in_false = name in bound_names(true_body), name in bound_names(false_body)
    if in_true == in_false:
        return None
    return messages.one_sided(name, "true" if in_true else "false", "if")


def _read_before_assigned(record: Lowered, name: str) -> bool:
    """A ``for`` body may read ``name`` (or return it) before assigning it."""
    body = next((d for d in record.definitions if isinstance(d, S.FunctionDef)
                 and d.name == record.functions[0]), None)
    return body is None or name in names_read_unbound(body, frozenset({name}))
