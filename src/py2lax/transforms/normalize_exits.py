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

A ``raise`` that a ``try`` around it in the same function catches (``raise
ValueError("neg")`` in the body of ``try: ... except ValueError: s = s - 1``, the first
handler that catches it told by the class names) is a jump to that handler the same
way: it becomes ``caught_N = True``, the rest of the body is guarded, and the handler's
statements run in the ``try``'s ``else`` under ``if caught_N:`` (an exception raised
there is not caught by the ``try``'s own handlers, and its ``finally`` runs after it,
as for Python's handler); the handlers stay for exceptions raised by calls. A handler
that reads the exception (``except E as e:`` using ``e``, a bare ``raise``) keeps
Python's ``raise``.

Flags that nothing reads are removed again, with their assignments.
"""

from __future__ import annotations

import builtins
import functools
from dataclasses import dataclass, field

from py2lax.frontend import syntax as S
from py2lax.analysis.jumps import always_exits, block_bodies, jump_kinds
from py2lax.analysis.liveness import BREAK_FLAG, ENTERED, always_entered, dead_stores
from py2lax.analysis.static_values import is_standalone_guard
from py2lax.transforms.templates import fill
from py2lax.diagnostics.statements import NoneReturn
from py2lax.transforms.context import ConversionContext
from py2lax.transforms.records import callee

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
class _Catch:
    """The body of a ``try`` with handlers being normalized: a ``raise`` there that a
    handler catches first (told by its class names) jumps to that handler."""

    node: S.AST
    loops: int                 # loops entered before the `try`: a raise leaves the others
    flag: str | None = None    # set by every such raise: the rest of the body is skipped
    chosen: dict[int, str] = field(default_factory=dict)  # handler index -> its own flag
    # handler index -> the exception of the body's one `raise` that jumps to it, for the
    # handler's bare `raise` (see _reraised)
    reraised: dict[int, object] = field(default_factory=dict)


@dataclass
class _Finally:
    """The ``finally`` block of a ``try`` being normalized: a jump out of it cancels the
    jumps its ``try`` had pending (``continue`` there drops the body's ``break``, a
    ``return`` its ``return``), as Python drops them."""

    loops: int                 # loops entered before the `try`
    pending: frozenset[str]    # jump kinds that leave the body, handlers or `else`


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
        self.decided = _dispatched_raises(function) | _standalone_guard_raises(function)
        self.finally_blocks: list[_Finally] = []  # the `finally` blocks around, innermost last

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
    def _kinds(self, node) -> set:
        """The jump kinds leaving ``node``; a ``raise`` that becomes a jump adds
        ``("raise", i)``, ``i`` the position in ``self.suppressing`` of its target."""
        kinds = self._converted_kinds(exits(node))
        return kinds | {("raise", i) for i in self._raise_targets([node], self.suppressing)}

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
        if isinstance(statement, S.Try) and statement.orelse:
            # a raise of the body that a `try` or `with suppress` around catches
            inner = self.suppressing + [_Catch(statement, len(self.state.loops))]
            jumped |= {("raise", i) for i in self._raise_targets(statement.body, inner)
                       if i < len(self.suppressing)}
        catch = None
        handlers = [S.deep_copy(h) for h in getattr(statement, "handlers", [])]
        pending = self._pending(statement) if getattr(statement, "finalbody", None) else None
        for block in block_bodies(statement):  # try/match: each block on its own
            catching = block is getattr(statement, "body", None) and bool(
                getattr(statement, "handlers", None))
            if catching:  # its handlers may catch a raise first
                catch = (_Catch(statement, len(self.state.loops))
                         if isinstance(statement, S.Try) else None)
                self.suppressing.append(catch)
            final = block is getattr(statement, "finalbody", None)
            if final:
                self.finally_blocks.append(_Finally(len(self.state.loops), pending))
            block[:] = self.block(block)
            if final:
                self.finally_blocks.pop()
            del self.suppressing[len(self.suppressing) - catching:]
        flags = self._flags(jumped) if jumped else []
        if catch is not None and catch.flag is not None:
            flags.append(catch.flag)
        if flags and statement.orelse:
            # `else` runs only when the `try` body ended without a jump (now a flag).
            guard = S.generated(S.If(test=self._not_any(flags), body=statement.orelse,
                                     orelse=[]))
            statement.orelse = [S.set_location(guard, statement.orelse[0])]
        if catch is None or catch.flag is None:
            return [statement]
        statement.orelse = self._caught_handlers(catch, handlers) + statement.orelse
        own = list(catch.chosen.values()) if len(catch.chosen) > 1 else []
        return _set_false([catch.flag] + own, statement) + [statement]

    def _pending(self, statement) -> frozenset[str]:
        """The jump kinds (now flags) that may be pending when ``statement``'s ``finally``
        runs: those leaving its body, handlers or ``else`` (read before they become flags)."""
        blocks = [statement.body] + [h.body for h in statement.handlers] + [statement.orelse]
        return frozenset(self._converted_kinds(set(jump_kinds([s for b in blocks for s in b]))))

    def _cancelled(self, jump) -> list:
        """``flag = False`` for the jumps a jump out of a ``finally`` block cancels.

        Python drops the ``try``'s pending ``break``, ``continue`` or ``return`` when its
        ``finally`` jumps (``continue`` there goes on with the loop even though the body
        ran ``break``); as flags, the body's would stay set beside the new one."""
        if not self.finally_blocks:
            return []
        final = self.finally_blocks[-1]
        if not isinstance(jump, S.Return) and len(self.state.loops) != final.loops:
            return []  # a jump of a loop inside the `finally` block
        loops = self.state.loops[:final.loops]
        flags: list[str | None] = []
        if "return" in final.pending:
            flags += [self.state.returned] + [loop.broke for loop in loops]
        if loops and "break" in final.pending:
            flags.append(loops[-1].broke)
        if loops and "continue" in final.pending:
            flags.append(loops[-1].continued)
        return [flag for flag in dict.fromkeys(flags) if flag is not None]

    def _caught_handlers(self, catch: _Catch, handlers: list) -> list:
        """``if caught_N: <handler>`` for each handler a ``raise`` of the body jumps to, for
        the ``try``'s ``else``: it runs when the body ended (the raise now a flag), outside
        the handlers' reach and before the ``finally``, as Python runs a handler."""
        chosen = []
        for index, flag in catch.chosen.items():
            handler = handlers[index]
            flag = catch.flag if len(catch.chosen) == 1 else flag
            statements = (_reraised(handler.body, catch.reraised[index])
                          if index in catch.reraised else handler.body)
            body = _binding_and_deleting(handler, self.block(statements))
            chosen.append(S.set_location(S.generated(S.If(
                test=S.load(flag), body=body, orelse=[])), handler))
        return chosen

    def _flags(self, kinds: set) -> list[str]:
        flags = []
        for _, index in sorted(k for k in kinds if isinstance(k, tuple)):
            frame = self.suppressing[index]
            if len(self.state.loops) == frame.loops:  # not inside a loop of the block
                flags.append(self._suppressed(frame))
            else:
                kinds = kinds | {"suppress"}  # it leaves the loop first
        kinds = {k for k in kinds if not isinstance(k, tuple)}
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
        call = functools.partial(self.context.call, written_by_user=False)
        if len(flags) == 1:
            return call("not_", S.load(flags[0]), operand=S.load(flags[0]))
        either = call("or_", S.load(flags[0]), *[S.thunk(S.load(f)) for f in flags[1:]],
                      operands=[S.load(f) for f in flags])
        return call("not_", either, operand=either)

    # -- with contextlib.suppress(...) -------------------------------------------
    def _suppressed(self, frame: _Suppress | _Catch) -> str:
        if frame.flag is None:
            kind = "caught" if isinstance(frame, _Catch) else "suppressed"
            frame.flag = self._new_flag(f"{kind}_{frame.node.lineno}")
        return frame.flag

    def _handler_flag(self, frame: _Catch, index: int) -> str:
        if index not in frame.chosen:
            frame.chosen[index] = self._new_flag(f"caught_{frame.node.lineno}_{index}")
        return frame.chosen[index]

    def _with(self, node) -> list:
        if _transparent_managers(node, self.context.local_names):
            node.body = self.block(node.body)  # a raise reaches the frames around as it is
            return [node]
        names = _suppressed_names(node, self.context.local_names)
        frame = None if names is None else _Suppress(node, names, len(self.state.loops))
        self.suppressing.append(frame)  # another manager sees a raise first: None
        node.body = self.block(node.body)
        self.suppressing.pop()
        if frame is None or frame.flag is None:
            return [node]
        return _set_false([frame.flag], node) + [node]

    def _raise_targets(self, statements: list, frames: list) -> set[int]:
        """The positions in ``frames`` (the blocks around ``statements``, innermost last)
        that a ``raise`` in ``statements`` jumps to (see :meth:`_target`)."""
        found: set[int] = set()
        local_names = self.context.local_names
        for statement in statements:
            if isinstance(statement, S.Raise):
                found |= {index for index, _ in self._targets(statement, frames)}
            elif isinstance(statement, S.Try):
                catching = [_Catch(statement, 0)] if statement.handlers else []
                found |= self._raise_targets(statement.body, frames + catching)
                inner = [s for h in statement.handlers for s in h.body] + (
                    statement.orelse + statement.finalbody)
                found |= self._raise_targets(inner, frames)
            elif isinstance(statement, (S.If, S.For, S.While, S.AsyncFor)):
                found |= self._raise_targets(statement.body + statement.orelse, frames)
            elif isinstance(statement, S.Match):
                found |= self._raise_targets([s for c in statement.cases for s in c.body],
                                             frames)
            elif isinstance(statement, S.With):
                names = _suppressed_names(statement, local_names)
                frame = [] if _transparent_managers(statement, local_names) else [
                    None if names is None else _Suppress(statement, names, 0)]
                found |= self._raise_targets(statement.body, frames + frame)
        return {index for index in found if index < len(frames)}

    def _targets(self, node: S.Raise, frames: list) -> list[tuple[int, object]]:
        """``[(position in frames, where)]``, innermost first, of the blocks a ``raise``
        may jump to (``where``: see :meth:`_jumped_to`), passing blocks whose class names
        show they let it through. A block whose handlers Python's ``issubclass`` picks
        while running (``DISPATCH``) may find none: the search goes on outward, and the
        list ends at the first block whose names tell that it catches it. Empty if it
        stays a raise."""
        found: list[tuple[int, object]] = []
        if id(node) in self.decided:
            return found  # a first run's dispatch let it through: it stays the raise
        for index in range(len(frames) - 1, -1, -1):
            frame = frames[index]
            if frame is None:
                break  # a manager or handler that may see it first
            where = self._jumped_to(frame, node)
            if where is not None:
                found.append((index, where))
                if where is not DISPATCH:
                    break
            elif not _lets_through(_caught_names(frame), node, self.context.local_names):
                break
        return found

    def _jumped_to(self, frame: _Suppress | _Catch, node: S.Raise) -> int | None:
        """Where the ``raise`` jumps: 0 for the end of a ``with suppress`` block, the
        index of the handler of a ``try`` that catches it; None if it stays a raise."""
        local_names = self.context.local_names
        if isinstance(frame, _Suppress):
            return 0 if _suppresses(frame.names, node, local_names) else None
        index = _catching_handler(frame.node.handlers, node, local_names,
                                  _only_raise(frame.node) is node)
        if (index is None and not _lets_through(_caught_names(frame), node, local_names)
                and _dispatch_tests(frame.node.handlers, node, local_names)):
            return DISPATCH  # (the names do not tell: Python's issubclass decides, running)
        return index

    def _dispatch(self, jump: S.Raise, frame: _Catch, flags: list[str],
                  otherwise: list | None = None) -> list:
        """``raise Bad(...)`` whose handler the class names do not tell (``except
        AppError:`` for a subclass of the user's): Python's own ``issubclass`` picks it
        while the function runs (a static test), then the jump sets that handler's flag;
        if none catches it, ``otherwise`` (the jump to a block further out), or the
        ``raise`` stays."""
        chain: list = otherwise or [S.Raise(exc=S.deep_copy(jump.exc), cause=None)]
        tests = _dispatch_tests(frame.node.handlers, jump, self.context.local_names)
        for index, test in reversed(tests):
            made = [S.Expr(value=S.deep_copy(jump.exc))]
            body = made + _set_true(flags + [self._handler_flag(frame, index)])
            if test is None:  # a bare `except:`
                chain = body
            else:
                chain = [S.generated(S.If(test=test, body=body, orelse=chain))]
        return chain

    def _raise_jump(self, jump: S.Raise, index: int, where, otherwise: list | None) -> list:
        """The statements of a ``raise``'s jump to ``self.suppressing[index]`` (``where``
        in it, see :meth:`_jumped_to`); ``otherwise``: a dispatch's jump further out."""
        frame = self.suppressing[index]
        flags = [self._suppressed(frame)] + [
            self._broke(loop) for loop in self.state.loops[frame.loops:]]
        if where is DISPATCH:
            return self._dispatch(jump, frame, flags, otherwise)
        made = ([S.Expr(value=S.deep_copy(jump.exc))] if _makes_calls(jump.exc)
                or _makes_a_users_exception(jump, self.context.local_names) else [])
        if isinstance(frame, _Catch):
            flags.append(self._handler_flag(frame, where))
            frame.reraised[where] = S.deep_copy(jump.exc)
        return made + _set_true(flags)

    # -- jumps and loops ---------------------------------------------------------
    def _replace_jump(self, jump) -> list:
        self.changed = True
        cancelled = self._cancelled(jump) if isinstance(jump, _JUMPS) else []
        if isinstance(jump, S.Return):
            if jump.value is None:  # `return` or the end of the function: the result is None
                self.context.none_returns.append(
                    NoneReturn(jump.lineno, getattr(jump, FALLS_OFF, False)))
            returned = self._returned()
            value = jump.value if jump.value is not None else S.Constant(value=None, kind=None)
            statements = fill("result = value", result=self.state.result, value=value)
            flags = [returned] + [self._broke(loop) for loop in self.state.loops]
            statements += _set_true(list(dict.fromkeys(flags)))
        elif isinstance(jump, S.Raise):  # a jump to the end of the `with`, or a handler
            statements = None
            for index, where in reversed(self._targets(jump, self.suppressing)):
                statements = self._raise_jump(jump, index, where, statements)
        elif isinstance(jump, S.Break):
            statements = _set_true([self._broke(self.state.loops[-1])])
        else:
            statements = _set_true([self._continued(self.state.loops[-1])])
        if cancelled:
            own = {t.id for s in statements if isinstance(s, S.Assign)
                   for t in s.targets if isinstance(t, S.Name)}
            statements = _set_false([f for f in cancelled if f not in own], jump) + statements
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
                running = self.context.call("not_", S.load(loop.broke), written_by_user=False,
                                            operand=S.load(loop.broke))
                node.test = self.context.call("and_", running, S.thunk(node.test),
                                              line=node.lineno, written_by_user=False,
                                              operands=[running, node.test])
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


# Managers whose ``__exit__`` neither suppresses an exception nor reads it: a ``raise``
# inside their block that a ``try`` or ``with suppress`` around catches is a jump there
# as well (the manager exits as Python's does, without the exception to look at).
_TRANSPARENT_MANAGERS = frozenset({
    ("contextlib", "nullcontext"), ("nullcontext",), ("jax", "named_scope"),
    ("np", "errstate"), ("numpy", "errstate"), ("jax", "default_matmul_precision"),
})


def _transparent_managers(node, local_names) -> bool:
    """Every manager of the ``with`` is one of ``_TRANSPARENT_MANAGERS``, called."""
    if isinstance(node, S.AsyncWith):
        return False
    for item in node.items:
        call = item.context_expr
        if not isinstance(call, S.Call):
            return False
        function = callee(call.func)  # (`py2lax.converted(nullcontext)`, from ConvertCalls)
        dotted = []
        while isinstance(function, S.Attribute):
            dotted.insert(0, function.attr)
            function = function.value
        if not isinstance(function, S.Name) or function.id in local_names:
            return False
        if (function.id, *dotted) not in _TRANSPARENT_MANAGERS:
            return False
    return True


def _suppressed_names(node, local_names) -> frozenset[str] | None:
    """The exception class names of ``with contextlib.suppress(A, B):`` (or
    ``suppress(...)`` imported from contextlib), or None for any other block."""
    if len(node.items) != 1 or isinstance(node, S.AsyncWith):
        return None
    call = node.items[0].context_expr
    if not isinstance(call, S.Call) or call.keywords:
        return None
    function = callee(call.func)  # (`py2lax.converted(suppress)`, from ConvertCalls)
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
    exception = _raised_class(node)
    if exception is None:
        return False
    if exception.id in names:
        return True
    raised = _builtin_exception(exception.id, local_names)
    return raised is not None and any(
        issubclass(raised, caught) for caught in
        (_builtin_exception(name, local_names) for name in names) if caught is not None)


def _catching_handler(handlers: list, node: S.Raise, local_names,
                      only_raise: bool = False) -> int | None:
    """The index of the first of ``handlers`` that catches ``raise C``/``raise C(...)``,
    if the class names tell it for every handler before it, and that handler does not
    read the exception itself (``as e`` read in it, a bare ``raise`` — allowed when
    ``only_raise``: the ``try`` body raises nothing else, so the handler's ``raise`` can
    be written as this one, see :func:`_reraised`); else None."""
    exception = _raised_class(node)
    if exception is None:
        return None
    reraise = only_raise and not _makes_calls(node.exc)
    raised = _builtin_exception(exception.id, local_names)
    for index, handler in enumerate(handlers):
        caught = _handler_names(handler)
        if caught is None:
            return None  # `except errors.Bad:`, `except CLASSES:`: not told by names
        if exception.id in caught or handler.type is None:
            return index if _handler_copyable(handler, reraise) else None
        bases = [_builtin_exception(name, local_names) for name in caught]
        if raised is None or None in bases:
            return None  # a user's class: its bases are not known here
        if any(issubclass(raised, base) for base in bases):
            return index if _handler_copyable(handler, reraise) else None
    return None


def _only_raise(statement) -> S.Raise | None:
    """The one ``raise`` statement of a ``try``'s body (its own scope), if it has one only."""
    if not isinstance(statement, S.Try):
        return None
    raises = [n for n in S.walk_same_scope_statements(statement.body) if isinstance(n, S.Raise)]
    return raises[0] if len(raises) == 1 else None


def _reraised(statements: list, exception) -> list:
    """``statements`` (a handler's, copied to run after the ``try`` body jumped to it)
    with each bare ``raise`` of this handler written as ``raise <exception>``: the body's
    one ``raise`` made it, and outside the handler there is no exception to raise again.
    (A bare ``raise`` in a nested ``try``'s handler raises that handler's own error.)"""
    out = []
    for statement in statements:
        if isinstance(statement, S.Raise) and statement.exc is None:
            statement = S.set_location(S.Raise(exc=S.deep_copy(exception), cause=None),
                                       statement)
        elif isinstance(statement, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            pass
        else:
            for name in ("body", "orelse", "finalbody"):
                if isinstance(getattr(statement, name, None), list):
                    setattr(statement, name, _reraised(getattr(statement, name), exception))
            for case in getattr(statement, "cases", []):
                case.body = _reraised(case.body, exception)
        out.append(statement)
    return out


DISPATCH = "dispatch"  # the handler is chosen by ``issubclass`` while the function runs


def _dispatch_tests(handlers: list, node: S.Raise, local_names) -> list | None:
    """``[(index, test)]``: for each handler, ``isinstance(C, type) and issubclass(C,
    classes)`` (None for a bare ``except:``), for ``raise C(args)`` and handlers whose
    classes are names or attributes (``except (AppError, errors.Bad):``); None if the
    raise or a handler is not of that form, or one needs the exception (``as e`` read)."""
    exception = _raised_class(node)
    if (exception is None or not isinstance(node.exc, S.Call)
            or {"isinstance", "issubclass", "type"} & set(local_names)):
        return None
    tests = []
    for index, handler in enumerate(handlers):
        if handler.type is None:
            tests.append((index, None))
            break
        parts = handler.type.elts if isinstance(handler.type, S.Tuple) else [handler.type]
        if not all(_is_dotted_name(part) for part in parts):
            return None
        classes = S.deep_copy(handler.type)
        test = S.BoolOp(op=S.And(), values=[
            S.Call(func=S.load("isinstance"), args=[S.load(exception.id), S.load("type")],
                   keywords=[]),
            S.Call(func=S.load("issubclass"), args=[S.load(exception.id), classes],
                   keywords=[])])
        tests.append((index, test))
    if not all(_handler_copyable(handlers[index]) for index, _ in tests):
        return None  # one may catch it and need the exception: Python's raise stays
    return tests


def _dispatched_raises(function) -> set[int]:
    """The ids of the raises that end a dispatch a first run wrote (``_dispatch``, read
    again: ``if isinstance(C, type) and issubclass(C, H): C(...); caught = True`` ...
    ``else: raise C(...)``, its tests checked by ``--standalone``'s
    ``_py2lax_python_test(lambda: ...)``): no handler of the ``try`` catches what such a
    raise raises, so it stays the raise it is. Dispatched again, it grew another
    ``elif`` and another flag on every run (not a fixed point)."""
    found = set()
    for node in S.walk(function):
        name = _dispatch_class(node.test) if isinstance(node, S.If) else None
        if name is None:
            continue
        chain = node
        while len(chain.orelse) == 1 and isinstance(chain.orelse[0], S.If) and (
                _dispatch_class(chain.orelse[0].test) == name):
            chain = chain.orelse[0]
        last = chain.orelse[0] if len(chain.orelse) == 1 else None
        if isinstance(last, S.Raise) and getattr(_raised_class(last), "id", None) == name:
            found.add(id(last))
    return found


def _standalone_guard_raises(function) -> set[int]:
    """The ids of the raises of the guards ``--standalone`` writes
    (``is_standalone_guard``), read again: their tests are Python values when tracing,
    so each stays the raise the first run wrote. Dispatched to the handlers of a ``try``
    around it, it became an ``issubclass`` test of ``TypeError`` on the second run only
    (not a fixed point; jedi's ``_getitem``)."""
    return {id(node.body[0]) for node in S.walk(function) if is_standalone_guard(node)}


def _dispatch_class(test) -> str | None:
    """``C`` of a dispatch test ``isinstance(C, type) and issubclass(C, ...)`` (or of
    ``_py2lax_python_test(lambda: <that>, where, reason)``, ``--standalone``'s check)."""
    if (isinstance(test, S.Call) and isinstance(test.func, S.Name)
            and test.func.id == "_py2lax_python_test" and test.args
            and isinstance(test.args[0], S.Lambda)):
        test = test.args[0].body
    if not (isinstance(test, S.BoolOp) and isinstance(test.op, S.And)
            and len(test.values) == 2 and all(
                isinstance(c, S.Call) and isinstance(c.func, S.Name) and len(c.args) == 2
                for c in test.values)):
        return None
    first, second = test.values
    if [first.func.id, second.func.id] != ["isinstance", "issubclass"]:
        return None
    subject, kind = first.args
    if not (isinstance(subject, S.Name) and isinstance(kind, S.Name) and kind.id == "type"
            and isinstance(second.args[0], S.Name) and second.args[0].id == subject.id):
        return None
    return subject.id


def _is_dotted_name(node) -> bool:
    while isinstance(node, S.Attribute):
        node = node.value
    return isinstance(node, S.Name)


def _raised_class(node: S.Raise) -> S.Name | None:
    """The class name of ``raise C`` / ``raise C(args)`` (ConvertCalls has made the
    call of a user's class ``py2lax.converted(C)(args)``), also ``... from None`` (the
    cause only shows in a traceback, which a handler the raise jumps to never reads);
    None for anything else."""
    exception = node.exc
    if exception is None or not (node.cause is None or _is_none_constant(node.cause)):
        return None
    if isinstance(exception, S.Call):
        exception = callee(exception.func)
    return exception if isinstance(exception, S.Name) else None


def _is_none_constant(node) -> bool:
    return isinstance(node, S.Constant) and node.value is None


def _caught_names(frame) -> list[list[str] | None]:
    """The class names each handler of a ``try`` (or the ``with suppress``) lists."""
    if isinstance(frame, _Suppress):
        return [sorted(frame.names)]
    return [_handler_names(handler) for handler in frame.node.handlers]


def _lets_through(handlers: list, node: S.Raise, local_names) -> bool:
    """Whether handlers listing these class names certainly do not catch ``raise C``:
    C is one of Python's classes, and so is every name listed, none of them C's base."""
    exception = _raised_class(node)
    raised = None if exception is None else _builtin_exception(exception.id, local_names)
    if raised is None:
        return False
    for names in handlers:
        if not names:  # `except:` or names not told (None)
            return False
        bases = [_builtin_exception(name, local_names) for name in names]
        if None in bases or any(issubclass(raised, base) for base in bases):
            return False
    return True


def _binding_and_deleting(handler, body: list) -> list:
    """A jumped-to handler's statements, with Python's binding of its ``as`` name around
    them: ``except E as e:`` binds ``e`` and deletes it when the handler ends, so a read
    of ``e`` after the handler is Python's UnboundLocalError, not the value ``e`` had
    before the ``try``. (The handler itself never reads it: see :func:`_handler_copyable`.)"""
    name = handler.name.id if isinstance(handler.name, S.Name) else handler.name
    if name is None:
        return body
    bind = S.Assign(targets=[S.store(name)], value=S.Constant(value=None, kind=None),
                    type_comment=None)
    delete = S.Delete(targets=[S.Name(id=name, ctx=S.Del(), annotation=None,
                                      type_comment=None)])
    return [S.set_location(S.generated(bind), handler)] + body + [
        S.set_location(S.generated(delete), handler)]


def _handler_names(handler) -> list[str] | None:
    """The class names an ``except`` clause lists (``[]`` for a bare ``except:``)."""
    kind = handler.type
    if kind is None:
        return []
    parts = kind.elts if isinstance(kind, S.Tuple) else [kind]
    if not all(isinstance(part, S.Name) for part in parts):
        return None
    return [part.id for part in parts]


def _handler_copyable(handler, reraise: bool = False) -> bool:
    """Whether the handler's statements can run without the exception object: they do
    not read the ``as`` name nor re-raise it with a bare ``raise`` (unless ``reraise``:
    the ``raise`` can be written again, see :func:`_reraised`)."""
    name = handler.name.id if isinstance(handler.name, S.Name) else handler.name
    for node in S.walk_same_scope_statements(handler.body):
        if isinstance(node, S.Raise) and node.exc is None and not reraise:
            return False
        if name is not None and isinstance(node, S.Name) and node.id == name:
            return False
        if isinstance(node, S.Call) and _reads_current_exception(node.func):
            return False
    return True


# Calls that read the exception being handled without naming it (``sys.exc_info()``,
# ``traceback.print_exc()``, ``logger.exception(...)``).
_CURRENT_EXCEPTION_READERS = frozenset({"exc_info", "exception", "print_exc", "format_exc"})


def _reads_current_exception(function) -> bool:
    function = callee(function)  # (`py2lax.converted(log.exception)`, from ConvertCalls)
    name = function.attr if isinstance(function, S.Attribute) else (
        function.id if isinstance(function, S.Name) else None)
    return name in _CURRENT_EXCEPTION_READERS


def _makes_calls(exception) -> bool:
    """Whether making the exception calls anything but its class (``str(x)``)."""
    parts = (exception.args + [k.value for k in exception.keywords]
             if isinstance(exception, S.Call) else [])
    return any(isinstance(n, (S.Call, S.NamedExpr, S.Await, S.Yield, S.YieldFrom))
               for part in parts for n in S.walk(part))


def _makes_a_users_exception(node: S.Raise, local_names) -> bool:
    """``raise Stop(...)`` of a class not among Python's: its ``__init__`` may do more
    than store the arguments, so the jump still makes it, as Python would."""
    exception = _raised_class(node)
    return (isinstance(node.exc, S.Call) and exception is not None
            and _builtin_exception(exception.id, local_names) is None)


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
        elif _handler_may_be_jumped_to(statement) and "return" in exits(statement):
            return True  # the handler's statements may run under `if caught_N:`
        elif _returns_inside_control_flow(sum(block_bodies(statement), [])):
            return True
    return False



def _handler_may_be_jumped_to(statement) -> bool:
    """A ``try`` with handlers whose body holds a ``raise`` (see ``_catching_handler``)."""
    return isinstance(statement, S.Try) and bool(statement.handlers) and any(
        isinstance(node, S.Raise) for node in S.walk_same_scope_statements(statement.body))


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
