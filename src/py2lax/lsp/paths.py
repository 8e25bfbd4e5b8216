"""Variables defined on one path only, read from what the pipeline generated.

When a converted statement carries a variable that may have no value yet, the lowering
binds ``name = py2lax.Undefined('name')`` right before it (or
``locals().get('name', ...)`` when some earlier path may have assigned it). Under jit
the runtime then raises ``UndefinedVariableError``:

* for an ``if`` whose condition is traced, when one branch assigns the variable and the
  other does not (``py2lax.runtime.conditionals``);
* for a loop that is traced, for every carried variable still undefined when the loop
  starts (``py2lax.runtime.loops``).

Reading those markers from the pipeline's output, instead of re-deriving liveness and
definedness, means the editor reports exactly the variables the runtime would, with
the runtime's words (``py2lax.messages``).
"""

from __future__ import annotations

from typing import Callable, Iterator

from py2lax import messages
from py2lax import syntax as S
from py2lax.analysis.names import bound_names
from py2lax.lsp.model import ERROR, WARNING, Conversion, Finding, error_text
from py2lax.lsp.traced import CERTAIN

LOOPS = {"while_loop": "while", "fori_loop": "for", "for_each": "for"}
CALLS = {"cond", *LOOPS}


def runtime_call(statement, runtime: str) -> S.Call | None:
    """The ``py2lax.cond/while_loop/fori_loop/for_each(...)`` call a statement makes, if any."""
    value = getattr(statement, "value", None)
    if (isinstance(statement, (S.Assign, S.Expr)) and isinstance(value, S.Call)
            and isinstance(value.func, S.Attribute) and isinstance(value.func.value, S.Name)
            and value.func.value.id == runtime and value.func.attr in CALLS):
        return value
    return None


def statement_lists(node) -> Iterator[list]:
    """Every statement list in ``node``, generated helper functions included."""
    for _field, statements in S.statement_lists(node):
        yield statements
        for statement in statements:
            yield from statement_lists(statement)
    for part in getattr(node, "handlers", []) + getattr(node, "cases", []):
        yield part.body
        for statement in part.body:
            yield from statement_lists(statement)


def one_path_findings(converted: S.FunctionDef, runtime: str, user_names: set[str],
                      conversion_at: Callable[[int, str], Conversion | None]) -> list[Finding]:
    """Findings for the variables a traced ``if``/loop would carry without a value.

    ``conversion_at(line, call)`` gives the user's statement at a 1-based line that a
    runtime call (``"cond"``, ``"while_loop"``, ...) replaces, or ``None`` for code the
    pipeline generated itself.
    """
    findings, in_loops = [], set()
    for statements in statement_lists(converted):
        for index, statement in enumerate(statements):
            call = runtime_call(statement, runtime)
            if call is None:
                continue
            conversion = conversion_at(call.lineno, call.func.attr)
            if conversion is None or not conversion.level:
                continue
            guards = _guards(statements[:index], call.lineno, runtime)
            for name, certain in guards.items():
                if name not in user_names:
                    continue
                text = _problem(call, name, statements)
                if text is None:
                    continue
                loop = call.func.attr in LOOPS
                if loop:
                    in_loops.add(name)
                severe = certain and conversion.level >= CERTAIN
                findings.append((name, certain or loop, Finding(
                    conversion.span, ERROR if severe else WARNING, error_text(*text),
                    "UndefinedVariableError")))
    # A variable a traced loop carries undefined fails at the loop first; the `if`s inside
    # its body that may see it unset are then not worth a second report.
    return [finding for name, kept, finding in findings if kept or name not in in_loops]


def _problem(call: S.Call, name: str, statements: list) -> messages.Message | None:
    attribute = call.func.attr
    if attribute in LOOPS:
        return messages.first_assigned_in_loop(name, LOOPS[attribute])
    helpers = {s.name: s for s in statements if isinstance(s, S.FunctionDef)}
    branches = [helpers.get(getattr(a, "id", None)) for a in call.args[1:3]]
    if len(branches) != 2 or None in branches:
        return None
    in_true, in_false = (name in bound_names(branch.body) for branch in branches)
    if in_true == in_false:
        return None
    return messages.one_sided(name, "true" if in_true else "false", "if")


def _guards(before: list, line: int, runtime: str) -> dict[str, bool]:
    """Names bound to an ``Undefined`` marker just before the call: name -> certainly unset."""
    guards: dict[str, bool] = {}
    for statement in reversed(before):
        if statement.lineno != line:
            break
        if not (isinstance(statement, S.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], S.Name)):
            continue
        value, name = statement.value, statement.targets[0].id
        if _is_marker(value, runtime):
            guards[name] = True
        elif (isinstance(value, S.Call) and isinstance(value.func, S.Attribute)
              and value.func.attr == "get" and len(value.args) == 2
              and _is_marker(value.args[1], runtime)):
            guards[name] = False
    return guards


def _is_marker(node, runtime: str) -> bool:
    """``py2lax.Undefined('name')`` for a user variable (py2lax's own use ``fill=True``)."""
    return (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
            and node.func.attr == "Undefined" and isinstance(node.func.value, S.Name)
            and node.func.value.id == runtime and not node.keywords)


