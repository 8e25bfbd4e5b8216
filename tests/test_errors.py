"""Errors that point at the user's line and say how to fix it.

What must hold (one case per error kind, each checked the same way):

* Every error raised because of how the user's code is written is a
  :class:`py2lax.ConversionError` (one small hierarchy), whose message names the user's
  file and line, quotes the offending statement, names the variable(s) involved, states
  the rule lax imposes and ends with ``Fix: ...``.
* The traceback the user sees ends in their own code: its innermost frame is the user's
  failing line in the user's file (py2lax's frames are hidden the way JAX hides its own).
  For errors found while converting (before anything runs), that is the line that
  called ``autograph_jit``.
* JAX errors that py2lax did not anticipate keep their type and get a note naming the
  user's statement and why py2lax left it as Python.
* Functions whose source cannot be read are left unconverted with a ConversionWarning,
  never a crash; IPython cells, whose sources are readable, are converted.

The user functions live at module level in this file, so ``inspect`` can read them and
the expected file in every message and traceback is this file. Every call goes through
``py2lax.autograph_jit(f)(...)``: JAX filters tracebacks when an error crosses
``jax.jit``, and py2lax registers its own package for that filtering.
"""

from __future__ import annotations

import code
import contextlib
import inspect
import linecache
import math
import re
import statistics
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from conftest import f32, i32
from py2lax.diagnostics.tracebacks import PACKAGE_DIRECTORY as PY2LAX_DIRECTORY

pytestmark = pytest.mark.usefixtures("time_limit")


def _line(function, text: str) -> int:
    """The line number, in this file, of the first line of ``function`` containing ``text``."""
    lines, first = inspect.getsourcelines(function)
    return first + next(i for i, line in enumerate(lines) if text in line)


# =========================================================================== user code
# -- a variable defined on one path only -----------------------------------------------
def defined_in_one_branch(x):
    if x > 0:
        y = x * 2
    return y


def defined_in_else_only(x):
    if x > 0:
        pass
    else:
        z = -x
    return z


def first_assigned_in_for(x, n):
    for i in range(n):
        last = last + x * i  # read before the loop has given it a value
    return last


def first_assigned_in_while(x):
    while x > 1:
        total = total + x  # noqa: F821 (read before any assignment: Python fails too)
        x = x / 2
    return total


# -- branches / iterations that disagree on types ----------------------------------
def branch_shapes_differ(x):
    if x[0] > 0:
        y = jnp.zeros(3)
    else:
        y = jnp.zeros(4)
    return y


def loop_grows_shape(x, n):
    for i in range(n):
        x = jnp.concatenate([x, x])
    return x


def leaf_shape_differs(x):
    state = {"v": (x, x)}
    if x > 0:
        state["v"] = (x, jnp.zeros(2))
    return state


def leaf_becomes_none(x):
    state = {"v": (x, x)}
    if x > 0:
        state = {"v": (x, None)}
    return state


def strict_dtypes_differ(x, n):
    if x > 0:
        y = n
    else:
        y = x
    return y


def key_or_float(x):
    if x > 0:
        k = jax.random.key(0)
    else:
        k = jnp.float32(0)
    return k


def array_condition(x):
    if x > 0:
        x = x + 1
    return x


def list_grows_in_traced_loop(x, n):
    rows = []
    for i in range(n):
        rows.append(x * i)
    return rows


# -- value-dependent shapes ------------------------------------------------------------
def mask_in_traced_if(x):
    if x.sum() > 0:
        x = x[x > 0]
    return x


def nonzero_in_traced_loop(x, n):
    for i in range(n):
        x = jnp.nonzero(x)
    return x


def get_negatives(x):  # the seed, no control flow at all
    return x[x < 0]


# -- Python conversions of traced values ------------------------------------------------
def remainder_of_traced(x):
    r = math.remainder(x, 2.0)
    return r


def max_of_filtered_without_default(v):
    return max(x for x in v if x > 0)


def range_in_comprehension(x, n):
    return sum([x * i for i in range(n)])


class Mixer:
    weights = [0.5, 1.0, 2.0]  # (a module-level list is read at a traced position)


def list_indexed_by_traced(x, i):
    return x * Mixer.weights[i]


BUFFER = np.zeros(2, np.float32)


def written_into_global_numpy_buffer(v):
    for i in range(2):
        if v[i] > 0:
            BUFFER[i] = v[i]
    return BUFFER.sum()


# -- unsupported syntax (the fence) -----------------------------------------------------
def generator(x):
    if x > 0:
        yield x


async def coroutine(x):
    return x


COUNT = 0


def global_write_in_traced_if(x):
    global COUNT
    if x > 0:
        COUNT = 1
    return x


def _accumulator():
    # (the cell belongs to a call that ended before the trace: it would keep a tracer;
    # a cell of a function the trace runs is written, test_ob_nonlocal_helpers.py)
    total = 0.0

    def nonlocal_write_in_traced_if(v):
        nonlocal total
        if v > 0:
            total = v
        return v

    return nonlocal_write_in_traced_if


nonlocal_write_in_traced_if = _accumulator()


def returns_on_one_path(x):
    if x > 0:
        return x * 2.0


def pops_in_traced_loop(n):
    stack = [1.0, 2.0, 3.0, 4.0]
    total = 0.0
    for _ in range(n):
        total += stack.pop()
    return total


def loop_options_unknown_keyword(x, n):
    for i in range(n):
        py2lax.loop_options(max_iters=10)
        x = x + 1
    return x


def loop_options_positional(x, n):
    for i in range(n):
        py2lax.loop_options(10)
        x = x + 1
    return x


def loop_options_negative(x, n):
    for i in range(n):
        py2lax.loop_options(max_iterations=-1)
        x = x + 1
    return x


def loop_options_not_an_int(x, n):
    for i in range(n):
        py2lax.loop_options(max_iterations="10")
        x = x + 1
    return x


def loop_options_traced(x, n):
    for i in range(n):
        py2lax.loop_options(max_iterations=n)
        x = x + 1
    return x


# =========================================================================== the cases
@dataclass(frozen=True)
class Case:
    id: str
    function: Callable
    args: tuple
    error: type                      # the py2lax class expected
    line: str                        # text of the user's failing line (in ``function``)
    names: tuple[str, ...] = ()      # variables the message must name
    fix: tuple[str, ...] = ()        # text the "Fix:" part must contain
    mentions: tuple[str, ...] = ()   # other text the message must contain
    jit_kwargs: dict = field(default_factory=dict)
    context: Callable = contextlib.nullcontext
    at_conversion: bool = False      # raised by autograph_jit(f), before any call
    frame_line: str | None = None    # the innermost frame's line, where not ``line``

    @property
    def lineno(self) -> int:
        return _line(self.function, self.line)

    @property
    def innermost_lineno(self) -> int:
        if self.frame_line is not None:
            return _line(self.function, self.frame_line)
        return _CALL_LINE if self.at_conversion else self.lineno


def _strict_promotion():
    return jax.numpy_dtype_promotion("strict")


CASES = [
    # a variable defined on only one path, used afterwards
    Case("one-branch", defined_in_one_branch, (f32(1.0),), py2lax.UndefinedVariableError,
         "if x > 0:", names=("y",), fix=("before the `if`",), mentions=("true branch",)),
    Case("else-only", defined_in_else_only, (f32(1.0),), py2lax.UndefinedVariableError,
         "if x > 0:", names=("z",), fix=("before the `if`",), mentions=("false branch",)),
    Case("first-in-for", first_assigned_in_for, (f32(1.0), i32(3)),
         py2lax.UndefinedVariableError, "for i in range(n):", names=("last",),
         fix=("before the loop",)),
    Case("first-in-while", first_assigned_in_while, (f32(8.0),),
         py2lax.UndefinedVariableError, "while x > 1:", names=("total",),
         fix=("before the loop",)),
    # shapes, dtypes, structures
    Case("branch-shapes", branch_shapes_differ, (jnp.ones(2),), py2lax.CarryTypeError,
         "if x[0] > 0:", names=("y",), fix=("jnp.where",), mentions=("(3,)", "(4,)")),
    Case("loop-shape", loop_grows_shape, (jnp.ones(2), i32(3)), py2lax.CarryTypeError,
         "for i in range(n):", names=("x",), fix=("pad",), mentions=("(2,)", "(4,)")),
    Case("leaf-shape", leaf_shape_differs, (f32(1.0),), py2lax.CarryTypeError,
         "if x > 0:", names=("state",), fix=("shape",), mentions=("['v'][1]",)),
    Case("leaf-structure", leaf_becomes_none, (f32(1.0),), py2lax.CarryTypeError,
         "if x > 0:", names=("state",), fix=("same structure",),
         mentions=("state['v'][1]", "None")),
    Case("strict-dtypes", strict_dtypes_differ, (f32(1.0), i32(2)), py2lax.CarryTypeError,
         "if x > 0:", names=("y",), fix=("astype",), mentions=("int32", "float32"),
         context=_strict_promotion),
    Case("key-vs-float", key_or_float, (f32(1.0),), py2lax.CarryTypeError,
         "if x > 0:", names=("k",), mentions=("key", "float32")),
    Case("array-condition", array_condition, (jnp.ones(3),), py2lax.TracedTruthValueError,
         "if x > 0:", fix=("jnp.all", "jnp.where"), mentions=("(3,)",)),
    Case("growing-list", list_grows_in_traced_loop, (f32(1.0), i32(3)), py2lax.ConversionError,
         "for i in range(n):", names=("rows",), fix=("rows.at[i].set",)),
    # value-dependent shapes
    Case("mask-in-if", mask_in_traced_if, (jnp.ones(3),), py2lax.ValueDependentShapeError,
         "x = x[x > 0]", names=("x",), fix=("jnp.where(x > 0, x, 0)", "size=")),
    Case("nonzero-in-loop", nonzero_in_traced_loop, (jnp.ones(3), i32(2)),
         py2lax.ValueDependentShapeError, "x = jnp.nonzero(x)", names=("x",),
         fix=("size=",)),
    Case("get-negatives", get_negatives, (jnp.ones(3),), py2lax.ValueDependentShapeError,
         "return x[x < 0]", names=("x",), fix=("jnp.where(x < 0, x, 0)", "size=")),
    # Python conversions
    Case("math-remainder", remainder_of_traced, (f32(3.0),), py2lax.TracedValueError,
         "r = math.remainder(x, 2.0)", names=("x",), fix=("jax.numpy",)),
    Case("max-filtered", max_of_filtered_without_default, (jnp.ones(3),),
         py2lax.ValueDependentShapeError, "return max(x for x in v if x > 0)",
         names=("max",), fix=("default=",)),
    Case("range-in-comprehension", range_in_comprehension, (f32(1.0), i32(3)),
         py2lax.TracedValueError, "for i in range(n)])", names=("n",),
         fix=("for i in range(n):",)),
    Case("list-index", list_indexed_by_traced, (f32(1.0), i32(1)), py2lax.TracedValueError,
         "Mixer.weights[i]", names=("Mixer.weights", "i"),
         fix=("jnp.asarray(Mixer.weights)",)),
    Case("numpy-element", written_into_global_numpy_buffer, (jnp.array([1.0, -2.0]),),
         py2lax.TracedValueError, "BUFFER[i] = v[i]", names=("BUFFER", "v"),
         fix=("BUFFER.at[i].set(v)", "jnp.zeros")),
    # the fence: found while converting
    Case("yield", generator, (f32(1.0),), py2lax.UnsupportedSyntaxError, "yield x",
         fix=("lax.scan",), at_conversion=True),
    Case("async-def", coroutine, (f32(1.0),), py2lax.UnsupportedSyntaxError,
         "async def coroutine", names=("coroutine",), fix=("plain `def`",),
         at_conversion=True),
    # (decided at trace time: the same statements run as Python when the condition is static)
    Case("global-write", global_write_in_traced_if, (f32(1.0),), py2lax.OuterWriteError,
         "if x > 0:", names=("COUNT",), fix=("local variable", "return it")),
    Case("nonlocal-write", nonlocal_write_in_traced_if, (f32(1.0),),
         py2lax.OuterWriteError, "if v > 0:", names=("total",), fix=("return it",)),
    Case("returns-none-on-a-path", returns_on_one_path, (f32(-1.0),),
         py2lax.InconsistentReturnError, "return x * 2.0", names=("returns_on_one_path",),
         fix=("return a value on every path",), mentions=("falls off the end", "None"),
         frame_line="if x > 0:"),
    Case("list-popped-in-traced-loop", pops_in_traced_loop, (i32(2),), py2lax.OuterWriteError,
         "for _ in range(n):", names=("stack",), fix=("static",),
         mentions=("length changes from 4 to 3",)),
    Case("loop-options-keyword", loop_options_unknown_keyword, (f32(1.0), i32(3)),
         py2lax.UnsupportedSyntaxError, "loop_options(max_iters=10)",
         fix=("max_iterations=",), mentions=("max_iters",), at_conversion=True),
    Case("loop-options-positional", loop_options_positional, (f32(1.0), i32(3)),
         py2lax.UnsupportedSyntaxError, "loop_options(10)", fix=("max_iterations=",),
         at_conversion=True),
    Case("loop-options-negative", loop_options_negative, (f32(1.0), i32(3)),
         py2lax.UnsupportedSyntaxError, "max_iterations=-1", fix=("max_iterations=",),
         at_conversion=True),
    Case("loop-options-not-int", loop_options_not_an_int, (f32(1.0), i32(3)),
         py2lax.UnsupportedSyntaxError, 'max_iterations="10"', fix=("max_iterations=",),
         at_conversion=True),
    # (only known while tracing; the bound is used where the loop runs)
    Case("loop-options-traced", loop_options_traced, (f32(1.0), i32(3)),
         py2lax.ConversionError, "for i in range(n):", names=("max_iterations",),
         fix=("max_iterations=",), frame_line="for i in range(n):"),
]


def _run(case: Case):
    """Call the case's function the way a user does; return what it raised."""
    with case.context():
        return py2lax.autograph_jit(case.function, **case.jit_kwargs)(*case.args)  # call line


_CALL_LINE = _line(_run, "autograph_jit(case.function")

_RAISED: dict[str, BaseException | None] = {}


def raised(case: Case) -> BaseException:
    """The exception the case raises (computed once per case, for both checks below)."""
    if case.id not in _RAISED:
        try:
            _run(case)
        except Exception as error:  # noqa: BLE001 - the point is to look at it
            _RAISED[case.id] = error
        else:
            _RAISED[case.id] = None
    error = _RAISED[case.id]
    if error is None:
        pytest.fail(f"{case.function.__name__}{case.args} raised nothing")
    return error


def _describe(error: BaseException) -> str:
    text = f"{type(error).__module__}.{type(error).__qualname__}: {error}"
    return text if len(text) < 800 else text[:800] + " ..."


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_message_names_file_line_statement_variables_rule_and_fix(case):
    error = raised(case)
    assert isinstance(error, py2lax.ConversionError), _describe(error)
    assert isinstance(error, case.error), _describe(error)
    message = str(error)
    line = case.lineno
    # where: file and line, in the message and as attributes
    assert error.location is not None, message
    assert (error.location.filename, error.location.line) == (__file__, line), message
    assert f"{__file__}:{line}" in message, message
    # what: the offending statement's text
    statement = linecache.getline(__file__, line).strip()
    assert statement and f"\n    {statement}\n" in message, message
    # which variables
    for name in case.names:
        assert name in error.names, (error.names, message)
        assert re.search(rf"\b{re.escape(name)}\b", error.problem), message
    for text in case.mentions:
        assert text in message, (text, message)
    # the rule lax imposes, and the fix
    assert error.rule and error.rule in message, message
    assert error.fix and f"Fix: {error.fix}" in message, message
    for text in case.fix:
        assert text in error.fix, (text, message)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_innermost_traceback_frame_is_the_users_line(case):
    error = raised(case)
    frames = traceback.extract_tb(error.__traceback__)
    innermost = frames[-1]
    expected = case.innermost_lineno
    where = [(f.filename, f.lineno, f.line) for f in frames]
    assert innermost.filename == __file__, where
    assert innermost.lineno == expected, where
    assert not [f for f in frames if f.filename.startswith(PY2LAX_DIRECTORY)], where


def test_every_error_class_is_a_conversion_error():
    for name in ("UnsupportedSyntaxError", "UndefinedVariableError", "CarryTypeError",
                 "TracedTruthValueError", "TracedValueError", "ValueDependentShapeError"):
        error = getattr(py2lax, name)
        assert issubclass(error, py2lax.ConversionError)
        assert issubclass(error, py2lax.Py2laxError)
    # and each keeps the builtin type a plain-Python program would have raised
    assert issubclass(py2lax.UndefinedVariableError, NameError)
    assert issubclass(py2lax.TracedValueError, TypeError)
    assert issubclass(py2lax.ValueDependentShapeError, IndexError)


def test_conversion_error_reads_where_what_rule_fix():
    location = py2lax.diagnostics.errors.Location(__file__, _line(defined_in_one_branch, "if x > 0"))
    error = py2lax.ConversionError("something is wrong", location=location, names=("y",),
                                   rule="lax says so.", fix="do this.")
    assert str(error).splitlines() == [
        f"{__file__}:{location.line}: something is wrong",
        "    if x > 0:",
        "lax says so.",
        "Fix: do this.",
    ]


def keys_in_both_branches(x):
    if x > 0:
        key = jax.random.key(0)
    else:
        key = jax.random.key(1)
    return jax.random.normal(key)


def key_split_in_traced_loop(x, n):
    key = jax.random.key(0)
    for i in range(n):
        key, sub = jax.random.split(key)
        x = x + jax.random.normal(sub)
    return x


def test_typed_prng_keys_carried_through_branches_and_loops_are_not_an_error():
    # the counterpart of "key-vs-float": keys on every path are fine (Python agrees)
    for x in (1.0, -1.0):
        expected = keys_in_both_branches(f32(x))
        assert float(py2lax.autograph_jit(keys_in_both_branches)(f32(x))) == float(expected)
    expected = key_split_in_traced_loop(f32(0.0), 3)
    actual = py2lax.autograph_jit(key_split_in_traced_loop)(f32(0.0), i32(3))
    assert float(actual) == pytest.approx(float(expected), rel=1e-6)


def test_a_promotable_dtype_difference_is_not_an_error():
    # the counterpart of "strict-dtypes": with standard promotion, int32 and float32 join
    out = py2lax.autograph_jit(strict_dtypes_differ)(f32(-1.0), i32(2))
    assert out.dtype == jnp.float32 and float(out) == -1.0


# ====================================================== reverse mode, traced trip count
def power(x, n):
    y = 1.0
    for _ in range(n):
        y = y * x
    return y


def bounded_power(x, n):
    y = 1.0
    for _ in range(n):
        py2lax.loop_options(max_iterations=10)
        y = y * x
    return y


def _grad_of_traced_loop():
    try:
        jax.grad(py2lax.autograph_jit(power))(f32(2.0), i32(3))
    except Exception as error:  # noqa: BLE001
        return error
    pytest.fail("jax.grad through a traced-trip-count loop raised nothing")


def test_reverse_mode_through_traced_loop_points_at_the_loop_and_bound_fixes_it():
    # A py2lax error at the user's loop, whose cause (JAX's error) carries the stack trace
    # of the operation before transformation, ending at the user's loop line.
    error = _grad_of_traced_loop()
    assert isinstance(error, py2lax.ConversionError), _describe(error)
    assert "loop_options(max_iterations=" in str(error)
    loop_line = _line(power, "for _ in range(n):")
    chain, cause = [], error
    while cause is not None:
        chain.append(cause)
        cause = cause.__cause__
    innermost_user = [
        (f.filename, f.lineno)
        for e in chain for f in traceback.extract_tb(e.__traceback__)
        if f.filename == __file__
    ]
    assert (__file__, loop_line) in innermost_user, innermost_user
    # The fix: bound the loop; reverse mode then works and matches eager Python.
    expected = jax.grad(bounded_power)(f32(2.0), 3)
    actual = jax.grad(py2lax.autograph_jit(bounded_power))(f32(2.0), i32(3))
    assert float(actual) == pytest.approx(float(expected)) == 12.0


def test_reverse_mode_through_traced_loop_is_a_py2lax_error_naming_the_bound():
    error = _grad_of_traced_loop()
    assert isinstance(error, py2lax.ConversionError), _describe(error)
    message = str(error)
    loop_line = _line(power, "for _ in range(n):")
    assert f"{__file__}:{loop_line}" in message, message
    assert "for _ in range(n):" in message, message
    assert "loop_options(max_iterations=" in error.fix, message
    frames = traceback.extract_tb(error.__traceback__)
    assert frames[-1].filename == __file__, frames


def test_exceeding_max_iterations_reports_the_users_loop_at_run_time():
    # Found only when the compiled program runs (a debug callback), so it reaches the user
    # wrapped in JAX's runtime error, but with py2lax's located message inside.
    with pytest.raises(Exception) as caught:
        jax.block_until_ready(py2lax.autograph_jit(bounded_power)(f32(1.5), i32(11)))
    message = str(caught.value)
    loop_line = _line(bounded_power, "for _ in range(n):")
    assert f"{__file__}:{loop_line}" in message, message
    assert "max_iterations=10" in message and "Fix: raise `max_iterations`" in message, message


# ============================================== JAX errors py2lax did not anticipate
def bool_in_comprehension(x):
    values = [x, x - 2.0]
    return jnp.stack([v for v in values if v > 0])


def numpy_on_traced(x):
    y = np.random.normal(x)  # no jax.numpy twin: NumPy itself meets the tracer
    return y


@py2lax.do_not_convert
def kept_as_python(x):
    if x > 0:
        return x
    return -x


def calls_kept_as_python(x):
    return kept_as_python(x) + 1


def _located_jax_error(error, jax_type) -> str:
    """A JAX error py2lax could not prevent: a py2lax error at the user's line that is
    still an instance of JAX's class; its message, with why py2lax left it and the fix."""
    assert isinstance(error, jax_type) and isinstance(error, py2lax.ConversionError), error
    assert traceback.extract_tb(error.__traceback__)[-1][:2] == (
        error.location.filename, error.location.line)
    return str(error)


def median_of_three(v):
    return statistics.median([v[0], v[1], v[2]])


def formats_traced(x):
    return f"{x:.2f}"


def factorial(k):
    return 1 if k <= 1 else k * factorial(k - 1)


def _raise_jitted(function, *args):
    try:
        py2lax.autograph_jit(function)(*args)
    except Exception as error:  # noqa: BLE001
        return error
    pytest.fail(f"{function.__name__} raised nothing")


def test_comprehension_filtering_on_a_traced_condition_is_restated_at_the_users_line():
    error = _raise_jitted(bool_in_comprehension, f32(1.0))
    assert isinstance(error, py2lax.ValueDependentShapeError)
    line = _line(bool_in_comprehension, "if v > 0")
    assert (error.location.filename, error.location.line) == (__file__, line)
    message = str(error)
    assert "[v for v in values if v > 0]" in message and "keeps the items" in message, message
    assert "Fix:" in message and "jnp.where" in message, message
    assert isinstance(error.jax_error, jax.errors.TracerBoolConversionError)
    assert traceback.extract_tb(error.__traceback__)[-1][:2] == (__file__, line)


def test_numpy_on_a_traced_value_is_located_at_the_users_line():
    error = _raise_jitted(numpy_on_traced, f32(1.0))
    message = _located_jax_error(error, jax.errors.TracerArrayConversionError)
    line = _line(numpy_on_traced, "np.random.normal(x)")
    assert f"{__file__}:{line}" in message and "y = np.random.normal(x)" in message, message
    assert "Fix:" in message and "jnp" in message, message


def test_error_in_a_do_not_convert_helper_says_it_was_marked_so():
    error = _raise_jitted(calls_kept_as_python, f32(1.0))
    message = _located_jax_error(error, jax.errors.TracerBoolConversionError)
    line = _line(kept_as_python, "if x > 0")
    assert f"{__file__}:{line}" in message, message
    assert "do_not_convert" in message, message


def test_error_inside_library_code_names_the_library_function():
    error = _raise_jitted(median_of_three, jnp.array([3.0, 1.0, 2.0]))
    message = _located_jax_error(error, jax.errors.TracerBoolConversionError)
    line = _line(median_of_three, "statistics.median")
    assert f"{__file__}:{line}" in message and "statistics." in message, message


def test_formatting_a_traced_value_is_located():
    error = _raise_jitted(formats_traced, f32(1.5))
    assert isinstance(error, py2lax.TracedValueError), error
    assert error.location.line == _line(formats_traced, 'f"{x:.2f}"')
    assert "jax.debug.print" in str(error)


def test_recursion_on_a_traced_condition_is_located():
    error = _raise_jitted(factorial, i32(3))
    assert isinstance(error, py2lax.ConversionError) and "'factorial'" in str(error), error
    assert "static_argnames" in error.fix


def test_helper_without_source_says_its_source_could_not_be_read():
    namespace = {}
    exec("def made_by_exec(x):\n    if x > 0:\n        return x\n    return -x\n", namespace)
    made_by_exec = namespace["made_by_exec"]

    def calls_made_by_exec(x):
        return made_by_exec(x) + 1

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", py2lax.ConversionWarning)
        error = _raise_jitted(calls_made_by_exec, f32(1.0))
    message = _located_jax_error(error, jax.errors.TracerBoolConversionError)
    line = _line(calls_made_by_exec, "made_by_exec(x) + 1")
    assert f"{__file__}:{line}" in message, message
    assert "made_by_exec" in message and "source" in message, message


# ====================================================== functions without readable source
REPL_SESSION = """\
import jax.numpy as jnp
import py2lax
def clip_typed_in_repl(x):
    if x > 1:
        x = x * 0 + 1
    return x

clipped = py2lax.convert(clip_typed_in_repl)
eager = float(clipped(jnp.float32(3.0)))
"""


def test_function_typed_into_a_plain_repl_is_left_unconverted_with_a_warning():
    console = code.InteractiveConsole({})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for line in REPL_SESSION.splitlines():
            console.push(line)
    namespace = console.locals
    assert namespace["clipped"] is namespace["clip_typed_in_repl"]      # unconverted, not crashed
    assert namespace["eager"] == 1.0                      # and it still runs eagerly
    messages = [str(w.message) for w in caught if issubclass(w.category, py2lax.ConversionWarning)]
    assert len(messages) == 1, [str(w.message) for w in caught]
    assert "clip" in messages[0] and "unconverted" in messages[0], messages
    assert "source" in messages[0], messages


@pytest.mark.parametrize("function, args", [
    (abs, (f32(-2.0),)),                       # a built-in
    (math.hypot, (3.0, 4.0)),                  # a C extension function
    (np.hypot, (3.0, 4.0)),                    # a NumPy ufunc
], ids=["builtin", "c-extension", "ufunc"])
def test_builtins_and_c_functions_are_returned_unconverted_without_crashing(function, args):
    with pytest.warns(py2lax.ConversionWarning, match="unconverted"):
        converted = py2lax.convert(function)
    assert converted is function
    assert np.allclose(converted(*args), function(*args))


@pytest.mark.parametrize("function", [abs, math.hypot, np.hypot],
                         ids=["builtin", "c-extension", "ufunc"])
def test_builtins_and_c_functions_are_left_unconverted_with_a_warning(function):
    with pytest.warns(py2lax.ConversionWarning, match="unconverted"):
        assert py2lax.convert(function) is function


IPYTHON_CELL = """
import jax.numpy as jnp
from py2lax import autograph_jit

@autograph_jit
def relu_plus_one(x):
    if x > 0:
        y = x + 1
    else:
        y = x * 0
    return y

result = (float(relu_plus_one(jnp.float32(2.0))), float(relu_plus_one(jnp.float32(-2.0))))
"""

IPYTHON_ERROR_CELL = """
@autograph_jit
def one_sided(x):
    if x > 0:
        y = x
    return y

try:
    one_sided(jnp.float32(1.0))
except Exception as error:
    caught = error
"""


def test_ipython_cell_is_converted():
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        _check_ipython_cells(shell)
    finally:
        InteractiveShell.clear_instance()  # IPython keeps one shell per process


def _check_ipython_cells(shell):
    with warnings.catch_warnings():
        warnings.simplefilter("error", py2lax.ConversionWarning)
        outcome = shell.run_cell(IPYTHON_CELL)
    assert outcome.success, outcome.error_in_exec
    assert shell.user_ns["result"] == (3.0, 0.0)
    jitted = shell.user_ns["relu_plus_one"]
    assert jitted.converted is not inspect.unwrap(jitted.converted)   # really converted
    assert "py2lax.cond(" in py2lax.to_source(jitted)

    # and errors in a cell name the cell and its line
    outcome = shell.run_cell(IPYTHON_ERROR_CELL)
    assert outcome.success, outcome.error_in_exec
    error = shell.user_ns["caught"]
    assert isinstance(error, py2lax.UndefinedVariableError), error
    assert error.location.filename.startswith("<ipython-input"), error
    assert linecache.getline(error.location.filename, error.location.line).strip() == "if x > 0:"
    assert f"{error.location.filename}:{error.location.line}: " in str(error), str(error)
    assert "\n    if x > 0:\n" in str(error), str(error)
