"""A ``raise`` in a branch of a traced ``if``: raised when that branch runs, not while tracing.

``if x < 0: raise ValueError("negative")`` checks the input in Python: the error comes
only when ``x`` is negative. ``lax.cond`` traces *both* branches, so the ``raise`` would
fire while tracing, whatever ``x`` is. When a branch stops at one of the user's ``raise``
statements while it is traced, it is replaced by a branch that raises the same error
when it runs (through ``jax.debug.callback``, as ``assert`` does) and otherwise computes
what the other branch computes, so both branches still return the same types. Under
``jit`` the error reaches the caller as JAX's runtime error carrying the message.
"""

from __future__ import annotations

import ast
import contextlib
import dis
import io
import linecache
import os
import sys
import threading
import traceback

import jax
import numpy as np

from py2lax.diagnostics.errors import ConversionError, Location, Py2laxError
from py2lax.runtime.caller_handlers import _CONVERTED_CODES, catching_caller, register
from py2lax.runtime.calls import is_package_file, is_user_file
from py2lax.runtime.conversions import note_raised_when, where_python_runs
from py2lax.runtime.raised_values import TracedParts


class BranchRaised(Exception):
    """Raised out of ``lax.cond`` when tracing a branch reached a user's ``raise``."""

    def __init__(self, error: BaseException, function, location: str):
        super().__init__(str(error))
        self.error, self.function, self.location = error, function, location


def raise_location(error: BaseException) -> str | None:
    """``file:line`` of the user's ``raise`` statement that raised ``error``, if it was one
    (or of the read of a variable the branch's path never assigned, or of a lookup in
    Python data that failed, or of a call that Python or a library, not JAX, failed on
    Python values, as ``math.sqrt(-1.0)``: Python raises those too only if the branch
    runs)."""
    if getattr(error, "unbound_read", False):
        return str(error.location)
    frames = traceback.extract_tb(error.__traceback__)
    innermost = _innermost_user_frame(frames)
    if innermost is None:
        return None
    line = linecache.getline(innermost.filename, innermost.lineno).strip()
    if _is_raising_line(line) and (not _is_assert(line) or isinstance(error, AssertionError)):
        return f"{innermost.filename}:{innermost.lineno}"
    if isinstance(error, Py2laxError) or _is_jax_class(type(error)):
        return None  # a refusal, or JAX's error about a traced value: shown while tracing
    position = frames.index(innermost)
    below = frames[position + 1:]
    if len(below) == 1 and _performs_users_read(below[0]):
        below = []  # (`table[name]` read through py2lax.getitem: the user's own lookup)
    if isinstance(error, _PYTHON_DATA_ERRORS) and not below:
        return f"{innermost.filename}:{innermost.lineno}"  # raised by the user's line itself
    if (isinstance(error, Exception) and not isinstance(error, _TRACING_ERRORS)
            and not any(_is_jax_code(frame.filename) for frame in below)
            and not (below and _is_package_code(below[-1].filename))
            and not _saw_traced_values(error.__traceback__, frames, position)):
        # Python's or a library's error about Python values (math.sqrt(-1.0), a
        # statistics.mean([])), raised in the user's line or in library code below it
        return f"{innermost.filename}:{innermost.lineno}"
    return None


# Errors that Python values raise the same way whenever the line runs (a missing key,
# an index past the end of a list, a division by a Python zero): like a `raise`, Python
# raises them only if the branch runs. Errors about traced values (TypeError, and the
# IndexError JAX raises for a traced mask or slice bound, from its own code) are not
# among them: those are the user's to fix, at trace time. Nor is a NameError: a name
# the code never defines is a typo, best shown at its line while tracing.
_PYTHON_DATA_ERRORS = (LookupError, ZeroDivisionError)

# Beyond those, any error that neither JAX nor py2lax raised, raised by the user's line
# or by library code it calls (math's ValueError for math.sqrt(-1.0), OverflowError,
# numpy's LinAlgError on a NumPy matrix) is about Python values too, except these:
# a TypeError or AttributeError may be about a tracer's type (hash(x), x.tolist() on a
# traced x), and a NameError is a typo. Those are shown while tracing.
_TRACING_ERRORS = (TypeError, AttributeError, NameError)


def _saw_traced_values(tb, frames, position: int) -> bool:
    """Whether the failing operation had a traced value in hand: a name the user's failing
    expression reads (``BUFFER[i] = v[i]``: NumPy cannot hold the traced ``v[i]``; but
    ``math.sqrt(y)`` of a Python ``y`` is Python's error, whatever else the line reads)
    or a variable of the library code below it. Such an error is about tracing: it is
    shown while tracing, not deferred."""
    live = []
    while tb is not None:
        live.append(tb.tb_frame)
        tb = tb.tb_next
    if len(live) != len(frames):
        return True  # (cannot tell which frame is which: keep the error where it is)
    user = live[position]
    names = _names_read(frames[position])
    if names is None:
        return True
    values = [user.f_locals.get(name, user.f_globals.get(name)) for name in names]
    for frame, summary in zip(live[position + 1:], frames[position + 1:]):
        if not _is_package_code(summary.filename):  # (py2lax's own calls forward the user's)
            values.extend(frame.f_locals.values())
    return any(_holds_tracer(value) for value in values)


def _names_read(summary) -> set[str] | None:
    """The names the failing expression of the user's line reads (the expression Python's
    traceback points at; the whole statement when that is where it stores, as
    ``BUFFER[i] = v[i]``, whose failing store holds ``v[i]``)."""
    text = linecache.getline(summary.filename, summary.lineno)
    start, end = getattr(summary, "colno", None), getattr(summary, "end_colno", None)
    same_line = getattr(summary, "end_lineno", summary.lineno) == summary.lineno
    segment = text[start:end].strip() if start is not None and end is not None and same_line else ""
    statement = _parsed(text.strip())
    if statement is not None and segment and not _stores_into(statement, segment):
        expression = _parsed(segment)
        if expression is not None:
            statement = expression
    if statement is None:
        return None
    return {node.id for node in ast.walk(statement) if isinstance(node, ast.Name)}


def _parsed(source: str):
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _stores_into(statement, segment: str) -> bool:
    """Whether ``segment`` (source text) is a target the statement assigns."""
    tree = _parsed(segment)
    if tree is None or len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return False
    wanted = ast.unparse(tree.body[0].value)
    for node in ast.walk(statement):
        targets = (node.targets if isinstance(node, ast.Assign) else
                   [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        if any(ast.unparse(target) == wanted for target in targets):
            return True
    return False


def _holds_tracer(value, depth: int = 0) -> bool:
    if isinstance(value, jax.core.Tracer):
        return True
    if depth > 2:
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_tracer(item, depth + 1) for item in list(value)[:64])
    if isinstance(value, dict):
        return any(_holds_tracer(item, depth + 1) for item in list(value.values())[:64])
    return False


def _is_jax_class(kind: type) -> bool:
    return kind.__module__.split(".")[0] in ("jax", "jaxlib", "py2lax")


def _is_jax_code(filename: str) -> bool:
    """Whether a frame below the user's line is JAX's code (or a JAX library's), which
    raises about traced values (a shape mismatch, a traced index): an error passing
    there is not Python's error about Python values."""
    parts = filename.replace("\\", "/").split("/")
    return any(part in ("jax", "jaxlib", "flax", "optax", "equinox") for part in parts)


def _performs_users_read(summary) -> bool:
    """py2lax's ``getitem``, which reads ``items[index]`` for the user's line (a list or
    dict the function made, ``transforms/list_reads``): Python's KeyError or IndexError
    there is the user's own lookup's."""
    from py2lax.runtime import list_positions

    return (summary.name == "getitem"
            and os.path.realpath(summary.filename) == os.path.realpath(list_positions.__file__))


def _is_package_code(filename: str) -> bool:
    """py2lax's own code: it forwards the user's calls (its frames may lie between the
    user's line and the library that raised), but an error it raises itself is its own."""
    return is_package_file(filename)


# A `raise` deferred to run time this many times while one outermost function is traced
# is inside a Python loop waiting for it to end (`while True: x = step(x)` with `step`
# raising under a traced `if`): that loop would be unrolled forever.
_DEFERRALS_LIMIT = 1000
_DEFERRALS: dict[str, int] = {}


def raising_when_run(raised: BranchRaised, other):
    """A branch that raises ``raised.error`` when it runs and otherwise computes ``other``."""
    _DEFERRALS[raised.location] = count = _DEFERRALS.get(raised.location, 0) + 1
    if count > _DEFERRALS_LIMIT:
        raise _endless_unrolling_error(raised, count) from None

    def branch(*operands):
        # raised where Python takes this branch (and the conditions around it) only:
        # under jax.vmap the cond runs both branches for every element
        raised_if(np.True_, raised.error, raised.location, "in a branch of a traced `if`")
        return other(*operands)

    branch.__wrapped__ = other
    branch.raises_when_run = True
    return branch


def _endless_unrolling_error(raised: BranchRaised, count: int) -> ConversionError:
    kind = type(raised.error).__name__
    filename, _, line = raised.location.rpartition(":")
    return ConversionError(
        f"{_raising(raised)} here, under a traced condition, was reached {count - 1} times "
        "while tracing: a Python loop around it (such as `while True:`) waits for it to stop, but "
        "a traced condition only decides when the compiled program runs, so the loop would "
        "be unrolled forever",
        location=Location(filename, int(line)) if line.isdigit() else None, names=(kind,),
        rule="a loop whose condition is static runs as Python while tracing; an exit that "
        "depends on a traced value must be the loop's own condition or a `break`.",
        fix="end the loop with a traced test instead of the exception (`while not "
        "done:` with `done = v > 4`, or `if v > 4: break`), so py2lax compiles it as a "
        "`lax.while_loop`.",
    )


class _Raiser:
    def __init__(self, error: BaseException, location: str,
                 where: str = "in a branch of a traced `if`"):
        self.error, self.location, self.where = error, location, where

    def __call__(self, error: BaseException | None = None):
        error = self.error if error is None else error
        if not any(self.location in note for note in getattr(error, "__notes__", [])):
            error.add_note(f"raised at {self.location}, {self.where}")
        raise error


def caught_by_a_try(raised: BranchRaised, info) -> tuple | None:
    """Where a ``try`` would catch the error: ``()`` for one around the statement in its
    own function, ``(file, line)`` for a converted caller's (see caller_handlers)."""
    written = _register_written_callers()
    try:
        caught_at = catching_caller(raised.error)  # (its handlers' classes, as Python tests them)
    finally:
        _CONVERTED_CODES.difference_update(written)
    if info.inside_try and caught_at is not None:
        return ()  # (perhaps a caller's try: the refusal is the same)
    return caught_at


def _register_written_callers() -> set:
    """Note as converted code, for one look at the stack, the frames ``py2lax FILE`` wrote;
    return the codes noted (the caller forgets them after its look).

    A module the command line rewrote is imported as it is, so the loader never registered
    its functions (caller_handlers.register): under ``jax.jit`` its ``try`` around a
    ``py2lax.cond(...)`` or a ``py2lax.converted(check)(x)`` whose branch raises was not
    seen, and the error escaped as JAX's runtime error where Python runs the handler. Such
    a frame imports py2lax, names one of the runtime's helpers, and is calling into the
    runtime or into converted code right now, or it is a function of the same module
    calling one of those directly; a user's script calling a jitted function calls JAX,
    never the runtime directly.

    A frame whose handlers there would also catch py2lax's refusal (``except Exception:``)
    is left out: nothing raises a refusal again when such a function ends (the decorator's
    wrapper does, ``refusals_kept``), so the handler would swallow it and its value would
    be the answer; the error is then raised when the program runs, as before."""
    from py2lax import _HOMES
    from py2lax.runtime.caller_handlers import _catches

    helpers = frozenset(_HOMES["py2lax.runtime"])
    noted: set = set()
    callee = sys._getframe(1)
    frame = callee.f_back
    while frame is not None:
        code = frame.f_code
        calls_runtime = ("py2lax" in code.co_names
                         and getattr(frame.f_globals.get("py2lax"), "__name__", None) == "py2lax"
                         and not helpers.isdisjoint(code.co_names)
                         and (callee.f_code in _CONVERTED_CODES
                              or _is_runtime_file(callee.f_code)))
        # (a function of the same printed module calling one noted: `y = check(x)`, the
        # command converts the module's helpers itself and calls them directly)
        calls_printed = callee.f_code in noted and frame.f_globals is callee.f_globals
        if code not in _CONVERTED_CODES and (calls_runtime or calls_printed):
            if _catches(frame, ConversionError("(a refusal)")):
                break  # (it would swallow the refusal; callers further out are not reached)
            register(code)
            noted.add(code)
        callee, frame = frame, frame.f_back
    return noted


def _is_runtime_file(code) -> bool:
    """Whether ``code`` is py2lax's runtime or one of its wrappers of converted functions,
    not the API a user's script calls (``autograph_jit(f)(x)``, ``api.py``)."""
    return (is_package_file(code.co_filename)
            and os.path.basename(code.co_filename) != "api.py")


def refuse_if_caught_while_tracing(error: BaseException, info) -> None:
    """Refuse (located) an error that tracing a branch raised (``math.sqrt(-1.0)`` in
    the branch the values never take) when a ``try`` around the statement, here or in a
    converted caller, would catch it: Python raises it only if that branch runs, but the
    handler would run now, while tracing, whatever the values are."""
    if type(error).__module__.split(".")[0] in ("py2lax", "jax", "jaxlib"):
        return  # py2lax's own errors and signals (PythonEffects), JAX's: never the user's
    where = raise_site(error)
    caught_at = caught_by_a_try(BranchRaised(error, None, where or ""), info)
    if caught_at is None:
        return
    raise kept(_caught_while_tracing_error(error, info, where, caught_at)) from None


def _caught_while_tracing_error(error: BaseException, info, where: str | None,
                                caught_at: tuple) -> ConversionError:
    """Python's or a library's error, raised by a branch Python may not take (``where``
    the user's line), that a ``try`` around the statement (``caught_at``: a caller's
    line, or ``()`` for this function's own) would catch."""
    kind = type(error).__name__
    at = f" at {where}" if where else ""
    by = ("the `try` around it" if not caught_at else
          f"the `try` around the call at {caught_at[0]}:{caught_at[1]}")
    return ConversionError(
        f"tracing the branches of this `if`, whose condition is traced, raised {kind}"
        f"{at} ({error}); Python raises it only if that branch runs, but {by} catches it "
        "now, while tracing, whatever the values are",
        location=info.location, names=(kind,),
        rule="lax.cond traces both branches while the function is compiled, so Python code "
        "in the branch the values do not take runs too.",
        fix="make the failing call safe for every value (e.g. `jnp.sqrt(jnp.maximum(v, "
        "0.0))` instead of `math.sqrt(v)`) and select with the condition, or make the "
        "condition static so Python decides which branch runs.",
    )


def _raising(raised: BranchRaised) -> str:
    """How a message names what raised: the user's `raise` or the call that failed."""
    kind = type(raised.error).__name__
    if is_raise_statement(raised.location):
        return f"`raise {kind}`"
    return f"a call that raises {kind} ({raised.error})"


def is_raise_statement(location: str) -> bool:
    """Whether the user's line at ``location`` (``file:line``) is a ``raise`` statement,
    not a call that raised (``math.sqrt(v)``)."""
    filename, _, line = location.rpartition(":")
    text = linecache.getline(filename, int(line)).strip() if line.isdigit() else ""
    return _is_raising_line(text)


def _is_raising_line(text: str) -> bool:
    """A ``raise`` statement, or an ``assert`` (whose failing test raises as one does: a
    static ``assert`` in a branch a traced condition may not take fails only if it runs)."""
    return text == "raise" or text.startswith(("raise ", "raise(")) or _is_assert(text)


def _is_assert(text: str) -> bool:
    return text.startswith(("assert ", "assert("))


def raise_site(error: BaseException) -> str | None:
    """``file:line`` of the innermost line of the user's that the error passed."""
    innermost = _innermost_user_frame(traceback.extract_tb(error.__traceback__))
    return None if innermost is None else f"{innermost.filename}:{innermost.lineno}"


def _innermost_user_frame(frames):
    innermost = None
    for frame in frames:
        if is_user_file(frame.filename):
            innermost = frame
    return innermost


def caught_at_run_time_error(raised: BranchRaised, info, statement: str = "if",
                             caught_at: tuple = ()) -> ConversionError:
    """The ``raise`` would have to be caught by a ``try`` around the traced statement
    (``caught_at``: the calling function's line whose ``try`` catches it, if not here)."""
    if not is_raise_statement(raised.location):  # math.sqrt(-1.0): no `raise` to point at
        return _caught_while_tracing_error(raised.error, info, raised.location, caught_at)
    kind = type(raised.error).__name__
    what = ("this `if`, whose condition is traced," if statement == "if" else
            "this loop, whose trip count is traced,")
    where = ("inside a `try` block that catches exceptions" if not caught_at else
             f"and the `try` around the call at {caught_at[0]}:{caught_at[1]} catches it")
    return ConversionError(
        f"{what} leads to `raise {kind}` ({raised.location}) {where}",
        location=info.location, names=(kind,),
        rule="a traced condition is decided when the compiled program runs; an error raised "
        "then cannot be caught by the Python `try`/`except` around it, which ran while "
        "tracing.",
        fix="test for the failing case with values instead (e.g. `jnp.where(bad, fallback, "
        "value)`), or make the condition static so Python raises and catches it.",
    )


class raised_when_entered:
    """Around tracing a loop whose trip count is traced: a body that stops at the user's
    ``raise`` on every path (``for i in range(n): raise ...``) raises when the compiled
    program enters the loop, as Python's first iteration would, and leaves ``carry``
    unchanged otherwise (``entered.carry``) — not while tracing, whatever ``n`` is.

    ``enters`` gives the traced condition for the first iteration.
    """

    def __init__(self, enters, carry, info):
        self.enters, self.carry, self.info = enters, carry, info

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _traceback):
        if error is None or not isinstance(error, Exception):
            return False
        location = raise_location(error)
        if location is None:
            return False
        raised = BranchRaised(error, None, location)
        caught_at = caught_by_a_try(raised, self.info)
        if caught_at is not None:
            raise kept(caught_at_run_time_error(raised, self.info, "loop", caught_at)) from None
        check_not_suppressed(BranchRaised(error, None, location), self.info, "loop")
        from py2lax.runtime.values import truth

        raised_if(truth(self.enters(), self.info.location), error, location,
                  "in a loop whose trip count is traced")
        return True  # the loop runs zero times or raises: the carry is unchanged


def raised_if(condition, error: BaseException, location: str, where: str) -> None:
    """The compiled program raises ``error`` (noted as raised at ``location``, ``where``)
    when the traced ``condition`` holds as it runs, where Python runs the code being traced
    (not in a branch of a cond, or a step of a loop, that vmap runs for an element not taking it)."""
    condition = where_python_runs(condition)
    note_raised_when(condition)
    parts = TracedParts(error)
    jax.debug.callback(_RaisedWhen(_Raiser(error, location, where), parts), condition,
                       *parts.tracers)


class _RaisedWhen:
    """The callback gets the condition itself, not a ``lax.cond`` branch: under
    ``jax.vmap`` a cond on a batched condition runs both branches, which raised for every
    batch (``range(lo, hi, step)`` with no zero step among them)."""

    def __init__(self, raiser: _Raiser, parts: TracedParts):
        self.raiser, self.parts = raiser, parts

    def __call__(self, condition, *values):
        if np.any(np.asarray(condition)):
            self.raiser(self.parts.filled(values))


# -- a `raise` inside a `with` block ---------------------------------------------------


def check_not_suppressed(raised: BranchRaised, info, statement: str = "if") -> None:
    """Refuse, at trace time, a ``raise`` under a traced condition inside a ``with`` block
    of the same function whose manager may suppress it: the compiled program raises
    when it runs, long after ``__exit__`` ran (while tracing), so nothing would
    suppress it. A manager whose ``__exit__`` never suppresses lets it through as
    Python does. ``info.managers`` names the variables holding the managers."""
    for name in reversed(info.managers):
        manager = _manager_named(name)
        if manager is _UNKNOWN or may_suppress(manager, raised.error):
            raise kept(_suppressed_at_run_time_error(raised, info, manager, statement))


def kept(refusal: ConversionError) -> ConversionError:
    """``refusal``, noted so that it is raised when the function ends even if the user's
    ``except`` or ``with`` around it (the very one it is about) swallows it while tracing
    (see :class:`refusals_kept`)."""
    _REFUSALS.append(refusal)
    return refusal


_REFUSALS: list[BaseException] = []


class refusals_kept:
    """Around running a converted function: a refusal raised inside a ``with`` block
    whose manager then suppressed it (while tracing, ``__exit__`` sees py2lax's error
    too) is raised when the function ends, instead of being lost. The refusals stay
    noted until the outermost converted function ends: a caller's own ``with`` may
    suppress the error again."""

    depth = 0

    def __enter__(self):
        self.mark = len(_REFUSALS)
        refusals_kept.depth += 1
        return self

    def __exit__(self, kind, error, _traceback):
        refusals_kept.depth -= 1
        refused = _REFUSALS[self.mark:]
        if not refusals_kept.depth:
            del _REFUSALS[self.mark:]
            _DEFERRALS.clear()
        if refused and not any(error is r for r in refused):
            raise refused[0]
        return False


_UNKNOWN = object()


def _manager_named(name: str):
    """The value of the generated variable ``name`` in the nearest frame that has it:
    the user's function, running the ``with`` block (its branch and body functions
    are called from inside it)."""
    frame = sys._getframe(1)
    while frame is not None:
        if name in frame.f_code.co_varnames or name in frame.f_code.co_cellvars:
            return frame.f_locals.get(name, _UNKNOWN)
        frame = frame.f_back
    return _UNKNOWN


def may_suppress(manager, error: BaseException) -> bool:
    """Whether ``manager.__exit__`` may suppress ``error``, told without calling it:
    ``contextlib.suppress`` by its classes, files and locks never do, a Python
    ``__exit__`` never does if it only returns falsy constants, a ``@contextmanager``
    never does if its generator handles no exceptions. Anything else may."""
    if isinstance(manager, contextlib.suppress):
        return isinstance(error, manager._exceptions)
    if isinstance(manager, _NEVER_SUPPRESS):
        return False
    if isinstance(manager, contextlib._GeneratorContextManager):
        code = getattr(getattr(manager, "gen", None), "gi_code", None)
        return code is None or bool(getattr(code, "co_exceptiontable", b"x"))
    exit_method = getattr(type(manager), "__exit__", None)
    code = getattr(exit_method, "__code__", None)
    return code is None or not _returns_only_falsy_constants(code)


_NEVER_SUPPRESS = (io.IOBase, contextlib.nullcontext, type(threading.Lock()),
                   type(threading.RLock()))


def _returns_only_falsy_constants(code) -> bool:
    instructions = list(dis.get_instructions(code))
    for index, instruction in enumerate(instructions):
        if instruction.opname == "RETURN_CONST" and instruction.argval:
            return False
        if instruction.opname == "RETURN_VALUE":
            before = instructions[index - 1] if index else None
            if before is None or before.opname != "LOAD_CONST" or before.argval:
                return False
    return True


def _suppressed_at_run_time_error(raised: BranchRaised, info, manager,
                                  statement: str) -> ConversionError:
    kind = type(raised.error).__name__
    what = ("this `if`, whose condition is traced," if statement == "if" else
            "this loop, whose trip count is traced,")
    named = ("a context manager" if manager is _UNKNOWN
             else f"`{type(manager).__qualname__}`")
    return ConversionError(
        f"{what} leads to {_raising(raised)} ({raised.location}) inside a `with` block whose "
        f"manager ({named}) may suppress it",
        location=info.location, names=(kind,),
        rule="a traced condition is decided when the compiled program runs; an error raised "
        "then cannot be suppressed by the manager's `__exit__`, which ran while tracing.",
        fix="for `contextlib.suppress`, raise the class it names with arguments that make no "
        "calls (py2lax then compiles the `raise` as a jump to the end of the block); "
        "otherwise test for the failing case with values instead (e.g. `jnp.where(bad, "
        "fallback, value)`), or make the condition static so Python raises it.",
    )
