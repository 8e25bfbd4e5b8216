"""NormalizeExits: ``return``, ``break`` and ``continue`` become flags and guarded blocks.

A branch or loop body becomes a nested function, which cannot ``return`` from the
user's function or ``break`` out of the user's loop. This pass removes every such jump
once, before lowering, so the lowering passes only see these shapes:

* ``return v`` (when the function has a ``return`` nested in an ``if`` or a loop)
  becomes ``return_value = v`` plus ``returned = True``; the function ends with a single
  ``return return_value``.
* ``break`` in loop N becomes ``broke_N = True``; a ``return`` inside loops also sets
  the flag of every enclosing loop (a loop that only a ``return`` leaves uses
  ``returned`` as its flag). A ``while`` loop's condition gains
  ``not broke_N``; a ``for`` loop is marked (``BREAK_FLAG`` attribute) so the lowering
  passes ``has_break=True`` and the runtime stops iterating.
* ``continue`` in loop N becomes ``continued_N = True`` (reset at the top of each
  iteration).
* Statements after one that may have jumped run under ``if not <flag>:``.
* ``for``/``while ... else`` with a ``break`` runs its ``else`` under ``if not broke_N:``.

Where one branch of an ``if`` always jumps and the other never does, the statements
after the ``if`` move into the other branch instead, so the common cases need no flag:

Before::

    def first_positive(xs):
        for i in range(xs.shape[0]):
            if xs[i] > 0:
                return i
        return -1

After::

    def first_positive(xs):
        returned = False
        return_value = py2lax.Undefined('return_value', fill=True)
        for i in range(xs.shape[0]):          # lowered with has_break=True
            if xs[i] > 0:
                return_value = i
                returned = True
        if py2lax.not_(returned):
            return_value = -1
        return return_value

Only a ``return`` leaves that loop, so its break flag would always equal ``returned``:
the loop stops on ``returned`` itself.

Jumps inside ``with``, ``try`` and ``match`` blocks become flags the same way: the
block then ends normally, so a context manager exits and a ``finally`` runs exactly
where Python runs them, and the statements after the block are guarded by the flag.

A function that returns from inside an ``if`` or a loop and whose end is reachable
gets an explicit ``return None`` there: Python's implicit result becomes a value
like any other, so a traced condition that chooses between a value and ``None`` is
reported at trace time (``InconsistentReturnError``) instead of silently
returning a placeholder.

A ``raise`` that a ``with contextlib.suppress(...)`` around it in the same function
suppresses (``raise ValueError("bad")`` in ``with suppress(ValueError):``, nothing
between them that could catch it) is a jump to the end of that block: it becomes
``suppressed_N = True`` and the rest of the block is guarded, so a traced condition
above it compiles (``suppressed_N`` is set before the ``with``). The exception is not
raised; if its arguments call anything, it is still made (``ValueError(str(x))``), so
those calls happen as in Python.

Flags that nothing reads are removed again, with their assignments.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

from py2lax.frontend import syntax as S
from py2lax.analysis.jumps import always_exits, block_bodies, jump_kinds
from py2lax.analysis.liveness import BREAK_FLAG, ENTERED, always_entered, dead_stores
from py2lax.transforms.templates import fill
from py2lax.diagnostics.statements import NoneReturn
from py2lax.transforms.context import ConversionContext

_JUMPS = (S.Return, S.Break, S.Continue)
FALLS_OFF = "py2lax_falls_off"  # set on the ``return None`` added where a path ends


@dataclass
class _Loop:
    node: S.AST
    broke: str | None = None
    continued: str | None = None


@dataclass
class _Suppress:
    """A ``with contextlib.suppress(names...)`` block being normalized."""

    node: S.AST
    names: frozenset[str]
    loops: int                 # loops entered before the `with`: a raise leaves the others
    flag: str | None = None


@dataclass
class _Function:
    converts_returns: bool
    returned: str | None = None
    result: str | None = None
    loops: list[_Loop] = field(default_factory=list)


def exits(node) -> set[str]:
    """Jump kinds (``return``/``break``/``continue``) that leave ``node`` at this level."""
    return set(jump_kinds([node]))


class _Normalizer:
    def __init__(self, function: S.FunctionDef, context: ConversionContext):
        self.context = context
        self.state = _Function(converts_returns=_has_nested_return(function))
        self.changed = False
        self.flags: set[str] = set()   # every flag created, to drop the unread ones later
        # the `with suppress(...)` blocks around, innermost last; None: a block that may
        # catch or see an exception first (a `try` body with handlers, another `with`)
        self.suppressing: list[_Suppress | None] = []

    def _new_flag(self, base: str) -> str:
        name = self.context.names.new(base)
        self.flags.add(name)
        return name

    # -- names -------------------------------------------------------------------
    def _returned(self) -> str:
        if self.state.returned is None:
            self.state.returned = self._new_flag("returned")
            self.state.result = self.context.names.new("return_value")
        return self.state.returned

    def _broke(self, loop: _Loop) -> str:
        if loop.broke is None:
            loop.broke = self._new_flag(f"broke_{loop.node.lineno}")
        return loop.broke

    def _continued(self, loop: _Loop) -> str:
        if loop.continued is None:
            loop.continued = self._new_flag(f"continued_{loop.node.lineno}")
        return loop.continued

    # -- blocks ------------------------------------------------------------------
    def _kinds(self, node) -> set[str]:
        kinds = self._converted_kinds(exits(node))
        if self._suppressed_raise_in([node]):
            kinds.add("suppress")
        return kinds

    def _converted_kinds(self, kinds: set[str]) -> set[str]:
        """The jump kinds this function turns into flags (those that leave converted code)."""
        if not self.state.converts_returns:
            kinds.discard("return")
        if not self.state.loops:
            kinds -= {"break", "continue"}
        return kinds

    def block(self, statements: list) -> list:
        out: list = []
        for index, statement in enumerate(statements):
            kinds = self._kinds(statement)
            if kinds and isinstance(statement, _JUMPS + (S.Raise,)):
                return out + self._replace_jump(statement)
            rest = statements[index + 1:]
            if kinds and rest and isinstance(statement, S.If) and self._lift(statement, rest):
                return out + self._statement(statement)  # the rest now lives in a branch
            out += self._statement(statement)
            if kinds and rest:
                guard = S.generated(S.If(test=self._not_any(self._flags(kinds)),
                                         body=self.block(rest), orelse=[]))
                return out + [S.set_location(guard, rest[0])]
        return out

    def _lift(self, statement: S.If, rest: list) -> bool:
        """Move ``rest`` into the other branch when one branch always jumps.

        ``rest`` only runs on the other branch's paths; if that branch has jumps of its
        own (an ``elif`` that returns), normalizing it places ``rest`` after them again.
        """
        if always_exits(statement.body):
            statement.orelse = statement.orelse + rest
            return True
        if always_exits(statement.orelse):
            statement.body = statement.body + rest
            return True
        return False

    def _statement(self, statement) -> list:
        if isinstance(statement, S.If):
            statement.body = self.block(statement.body)
            statement.orelse = self.block(statement.orelse)
            return [statement]
        if isinstance(statement, (S.For, S.While)):
            return self._loop(statement)
        if isinstance(statement, (S.With, S.AsyncWith)):
            return self._with(statement)
        jumped = self._converted_kinds(set(jump_kinds(statement.body))) if (
            isinstance(statement, (S.Try, S.TryStar)) and statement.orelse) else set()
        for block in block_bodies(statement):  # try/match: each block on its own
            catching = block is getattr(statement, "body", None) and bool(
                getattr(statement, "handlers", None))
            self.suppressing += [None] * catching  # its handlers may catch a raise first
            block[:] = self.block(block)
            del self.suppressing[len(self.suppressing) - catching:]
        if jumped:
            # `else` runs only when the `try` body ended without a jump (now a flag).
            guard = S.generated(S.If(test=self._not_any(self._flags(jumped)),
                                     body=statement.orelse, orelse=[]))
            statement.orelse = [S.set_location(guard, statement.orelse[0])]
        return [statement]

    def _flags(self, kinds: set[str]) -> list[str]:
        flags = []
        if "suppress" in kinds:
            frame = self.suppressing[-1]
            if len(self.state.loops) == frame.loops:  # not inside a loop of the block
                flags.append(self._suppressed(frame))
                kinds = kinds - {"suppress"}
                if not kinds:
                    return flags
        if not self.state.loops:
            return [self._returned()] + flags
        loop = self.state.loops[-1]
        if kinds & {"break", "return", "suppress"}:
            flags.append(self._broke(loop))
        if "continue" in kinds:
            flags.append(self._continued(loop))
        return flags

    def _not_any(self, flags: list[str]):
        call = self.context.call
        if len(flags) == 1:
            return call("not_", S.load(flags[0]), operand=S.load(flags[0]))
        either = call("or_", S.load(flags[0]), *[S.thunk(S.load(f)) for f in flags[1:]],
                      operands=[S.load(f) for f in flags])
        return call("not_", either, operand=either)

    # -- with contextlib.suppress(...) -------------------------------------------
    def _suppressed(self, frame: _Suppress) -> str:
        if frame.flag is None:
            frame.flag = self._new_flag(f"suppressed_{frame.node.lineno}")
        return frame.flag

    def _with(self, node) -> list:
        names = _suppressed_names(node, self.context.local_names)
        frame = None if names is None else _Suppress(node, names, len(self.state.loops))
        self.suppressing.append(frame)  # another manager sees a raise first: None
        node.body = self.block(node.body)
        self.suppressing.pop()
        if frame is None or frame.flag is None:
            return [node]
        return _set_false([frame.flag], node) + [node]

    def _suppressed_raise_in(self, statements: list) -> bool:
        """Whether ``statements`` hold a ``raise`` the innermost ``with suppress`` ends
        (no ``try`` with handlers or other ``with`` between them)."""
        frame = self.suppressing[-1] if self.suppressing else None
        if frame is None:
            return False
        for statement in statements:
            if isinstance(statement, S.Raise):
                if _suppresses(frame.names, statement, self.context.local_names):
                    return True
            elif isinstance(statement, (S.Try, S.TryStar)):
                inner = ([] if statement.handlers else statement.body) + [
                    s for h in statement.handlers for s in h.body] + statement.orelse + (
                    statement.finalbody)
                if self._suppressed_raise_in(inner):
                    return True
            elif isinstance(statement, (S.If, S.For, S.While, S.AsyncFor)):
                if self._suppressed_raise_in(statement.body + statement.orelse):
                    return True
            elif isinstance(statement, S.Match):
                if self._suppressed_raise_in([s for c in statement.cases for s in c.body]):
                    return True
        return False

    # -- jumps and loops ---------------------------------------------------------
    def _replace_jump(self, jump) -> list:
        self.changed = True
        if isinstance(jump, S.Return):
            if jump.value is None:  # `return` or the end of the function: the result is None
                self.context.none_returns.append(
                    NoneReturn(jump.lineno, getattr(jump, FALLS_OFF, False)))
            returned = self._returned()
            value = jump.value if jump.value is not None else S.Constant(value=None, kind=None)
            statements = fill("result = value", result=self.state.result, value=value)
            flags = [returned] + [self._broke(loop) for loop in self.state.loops]
            statements += _set_true(list(dict.fromkeys(flags)))
        elif isinstance(jump, S.Raise):  # suppressed: a jump to the end of the `with`
            frame = self.suppressing[-1]
            flags = [self._suppressed(frame)] + [
                self._broke(loop) for loop in self.state.loops[frame.loops:]]
            made = [S.Expr(value=jump.exc)] if _makes_calls(jump.exc) else []
            statements = made + _set_true(flags)
        elif isinstance(jump, S.Break):
            statements = _set_true([self._broke(self.state.loops[-1])])
        else:
            statements = _set_true([self._continued(self.state.loops[-1])])
        return [S.set_location(s, jump) for s in statements]

    def _loop(self, node) -> list:
        loop = _Loop(node)
        kinds = jump_kinds(node.body)
        if self.state.converts_returns and "return" in kinds and "break" not in kinds:
            # Only a `return` leaves this loop: its break flag would always equal the
            # function's `returned` flag (False when the loop starts), so it is that flag.
            loop.broke = self._returned()
        shares_returned = loop.broke is not None
        self.state.loops.append(loop)
        node.body = self.block(node.body)
        self.state.loops.pop()
        before, after = [], []
        if loop.continued is not None:
            node.body = _set_false([loop.continued], node) + node.body
        if loop.broke is not None:
            before = [] if shares_returned else _set_false([loop.broke], node)
            if isinstance(node, S.While):
                setattr(node, ENTERED, always_entered(node))
                running = self.context.call("not_", S.load(loop.broke),
                                            operand=S.load(loop.broke))
                node.test = self.context.call("and_", running, S.thunk(node.test),
                                              line=node.lineno, operands=[running, node.test])
                S.set_location(node.test, node)
            else:
                setattr(node, BREAK_FLAG, loop.broke)
            if node.orelse:
                guard = S.generated(S.If(test=self._not_any([loop.broke]),
                                         body=self.block(node.orelse), orelse=[]))
                after = [S.set_location(guard, node.orelse[0])]
                node.orelse = []
        node.orelse = self.block(node.orelse)
        return before + [node] + after


def _suppressed_names(node, local_names) -> frozenset[str] | None:
    """The exception class names of ``with contextlib.suppress(A, B):`` (or
    ``suppress(...)`` imported from contextlib), or None for any other block."""
    if len(node.items) != 1 or isinstance(node, S.AsyncWith):
        return None
    call = node.items[0].context_expr
    if not isinstance(call, S.Call) or call.keywords:
        return None
    function = call.func
    if (isinstance(function, S.Call) and isinstance(function.func, S.Attribute)
            and function.func.attr == "converted" and len(function.args) == 1):
        function = function.args[0]  # `py2lax.converted(suppress)`, from ConvertCalls
    named = (isinstance(function, S.Attribute) and function.attr == "suppress"
             and isinstance(function.value, S.Name) and function.value.id == "contextlib"
             and "contextlib" not in local_names) or (
        isinstance(function, S.Name) and function.id == "suppress"
        and "suppress" not in local_names)
    if not named or not all(isinstance(a, S.Name) for a in call.args):
        return None
    return frozenset(a.id for a in call.args)


def _suppresses(names: frozenset[str], node: S.Raise, local_names) -> bool:
    """``raise C`` / ``raise C(args)`` of a class ``names`` holds (by name, or a builtin
    subclass of a builtin named there)."""
    exception = node.exc
    if exception is None or node.cause is not None:
        return False
    if isinstance(exception, S.Call):
        exception = exception.func
    if not isinstance(exception, S.Name):
        return False
    if exception.id in names:
        return True
    raised = _builtin_exception(exception.id, local_names)
    return raised is not None and any(
        issubclass(raised, caught) for caught in
        (_builtin_exception(name, local_names) for name in names) if caught is not None)


def _makes_calls(exception) -> bool:
    """Whether making the exception calls anything but its class (``str(x)``)."""
    parts = (exception.args + [k.value for k in exception.keywords]
             if isinstance(exception, S.Call) else [])
    return any(isinstance(n, (S.Call, S.NamedExpr, S.Await, S.Yield, S.YieldFrom))
               for part in parts for n in S.walk(part))


def _builtin_exception(name: str, local_names) -> type | None:
    value = getattr(builtins, name, None) if name not in local_names else None
    return value if isinstance(value, type) and issubclass(value, BaseException) else None


def _is_docstring(statement) -> bool:
    return (isinstance(statement, S.Expr) and isinstance(statement.value, S.Constant)
            and isinstance(statement.value.value, str))


def _has_nested_return(function: S.FunctionDef) -> bool:
    """A ``return`` inside an ``if`` or a loop (through any ``with``/``try``/``match``)."""
    return _returns_inside_control_flow(function.body)


def _returns_inside_control_flow(statements: list) -> bool:
    for statement in statements:
        if isinstance(statement, (S.If,) + S.LOOP_NODES):
            if "return" in exits(statement):
                return True
        elif _returns_inside_control_flow(sum(block_bodies(statement), [])):
            return True
    return False



def _set_true(flags: list[str]) -> list:
    return [S.Assign(targets=[S.store(f)], value=S.Constant(value=True, kind=None),
                     type_comment=None) for f in flags]


def _set_false(flags: list[str], location) -> list:
    return [S.set_location(S.Assign(targets=[S.store(f)], value=S.Constant(value=False, kind=None),
                                    type_comment=None), location) for f in flags]


def _remove_dead_stores(function: S.FunctionDef, flags: set[str],
                        result_default: S.AST | None) -> None:
    """Drop flag assignments nothing reads afterwards, and the result's default if unread.

    A ``continue`` that lifting made unnecessary leaves a flag no guard reads, and
    ``returned = True`` on the last path of a function is read by nothing. The result
    starts as ``Undefined`` only if some path could read it before assigning it.
    """
    names = set(flags) | ({result_default.targets[0].id} if result_default is not None else set())
    dead = dead_stores(function, names)
    removable = {s for s in dead if s is result_default or _assigns_flag(s)}
    for node in S.walk(function):  # statements, except handlers and match cases
        for field_name, statements in list(S.statement_lists(node)):
            kept = [s for s in statements if s not in removable]
            if not kept and field_name != "orelse":
                kept = [S.set_location(S.Pass(), statements[0])]
            setattr(node, field_name, kept)


def _falls_off_end(function: S.FunctionDef):
    """``return None`` where a path reaches the end of ``function``: Python's implicit result."""
    last = function.body[-1]
    end = S.Return(value=None)
    end.lineno = end.end_lineno = getattr(last, "end_lineno", None) or last.lineno
    end.col_offset, end.end_col_offset = last.col_offset, last.col_offset
    setattr(end, FALLS_OFF, True)
    return end


def _assigns_flag(statement) -> bool:
    return isinstance(statement.value, S.Constant) and isinstance(statement.value.value, bool)


def normalize_exits(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    if _has_nested_return(function) and not always_exits(function.body):
        function.body.append(_falls_off_end(function))
    normalizer = _Normalizer(function, context)
    function.body = normalizer.block(function.body)
    if not normalizer.changed:
        return False
    context.exit_flags = frozenset(normalizer.flags)
    state = normalizer.state
    result_default = None
    if state.result is not None:
        context.result_name = state.result
        name = S.Constant(value=state.result, kind=None)
        placeholder = context.call("Undefined", name, keywords=[
            ("fill", S.Constant(value=True, kind=None))], name=state.result, fill=True)
        initial = fill("returned = False\nresult = placeholder", returned=state.returned,
                       result=state.result, placeholder=placeholder)
        result_default = initial[1]
        body = function.body
        docstring = body[:1] if _is_docstring(body[0]) else []
        initial = [S.set_location(s, body[0]) for s in initial]
        function.body = docstring + initial + body[len(docstring):]
        function.body.append(S.set_location(S.Return(value=S.load(state.result)), body[-1]))
    _remove_dead_stores(function, normalizer.flags, result_default)
    return True
