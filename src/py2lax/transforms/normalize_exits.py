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

Flags that nothing reads are removed again, with their assignments.
"""

from __future__ import annotations

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
        return self._converted_kinds(exits(node))

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
            if kinds and isinstance(statement, _JUMPS):
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
        jumped = self._converted_kinds(set(jump_kinds(statement.body))) if (
            isinstance(statement, (S.Try, S.TryStar)) and statement.orelse) else set()
        for block in block_bodies(statement):  # with/try/match: each block on its own
            block[:] = self.block(block)
        if jumped:
            # `else` runs only when the `try` body ended without a jump (now a flag).
            guard = S.generated(S.If(test=self._not_any(self._flags(jumped)),
                                     body=statement.orelse, orelse=[]))
            statement.orelse = [S.set_location(guard, statement.orelse[0])]
        return [statement]

    def _flags(self, kinds: set[str]) -> list[str]:
        if not self.state.loops:
            return [self._returned()]
        loop = self.state.loops[-1]
        flags = []
        if kinds & {"break", "return"}:
            flags.append(self._broke(loop))
        if "continue" in kinds:
            flags.append(self._continued(loop))
        return flags

    def _not_any(self, flags: list[str]):
        call = self.context.call
        if len(flags) == 1:
            return call("not_", S.load(flags[0]), operand=S.load(flags[0]))
        either = call("or_", S.load(flags[0]), S.thunk(S.load(flags[1])),
                      operands=[S.load(f) for f in flags])
        return call("not_", either, operand=either)

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
