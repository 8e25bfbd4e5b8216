"""The oracle of the generated-program tests: run a program five ways, judge the results.

``examine(program, inputs)`` writes the program to its own file, imports it, converts and
jits it once, and on each input set compares (see ``test_generated_programs.py``):
the original and ``py2lax.convert(f)`` on Python values (exactly), the original on float32
NumPy values (the oracle) with ``py2lax.convert(f)`` on concrete jax arrays and with
``jax.jit(py2lax.convert(f))``, whose located errors are judged by ``Program.jit``. It
returns the first failure as a ``Verdict``; it raises nothing itself, so scripts can
count verdicts over many programs.
"""

from __future__ import annotations

import importlib.util
import itertools
import linecache
import os
import tempfile
import traceback
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

import program_helpers
import py2lax
from program_constructs import FOOTER, Jit, Program

RTOL = ATOL = 1e-5

# --------------------------------------------------------------------------- programs

_DIRECTORY = tempfile.mkdtemp(prefix="py2lax_generated_")
_MODULE_NUMBERS = itertools.count()

JAX_IMPORTS = "\n\nimport jax  # noqa: E402\nimport jax.numpy as jnp  # noqa: E402\n"


def load(source: str):
    """The module of ``source``, written to its own file so ``inspect.getsource`` finds ``f``."""
    name = f"generated_{os.getpid()}_{next(_MODULE_NUMBERS)}"
    path = os.path.join(_DIRECTORY, name + ".py")
    with open(path, "w") as file:
        file.write(source + FOOTER)
    linecache.checkcache(path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def python_arguments(inputs) -> tuple:
    x, y, n, v = inputs
    return float(x), float(y), int(n), np.array(v, dtype=np.float32)


def numpy_arguments(inputs) -> tuple:
    x, y, n, v = inputs
    return np.float32(x), np.float32(y), int(n), np.array(v, dtype=np.float32)


def jax_arguments(inputs) -> tuple:
    x, y, n, v = inputs
    return jnp.float32(x), jnp.float32(y), jnp.int32(n), jnp.asarray(v, dtype=jnp.float32)


# --------------------------------------------------------------------------- the oracle

@dataclass
class Outcome:
    """One call: its value or exception, and what it left in ``v`` and the globals."""

    value: object = None
    error: Exception | None = None
    where: str = ""                      # the program's frames of the traceback
    v: object = None                     # the ``v`` argument after the call
    hits: object = None                  # the module's ``HITS`` after the call

    def describe(self) -> str:
        if self.error is None:
            return f"{self.value!r} (v after: {self.v!r}, HITS: {self.hits!r})"
        message = "".join(traceback.format_exception_only(self.error)).split("\n-----")[0]
        return f"{self.where}\n{message.rstrip()}"


def run(module, function, args) -> Outcome:
    module.HITS = 0
    try:
        value = function(*args)
        if isinstance(value, jax.Array) or isinstance(value, tuple):
            jax.block_until_ready(value)
    except Exception as error:  # noqa: BLE001 - compared with Python's, or reported
        frames = [f"  {frame.filename}:{frame.lineno} in {frame.name}: {frame.line}"
                  for frame in traceback.extract_tb(error.__traceback__)
                  if frame.filename.startswith(_DIRECTORY)]
        return Outcome(error=error, where="\n".join(frames), v=args[3], hits=module.HITS)
    return Outcome(value=value, v=args[3], hits=module.HITS)


def identical(a, b) -> bool:
    """Same types, dtypes, shapes and bits, recursively."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(map(identical, a, b))
    if a is None:
        return True
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def close(expected, actual) -> bool:
    """Same structure (``None``, tuples), leaves of the same shape and close values."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, tuple) or isinstance(actual, tuple):
        return (isinstance(expected, tuple) and isinstance(actual, tuple)
                and len(expected) == len(actual) and all(map(close, expected, actual)))
    e, a = np.asarray(expected, np.float64), np.asarray(actual, np.float64)
    return e.shape == a.shape and np.allclose(e, a, rtol=RTOL, atol=ATOL)


def same_error(expected: Exception, actual: Exception | None) -> bool:
    return type(actual) is type(expected) and str(actual) == str(expected)


def located(error: Exception | None, module) -> bool:
    """A py2lax ``ConversionError`` whose message starts with the program's ``file:line``
    (or a line of the helpers it calls) and names no internal of py2lax."""
    files = (module.__file__ + ":", program_helpers.__file__ + ":")
    return (isinstance(error, py2lax.ConversionError) and str(error).startswith(files)
            and not any(internal in str(error) for internal in INTERNAL_NAMES))


# A placeholder name of py2lax's runtime, and py2lax's own files.
INTERNAL_NAMES = ("carried value #", os.path.dirname(py2lax.__file__) + os.sep)


@dataclass
class Verdict:
    kind: str                            # "pass", "accepted" (a located error the program
    detail: str = ""                     # may raise under jit), or one of FAILURES
    exception: Exception | None = None   # what py2lax raised, if it raised



FAILURES = {
    "generator": "the generator wrote a program Python rejects",
    "python values": "py2lax.convert on Python values differs from Python",
    "inexact": "py2lax.convert on Python values gives other types or bits than Python",
    "eager": "py2lax.convert on concrete jax arrays differs from Python",
    "wrong value": "jax.jit(py2lax.convert) gives a different value: a silent wrong answer",
    "missing error": "jax.jit(py2lax.convert) gives a value where the program cannot work",
    "refused": "jax.jit(py2lax.convert) refuses (located) a program that can work",
    "raised": "jax.jit(py2lax.convert) raises an exception that is not a located error",
}


def examine(program: Program, inputs: list[tuple]) -> Verdict:
    """Run ``program`` five ways on each input set (module docstring); the first failure."""
    module = load(program.source)
    static = ("m",) if program.m is not None else ()
    extra = (program.m,) if program.m is not None else ()
    converted = jitted = None
    refused = None
    for values in inputs:
        expected = run(module, module.f, python_arguments(values) + extra)
        if expected.error is not None and not deliberate(expected.error):
            return Verdict("generator", f"Python raised on {values}: {expected.describe()}")
        if converted is None:
            try:
                converted = py2lax.convert(module.f, static_argnames=static)
            except Exception as error:  # noqa: BLE001
                return Verdict("python values", f"py2lax.convert(f) raised: {error!r}", error)
            jitted = jax.jit(converted, static_argnames=static)
        actual = run(module, converted, python_arguments(values) + extra)
        if not _alike(expected, actual, exact=False) or not _alike(expected, actual):
            kind = "python values" if not _alike(expected, actual, exact=False) else "inexact"
            return Verdict(kind, f"on {values}:\n  Python:  {expected.describe()}\n"
                                 f"  py2lax:  {actual.describe()}", actual.error)
        expected = run(module, module.f, numpy_arguments(values) + extra)
        # eager lax primitives on concrete arrays compile at each call: one input set only
        eager = expected
        if values is inputs[0]:
            eager = run(module, converted, jax_arguments(values) + extra)
        if not _agrees(expected, eager) and not (program.refusable
                                                 and located(eager.error, module)):
            return Verdict("eager", f"on {values}:\n  Python:  {expected.describe()}\n"
                                    f"  py2lax:  {eager.describe()}", eager.error)
        if refused is not None:
            continue  # the trace raised already; it would raise again
        result = run(module, jitted, jax_arguments(values) + extra)
        verdict = _judge_jit(program, module, values, expected, result)
        if verdict.kind == "accepted":
            refused = verdict
        elif verdict.kind != "pass":
            return verdict
    return refused or Verdict("pass")


def deliberate(error: Exception) -> bool:
    """The ``ValueError`` a program raises on purpose (``if CS: raise ValueError(...)``)."""
    return type(error) is ValueError and str(error).startswith("m is ")


def _alike(expected: Outcome, actual: Outcome, exact: bool = True) -> bool:
    """The same exception or value, the same ``v`` and ``HITS`` after the call; ``exact``:
    also the same types and bits (not only close values of the same structure)."""
    same = identical if exact else _close_and_shaped
    if expected.error is not None:
        return same_error(expected.error, actual.error) and same(expected.v, actual.v)
    return (actual.error is None and same(expected.value, actual.value)
            and same(expected.v, actual.v) and expected.hits == actual.hits)


def _close_and_shaped(expected, actual) -> bool:
    if isinstance(expected, np.ndarray) and not isinstance(actual, np.ndarray):
        return False  # an in-place update became a new array
    return close(expected, actual)


def _agrees(expected: Outcome, actual: Outcome) -> bool:
    if expected.error is not None:
        return same_error(expected.error, actual.error)
    return actual.error is None and close(expected.value, actual.value)


def _judge_jit(program, module, values, expected: Outcome, result: Outcome) -> Verdict:
    where = f"on (x, y, n, v) = {values}, m = {program.m}"
    if expected.error is not None:  # a `raise` under a static condition: raised while tracing
        if same_error(expected.error, result.error):
            return Verdict("pass")
        return Verdict("raised", f"{where}: Python raised {expected.error!r}, jit: "
                                 f"{result.describe()}", result.error)
    if result.error is not None:
        if not located(result.error, module):
            return Verdict("raised", f"{where}:\n{result.describe()}", result.error)
        if program.jit == Jit.VALUE:
            return Verdict("refused", f"{where}:\n{result.describe()}", result.error)
        return Verdict("accepted", f"({program.jit.name}) {result.describe()}", result.error)
    if program.jit == Jit.ERROR:
        return Verdict("missing error", f"{where}: expected a located error, got "
                                        f"{result.value!r} (Python: {expected.value!r})")
    if not close(expected.value, result.value):
        return Verdict("wrong value", f"{where}:\n  Python:  {expected.value!r}\n"
                                      f"  py2lax:  {result.value!r}")
    return Verdict("pass")
