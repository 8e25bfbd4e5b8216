"""Variables a statement kept as Python tests: the statements that set them stay Python.

A function that may end without ``return`` gives ``None`` there. The pipeline writes
that end as ``if not returned: return_value = None`` after the statements that may
return, and plain lax keeps it as Python's ``if`` (lax gives one type of value, never
``None`` or a value). Its test is Python's ``bool`` of ``returned``, so where a lax
statement set the flag (a ``lax.cond`` for ``if i >= 0: return x`` in ``for i in
range(3):``), the flag is traced and the output stops at that ``if`` with JAX's error,
where Python, and the runtime, return ``x``::

    for i in range(3):
        if i >= 0:
            return x + 1          # the function ends here, or falls off (None)

The flag is a Python value only if every statement that sets it is Python: an ``if``
whose test is Python when tracing (a static argument, a Python loop's index), and a
``for`` over a short static ``range`` unrolled as Python, each iteration run only while
the flag is false (the ``lax.while_loop``'s own condition)::

    for i in range(3):
        if not returned:
            if i >= 0:
                return_value = x + 1
                returned = True

So each ``if`` that sets such a variable stays Python, its test checked (a traced test is
JAX's error at the user's line, which the Python ``if`` that tests the flag would raise
anyway), and each such ``for`` over a ``range`` of at most ``UNROLL_LIMIT`` iterations runs
as Python (``Loops``). A loop lax must run still sets the flag as a traced value: the
``if`` that tests it stays the located error it was.

A second run reads the same: its ``if not returned: return_value = None`` is the user's
now, tests the same name, and keeps the same statements Python.

Outside such a loop, an ``if`` that sets the flag (or whose branch may give None) is
``_py2lax_python_or_lax_cond`` (``Conditionals``): Python's ``if`` on a Python test, so
the flag stays Python there too, and lax.cond on a traced one, whose branches are traced
with the values they hold. In py2lax's own ``if not returned:`` the flag is False, and
its branch says so first (``returned = False``): a short static loop there runs as
Python (``entered_unreturned``), as the runtime runs it, and the end after it is decided
when tracing::

    def if_true_14(return_value, c, returned):
        returned = False
        for i in range(3):
            if not returned:
                if i == 0:
                    return_value = y
                    returned = True
        ...
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.backends.plain_lax.python_form import UNROLL_LIMIT, static_count
from py2lax.transforms.records import Range

_PYTHON_ONLY_VALUES = (str, bytes, type(None))


def python_flags(backend) -> dict[str, object]:
    """The variables a top-level ``if`` kept as Python tests (``name``, ``not name``),
    each with that ``if``'s record: the ``if`` assigns ``None`` or a string to a name it
    carries, which only Python can (``python_form``'s reason for it). A variable a loop
    lax must run sets is not one (``traced_flags``)."""
    return _both(backend)[0]


def traced_flags(backend) -> dict[str, object]:
    """The variables of ``python_flags``'s kind that a loop lax must run sets (a ``while``,
    a ``for`` over a traced count or a long range): traced whatever the statements
    around it do, so those keep their lax form, and the ``if`` that tests the flag is
    split on a static test inside it where it can be (``Conditionals``). So is one
    whose ``if`` can be split so (``if m == 3: return y`` last): its branch that gives
    a value then takes a flag lax set (``if x > 0: return 1.0`` above it, ``x``
    traced), and only the one that gives None needs a Python flag."""
    return _both(backend)[1]


def _both(backend) -> tuple[dict, dict]:
    found = getattr(backend, "_python_flags", None)
    if found is None:
        flags = _flags(backend)
        traced = {name: record for name, record in flags.items()
                  if any(_lax_loop(loop, name, backend) for loop in backend.records.lowered)
                  or backend.conditionals.split_on_static_test(record) is not None}
        found = backend._python_flags = (
            {n: r for n, r in flags.items() if n not in traced}, traced)
    return found


def _lax_loop(record, name: str, backend) -> bool:
    """``record`` is a loop that sets ``name`` and that ``Loops`` does not unroll for it."""
    if record.kind == "if" or name not in record.carried:
        return False
    if record.kind != "for" or not isinstance(record.iteration, Range) or (
            record.break_flag not in (None, name)):
        return True
    count = static_count(record.iteration, backend)
    return count is None or count > UNROLL_LIMIT


def _flags(backend) -> dict[str, object]:
    top = {id(s) for s in backend.function.body}
    found: dict[str, object] = {}
    for record in backend.records.lowered:
        if record.kind != "if" or not (id(record.call) in top or id(
                record.partial_carry) in top or (
                    _return_flag(record, backend) is not None
                    and all(a.kind == "if" for a in ancestors(record, backend)))):
            continue
        name = tested_name(record.test, backend.records)
        if name is None or name in backend.facts.parameters:
            continue
        if _assigns_python_value(record):
            found.setdefault(name, record)
    return found


def tested_name(test, records) -> str | None:
    """``flag`` of a test ``flag`` or ``not flag`` (the runtime's ``py2lax.not_(flag)``)."""
    if isinstance(test, S.Name):
        return test.id
    if isinstance(test, S.UnaryOp) and isinstance(test.op, S.Not) and isinstance(
            test.operand, S.Name):
        return test.operand.id
    called = records.of_call(test) if isinstance(test, S.Call) else None
    operand = called.operands.get("operand") if called is not None and (
        called.helper == "not_") else None
    return operand.id if isinstance(operand, S.Name) else None


def _assigns_python_value(record) -> bool:
    """A branch (or a statement inside one) assigns ``None`` or a string to a name the
    ``if`` carries out."""
    return assigns_python_value(record.definitions, record.carried)


def assigns_python_value(statements, carried) -> bool:
    """``statements`` (or one inside them) assign ``None`` or a string to a name of
    ``carried``."""
    carried = set(carried)
    for node in (n for d in statements for n in S.walk(d)):
        if (isinstance(node, S.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], S.Name) and node.targets[0].id in carried
                and isinstance(node.value, S.Constant)
                and isinstance(node.value.value, _PYTHON_ONLY_VALUES)):
            return True
    return False


def sets_python_flag(record, backend) -> str | None:
    """Why ``record``'s statement stays Python: it sets a variable a Python ``if`` tests
    (``python_flags``), which must then be a Python value."""
    for name in record.carried:
        tester = python_flags(backend).get(name)
        if tester is None or tester is record or record in ancestors(tester, backend):
            continue  # (an `if` around the test: its branch's own statements set the flag)
        if name == _return_flag(tester, backend):
            if backend.result_may_be_none:
                continue  # (the end tests the flag when tracing: `_value_or_none`)
            return ("it may return, and the function may also end without `return` "
                    f"(None, at line {tester.line}), which only Python can tell apart")
        return (f"it sets `{name}`, which the `if` at line {tester.line} tests as Python "
                "(it gives None or a string)")
    return None


def _return_flag(record, backend) -> str | None:
    """The pipeline's flag of a ``return`` taken, when ``record`` is the ``if`` it wrote
    for the function's end (``if not returned: return_value = None``)."""
    if record.written_by_user or record.result is None:
        return None
    return tested_name(record.test, backend.records)


def ancestors(record, backend) -> list:
    """The lowered statements ``record``'s statement is inside (in a branch or body), as
    the pipeline wrote them (``record_ancestry``)."""
    return backend.ancestry.get(id(record), [])


def record_ancestry(records) -> dict[int, list]:
    """``id(record) -> the records whose branches or body hold its statement``, read
    before the emitter rewrites any (a branch it wrote holds other statements)."""
    found: dict[int, list] = {}
    for other in records:
        inside = {id(node) for d in other.definitions for node in S.walk(d)}
        for record in records:
            if record is not other and id(record.call) in inside:
                found.setdefault(id(record), []).append(other)
    return found


def function_end_nones(backend) -> dict[int, object]:
    """The ids of the ``return_value = None`` the pipeline wrote for the function's end
    (``if not returned: return_value = None``). Nested in a branch lax runs, the test
    runs when tracing: where the branch's own statements returned, the flag is Python's
    True and no None is assigned, so it keeps no statement around it Python; where it
    is Python's False, the branch gives None, which ``_py2lax_python_or_lax_cond``
    refuses at the user's line where the test around it is traced (``Conditionals``).
    Each with the record of its ``if``."""
    found = {}
    for record in backend.records.lowered:
        if record.kind != "if" or _return_flag(record, backend) is None:
            continue
        branch = record.definitions[0] if record.definitions else None
        for node in branch.body if branch is not None else []:  # (its own, not an inner if's)
            if (isinstance(node, S.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], S.Name)
                    and node.targets[0].id == record.result
                    and isinstance(node.value, S.Constant) and node.value.value is None):
                found[id(node)] = record
    return found


def python_flags_read_inside(record, backend) -> list[str]:
    """The Python flags (``python_flags``) that ``record``'s lax.cond takes but does not
    give back, whose test is inside one of its branches (``if not returned: return_value
    = None`` at the end of its ``else``): given to the branch as the Python value it has
    (the enclosing function's), not as an operand, which lax would trace, so that the
    test is decided when tracing, as Python decides it."""
    flags = python_flags(backend)
    return [name for name in record.inputs if name not in record.carried and name in flags
            and record in ancestors(flags[name], backend)]


def tested_return_flags(backend) -> set[str]:
    """The flags of a ``return`` taken that the function's end tests (``if not
    returned: return_value = None``, ``function_end_nones``)."""
    return {tested_name(r.test, backend.records)
            for r in backend.function_end_nones.values()} - {None}


def entered_unreturned(record, flag: str, backend) -> bool:
    """``record``'s statement is in the true branch of py2lax's own ``if not flag:``,
    and no statement before it there sets ``flag``: it starts with the flag False, which
    that branch writes as a Python bool (``Conditionals``) whatever the test was."""
    for other in ancestors(record, backend):
        if other.kind != "if" or other.written_by_user or isinstance(
                other.test, S.Name) or tested_name(other.test, backend.records) != flag:
            continue
        branch = next((d for d in other.definitions if isinstance(d, S.FunctionDef)), None)
        body = branch.body if branch is not None else []
        position = next((i for i, s in enumerate(body) if s is record.call), None)
        if position is not None:
            return not any(flag in _assigned(s) for s in body[:position])
    return False


def _assigned(statement) -> set[str]:
    """The names ``statement`` binds in the branch: not a ``def``'s own locals, but the
    ``nonlocal`` names it binds."""
    if isinstance(statement, (S.FunctionDef, S.AsyncFunctionDef, S.Lambda)):
        return {name for n in S.walk(statement) if isinstance(n, S.Nonlocal)
                for name in n.names}
    if isinstance(statement, S.Name):
        return set() if isinstance(statement.ctx, S.Load) else {statement.id}
    return {name for child in S.iter_child_nodes(statement) for name in _assigned(child)}
