"""What the runtime knows about each lowered statement, for error messages.

The loader registers, for every generated branch or body function, the user's
statement it came from and the names of the variables it carries. The generated code
stays free of bookkeeping arguments; the runtime finds the facts from the function's
code object when it has to explain a failure.
"""

from __future__ import annotations

from dataclasses import dataclass

from py2lax.diagnostics.errors import Location


@dataclass(frozen=True)
class NoneReturn:
    """A path of the user's function that returns ``None``: a bare ``return`` at ``line``,
    or (``falls_off``) the end of the function, reached after ``line``."""

    line: int
    falls_off: bool = False

    def describe(self) -> str:
        if self.falls_off:
            return f"the path that falls off the end of the function after line {self.line}"
        return f"the bare `return` at line {self.line}"


@dataclass(frozen=True)
class StatementInfo:
    kind: str                 # "if", "while", "for", "ternary"
    filename: str
    line: int
    carried: tuple[str, ...]  # names of the carried values, in tuple order
    function: str = ""        # the user's function the statement belongs to
    result: str | None = None  # the variable holding the function's result, if carried
    none_returns: tuple[NoneReturn, ...] = ()  # the paths that return None
    outer: tuple[str, ...] = ()  # carried names that are the function's globals/nonlocals
    inputs: tuple[str, ...] = ()  # names of the values the statement receives, in order
    inside_try: bool = False  # the statement is in a `try` body that has handlers
    managers: tuple[str, ...] = ()  # variables holding the `with` managers around it
    held_by_one_name: tuple[str, ...] = ()  # carried names whose objects no other name reaches
    optional: tuple[str, ...] = ()  # carried names that may be None or a value (none_checks)
    # an iteration of a loop Python unrolls, run under `lax.cond` after a traced `break`:
    # a branch, not a compiled loop's body (its lists may change length)
    unrolled_iteration: bool = False

    @property
    def location(self) -> Location:
        return Location(self.filename, self.line)

    def name_of(self, index: int) -> str:
        if index < len(self.carried):
            return self.carried[index]
        if self.kind == "ternary":
            return "value"
        return f"carried value #{index}"

    def subject(self, name: str) -> str:
        """How a message names a carried value: ``variable 'x'``, or for a conditional
        expression (which carries only its value) ``the value``; the variable py2lax
        made to hold a ``return``'s value (the user never wrote it) ``the value returned``."""
        if self.kind == "ternary":
            return "the value"
        if self.result is not None and name == self.result:
            return f"the value {self.function or 'the function'} returns"
        return f"variable {name!r}"

    @property
    def statement(self) -> str:
        """How a message names the statement: ```if```, or the conditional expression."""
        return "conditional expression" if self.kind == "ternary" else f"`{self.kind}`"


_REGISTRY: dict[tuple[str, str, int], StatementInfo] = {}


def register(function_name: str, info: StatementInfo) -> None:
    _REGISTRY[(info.filename, function_name, info.line)] = info


def describe(function, kind: str, arity: int) -> StatementInfo:
    """Facts about the statement that ``function`` (a generated branch/body) came from."""
    given = getattr(function, "__py2lax_info__", None)  # facts extended by a runtime wrapper
    if given is not None:
        return given
    code = getattr(function, "__code__", None)
    while hasattr(function, "__wrapped__"):  # runtime wrappers keep the original
        code = getattr(function, "__code__", None)
        if code is not None and _key(code) in _REGISTRY:
            break
        function = function.__wrapped__
    code = getattr(function, "__code__", None)
    if code is not None:
        found = _REGISTRY.get(_key(code))
        if found is not None:
            return found
        return _from_code(function, code, kind)
    return StatementInfo(kind, "<unknown>", 0, tuple(f"#{i}" for i in range(arity)))


_READ: dict[tuple, StatementInfo] = {}


def _from_code(function, code, kind: str) -> StatementInfo:
    """Facts read from a generated function nobody registered (a module ``py2lax FILE``
    printed, imported as it is): the names it takes and the names it returns. The runtime
    matches a statement's operands to its results by these names (an array a branch
    writes in place must be found again in the branch's result, so that the caller's
    other holders see the write)."""
    # The code and its file: `exec`'d modules share "<string>" (the file alone is not
    # enough), and equal code objects do not compare their files (two files holding the
    # same text would share one file name and line: the first one read)
    key = (code.co_filename, code, kind)
    if key not in _READ:
        carried = _returned_names(function, code) if kind != "ternary" else ()
        inputs = tuple(code.co_varnames[:code.co_argcount]) if kind == "if" else ()
        if kind == "if" and carried is None:
            inputs = ()  # (only both sides' names can be matched)
        _READ[key] = StatementInfo(kind, code.co_filename, code.co_firstlineno,
                                   carried or (), inputs=inputs)
    return _READ[key]


def _returned_names(function, code) -> tuple[str, ...] | None:
    """The names every ``return (a, b)`` of ``function`` gives, in order; ``None`` when
    its source cannot be read or a return gives anything else."""
    import ast
    import inspect
    import textwrap

    names = _returned_names_in_bytecode(code)  # (the code itself: first)
    if names is not None:
        return names
    try:
        source = textwrap.dedent(inspect.getsource(function))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    if not tree.body or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)) \
            or tree.body[0].name != code.co_name:
        return None
    found: set[tuple[str, ...]] = set()

    def walk(node) -> bool:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                  ast.ClassDef)):
                continue
            if isinstance(child, ast.Return):
                value = child.value
                if not isinstance(value, ast.Tuple) or not all(
                        isinstance(e, ast.Name) for e in value.elts):
                    return False
                found.add(tuple(e.id for e in value.elts))
            elif not walk(child):
                return False
        return True

    if not walk(tree.body[0]) or len(found) != 1:
        return None
    names = found.pop()
    local = set(code.co_varnames) | set(code.co_cellvars) | set(code.co_freevars)
    return names if len(set(names)) == len(names) and set(names) <= local else None


_NAME_LOADS = ("LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_BORROW", "LOAD_DEREF")
_PAIR_LOADS = ("LOAD_FAST_LOAD_FAST", "LOAD_FAST_BORROW_LOAD_FAST_BORROW")


def _returned_names_in_bytecode(code) -> tuple[str, ...] | None:
    """:func:`_returned_names` read from the bytecode: each return is ``BUILD_TUPLE n``
    right after the loads of ``n`` local names."""
    import dis

    try:
        instructions = list(dis.get_instructions(code))
    except Exception:  # noqa: BLE001 - an unusual code object: no names
        return None
    found: set[tuple[str, ...]] = set()
    for index, instruction in enumerate(instructions):
        if instruction.opname == "RETURN_CONST":
            return None
        if instruction.opname != "RETURN_VALUE":
            continue
        build = instructions[index - 1] if index else None
        if build is None or build.opname != "BUILD_TUPLE":
            return None
        names: list[str] = []
        at = index - 2
        while len(names) < build.arg and at >= 0:
            load = instructions[at]
            if load.opname in _NAME_LOADS and isinstance(load.argval, str):
                names.insert(0, load.argval)
            elif load.opname in _PAIR_LOADS and isinstance(load.argval, tuple):
                names[:0] = list(load.argval)
            else:
                return None
            at -= 1
        if len(names) != build.arg:
            return None
        found.add(tuple(names))
    if len(found) != 1:
        return None
    names = found.pop()
    return names if len(set(names)) == len(names) else None


def _key(code) -> tuple[str, str, int]:
    return (code.co_filename, code.co_name, code.co_firstlineno)


def loop_at(filename: str, line: int) -> StatementInfo | None:
    """The converted ``while``/``for`` loop that starts at ``filename:line``, if any."""
    for (file, _name, statement_line), info in _REGISTRY.items():
        if file == filename and statement_line == line and info.kind in ("while", "for"):
            return info
    return None


_LEFT_AS_PYTHON: dict[tuple[str, int], str] = {}


def register_left_as_python(filename: str, line: int, reason: str) -> None:
    """Remember why the statement at ``filename:line`` was kept as Python."""
    _LEFT_AS_PYTHON[(filename, line)] = reason


def left_as_python_reason(filename: str, line: int) -> str | None:
    return _LEFT_AS_PYTHON.get((filename, line))


def register_left_as_python_function(function, reason: str) -> None:
    """Every line of ``function`` was left as Python, for ``reason``."""
    code = getattr(function, "__code__", None)
    if code is None:
        return
    for _start, _end, line in code.co_lines():
        if line is not None:
            register_left_as_python(code.co_filename, line, reason)
