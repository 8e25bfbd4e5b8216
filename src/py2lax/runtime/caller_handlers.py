"""Whether a converted caller's ``try``/``except`` would catch an error raised here.

A ``raise`` under a traced condition becomes a check that raises when the compiled
program runs (``runtime/raising_branches.py``). Python would let the caller catch it::

    def check(v):
        if v > 10:
            raise OverflowError("big")
        return v

    def f(x):
        try:
            r = check(x)
        except OverflowError:
            r = 10.0

but the caller's ``except`` ran while tracing, long before: the error would escape as
JAX's runtime error. The statement's own function and its callers are found here, on
the Python stack, among the frames running converted code (:func:`register`), by
following the interpreter's exception table from the call (py2lax's own ``except
BaseException as raised_N: ...; raise`` passes the error on, as it does): each
``except`` clause on the way is tested against the
error as Python would (its classes read from the frame), ``finally`` and ``with`` blocks
pass the error on. Frames that are not converted code (the user's script calling the
jitted function inside its own ``try``) are not the compiled program's business.
"""

from __future__ import annotations

import builtins
import dis
import re
import sys
import types

_CONVERTED_CODES: set[types.CodeType] = set()
_MAX_STEPS = 32


def register(code: types.CodeType) -> None:
    """Note ``code`` and the functions defined inside it as converted code."""
    _CONVERTED_CODES.add(code)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            register(constant)


def catching_caller(error: BaseException):
    """``(filename, line)`` of the innermost converted caller whose ``try`` catches
    ``error`` at its current call, or None."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code in _CONVERTED_CODES and _catches(frame, error):
            return frame.f_code.co_filename, frame.f_lineno
        frame = frame.f_back
    return None


def _catches(frame, error: BaseException) -> bool:
    code = frame.f_code
    entries = dis._parse_exception_table(code)
    if not entries:
        return False
    instructions = list(dis.get_instructions(code))
    position = {instruction.offset: index for index, instruction in enumerate(instructions)}
    offset = frame.f_lasti
    for _ in range(_MAX_STEPS):
        entry = next((e for e in entries if e.start <= offset < e.end), None)
        if entry is None:
            return False  # the error leaves this frame
        index = position.get(entry.target)
        if index is None:
            return True  # a layout we cannot read: assume Python would catch it
        caught, reraised_at = _handler(instructions, position, index, frame, error)
        if caught:
            return True
        if reraised_at is None:
            return True
        offset = reraised_at
    return True


def _handler(instructions, position, index, frame, error) -> tuple[bool, int | None]:
    """``(caught, offset of the instruction re-raising it)`` for the handler at ``index``."""
    if instructions[index].opname == "PUSH_EXC_INFO":
        index += 1
        while index < len(instructions):
            opname = instructions[index].opname
            if opname == "POP_TOP":
                return True, None  # a bare `except:`
            if opname == "WITH_EXCEPT_START":
                return False, _next_reraise(instructions, index)  # a `with`: passes it on
            start = index
            while index < len(instructions) and instructions[index].opname not in (
                    "CHECK_EXC_MATCH", "RERAISE"):
                index += 1
            if index >= len(instructions):
                return True, None
            if instructions[index].opname == "RERAISE":
                return False, instructions[index].offset  # `finally` (or no clause matched)
            classes = _exception_classes(instructions[start:index], frame)
            if classes is None or _matches(error, classes):
                passed_on = _partial_carry_reraise(instructions, index + 2)
                if passed_on is not None:
                    return False, passed_on
                return True, None
            jump = instructions[index + 1] if index + 1 < len(instructions) else None
            if jump is None or "JUMP" not in jump.opname or jump.argval not in position:
                return True, None
            index = position[jump.argval]  # the next `except` clause, or the re-raise
        return True, None
    return False, _next_reraise(instructions, index)  # a cleanup block: passes it on


def _partial_carry_reraise(instructions, index) -> int | None:
    """The offset of the bare ``raise`` that ends py2lax's own ``except BaseException as
    raised_N:`` handler (transforms/partial_carry.py: it notes what the statement had
    carried and raises the error on), or None for any other handler."""
    if index >= len(instructions):
        return None
    store = instructions[index]
    if not (store.opname.startswith("STORE_") and isinstance(store.argval, str)
            and re.fullmatch(r"raised_\d+(_\d+)*", store.argval)):
        return None
    for instruction in instructions[index + 1:]:
        if instruction.opname == "RAISE_VARARGS" and instruction.arg == 0:
            return instruction.offset
        if "JUMP" in instruction.opname or instruction.opname in ("RETURN_VALUE",
                                                                  "POP_EXCEPT"):
            return None
    return None


def _next_reraise(instructions, index) -> int | None:
    for instruction in instructions[index:index + _MAX_STEPS]:
        if instruction.opname == "RERAISE":
            return instruction.offset
    return None


def _matches(error, classes) -> bool:
    try:
        return isinstance(error, classes)
    except TypeError:
        return True  # not classes after all: let Python's own error decide


def _exception_classes(loads, frame):
    """The value the ``except`` clause's expression gives (``OverflowError``, ``(A,
    B)``, ``errors.Bad``), computed from the frame; None for anything else."""
    stack = []
    for instruction in loads:
        opname, name = instruction.opname, instruction.argval
        if opname in ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_FAST", "LOAD_DEREF",
                      "LOAD_CLASSDEREF"):
            found = _lookup(frame, name)
            if found is _MISSING:
                return None
            stack.append(found)
        elif opname in ("LOAD_ATTR", "LOAD_METHOD") and stack:
            try:
                stack.append(getattr(stack.pop(), name))
            except AttributeError:
                return None
        elif opname == "BUILD_TUPLE" and len(stack) >= instruction.arg:
            count = instruction.arg
            items = tuple(stack[len(stack) - count:])
            del stack[len(stack) - count:]
            stack.append(items)
        elif opname in ("NOP", "CACHE", "PUSH_NULL"):
            continue
        else:
            return None
    return stack[-1] if len(stack) == 1 else None


_MISSING = object()


def _lookup(frame, name):
    for namespace in (frame.f_locals, frame.f_globals, vars(builtins)):
        if name in namespace:
            return namespace[name]
    return _MISSING
