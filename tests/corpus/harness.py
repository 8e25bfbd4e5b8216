"""Differential harness: each corpus program against Python, the oracle.

Every case (see ``case.py``) runs three ways on each of its input sets:

1. ``fn(*args)`` eagerly on the Python/NumPy values: the oracle;
2. ``py2lax.convert(fn)(*args)`` on the same plain values: it must behave exactly like
   the original (same values and types, same changes to its arguments and to observed
   module state, same exception types);
3. ``py2lax.autograph_jit(fn, static_argnums=...)`` on the values as ``jnp`` arrays: the
   result must match within the case's tolerance, or the call must raise a located
   ``py2lax.ConversionError`` (its message starts with the user's ``file:line``).

Each run ends in one of four outcomes, worst first:

* ``wrong``   - a silent wrong answer: a different value, structure, side effect, or no
  exception where Python raises one;
* ``raw``     - an exception Python does not raise that is not a located py2lax error
  (an internal error, a JAX error, an unlocated ``ConversionError``);
* ``located`` - a located ``ConversionError``; a pass only in the jitted run of a case
  whose ``jit_error`` says why the program cannot work under jit;
* ``match``.

Run ``python tests/corpus/harness.py`` for the whole corpus (``-k TEXT`` selects case ids,
``--failures`` lists each failure, ``--known`` prints a ``KNOWN_FAILURES`` table); it ends
with the cases listed in ``known_failures.py`` that now pass and the failures it lacks.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import importlib.util
import inspect
import re
import signal
import sys
import time
import warnings
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

CORPUS_DIR = Path(__file__).resolve().parent
if str(CORPUS_DIR) not in sys.path:
    sys.path.insert(0, str(CORPUS_DIR))

import py2lax  # noqa: E402
from case import Case  # noqa: E402

OUTCOMES = ("match", "located", "raw", "wrong")  # from best to worst
CASE_TIME_LIMIT_S = 120
_LOCATED = re.compile(r"^(?P<file>[^\n]+?\.py):(?P<line>\d+): ")


# --------------------------------------------------------------------------- loading
def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS_DIR.glob("*.py")
                  if p.stem not in ("harness", "case", "known_failures", "standalone"))


def load_cases(paths: list[Path] | None = None) -> list[Case]:
    """Every case of the corpus modules (imported from their files), ids filled in."""
    cases: list[Case] = []
    for path in paths or corpus_files():
        name = f"corpus_{path.stem}"
        module = sys.modules.get(name)
        if module is None:
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        seen = set()
        for case in module.CASES:
            case.id = f"{path.stem}.{case.fn.__name__}" + (f"[{case.label}]" if case.label else "")
            assert case.id not in seen, f"duplicate case id {case.id}"
            seen.add(case.id)
            cases.append(case)
    return cases


# --------------------------------------------------------------------------- values
def to_jax(value):
    """The value a jitted caller passes: numbers and arrays as ``jnp`` arrays."""
    if isinstance(value, bool):
        return jnp.asarray(value)
    if isinstance(value, int):
        return jnp.asarray(value, dtype=jnp.int32)
    if isinstance(value, float):
        return jnp.asarray(value, dtype=jnp.float32)
    if isinstance(value, (np.ndarray, np.generic)):
        return jnp.asarray(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(to_jax(v) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)(to_jax(v) for v in value)
    if isinstance(value, dict):
        return {k: to_jax(v) for k, v in value.items()}
    return value


def jit_args(case: Case, args: tuple) -> tuple:
    if case.to_jit is not None:
        return tuple(case.to_jit(*args))
    return tuple(a if i in case.static_argnums else to_jax(a) for i, a in enumerate(args))


def exact_diff(expected, got, path: str = "result") -> str | None:
    """Where ``got`` differs from ``expected`` in type or value (None: identical)."""
    if isinstance(expected, jax.Array) and isinstance(got, jax.Array):
        return _array_diff(np.asarray(expected), np.asarray(got), path, exact=True)
    if type(expected) is not type(got):
        return f"{path}: {type(got).__name__} {_short(got)} where Python gives " \
               f"{type(expected).__name__} {_short(expected)}"
    if isinstance(expected, np.ndarray) or isinstance(expected, np.generic):
        return _array_diff(np.asarray(expected), np.asarray(got), path, exact=True)
    if isinstance(expected, (list, tuple)):
        if len(expected) != len(got):
            return f"{path}: length {len(got)} where Python gives {len(expected)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            found = exact_diff(e, g, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(expected, dict):
        if list(expected) != list(got):
            return f"{path}: keys {list(got)} where Python gives {list(expected)}"
        for k in expected:
            found = exact_diff(expected[k], got[k], f"{path}[{k!r}]")
            if found:
                return found
        return None
    if isinstance(expected, float):
        same = expected == got or (expected != expected and got != got)
        return None if same else f"{path}: {got!r} where Python gives {expected!r}"
    if dataclasses.is_dataclass(expected) or (hasattr(expected, "__dict__")
                                               and not callable(expected)):
        return exact_diff(vars(expected), vars(got), path + ".__dict__")
    try:
        same = bool(expected == got)
    except Exception:  # noqa: BLE001 - an odd __eq__: compare the printed values
        same = repr(expected) == repr(got)
    return None if same else f"{path}: {_short(got)} where Python gives {_short(expected)}"


def close_diff(expected, got, rtol: float, atol: float) -> tuple[str | None, str | None]:
    """(a difference, a dtype note) between the oracle's result and the jitted one."""
    e_leaves, e_tree = jax.tree_util.tree_flatten(expected)
    try:
        g_leaves, g_tree = jax.tree_util.tree_flatten(got)
    except Exception as error:  # noqa: BLE001
        return f"result cannot be flattened: {error}", None
    if e_tree != g_tree:
        return f"structure {g_tree} where Python gives {e_tree}", None
    note = None
    for i, (e, g) in enumerate(zip(e_leaves, g_leaves)):
        path = f"leaf {i}" if len(e_leaves) > 1 else "result"
        if isinstance(e, str) or isinstance(g, str):
            if e != g:
                return f"{path}: {g!r} where Python gives {e!r}", None
            continue
        try:
            g_arr = np.asarray(g)
        except Exception as error:  # noqa: BLE001 - a leaked tracer, an Undefined marker
            return f"{path}: not a value ({type(g).__name__}: {str(error)[:80]})", None
        e_arr = np.asarray(e)
        if g_arr.dtype == object or e_arr.dtype == object:
            if not (e_arr.dtype == object and g_arr.dtype == object and repr(e) == repr(g)):
                return f"{path}: {_short(g)} where Python gives {_short(e)}", None
            continue
        found = _array_diff(e_arr, g_arr, path, exact=False, rtol=rtol, atol=atol)
        if found:
            return found, None
        if e_arr.dtype.kind != g_arr.dtype.kind and note is None:
            note = f"{path}: dtype {g_arr.dtype} where Python gives {e_arr.dtype}"
    return None, note


def _array_diff(e, g, path, *, exact, rtol=0.0, atol=0.0) -> str | None:
    if e.shape != g.shape:
        return f"{path}: shape {g.shape} where Python gives {e.shape}"
    if exact and e.dtype != g.dtype:
        return f"{path}: dtype {g.dtype} where Python gives {e.dtype}"
    if e.dtype == object or g.dtype == object:
        return None if repr(e) == repr(g) else f"{path}: {_short(g)} where Python gives {_short(e)}"
    if exact or (e.dtype.kind in "biu" and g.dtype.kind in "biu"):
        same = np.array_equal(e, g, equal_nan=e.dtype.kind in "fc")
    else:
        same = np.allclose(g.astype(np.float64), e.astype(np.float64), rtol=rtol, atol=atol,
                           equal_nan=True)
    return None if same else f"{path}: {_short(g)} where Python gives {_short(e)}"


def _short(value, limit: int = 90) -> str:
    text = repr(value).replace("\n", " ")
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- running
@dataclasses.dataclass
class Run:
    value: object = None
    error: BaseException | None = None
    args: tuple = ()
    observed: object = None


@dataclasses.dataclass
class Finding:
    outcome: str  # one of OUTCOMES
    run: str      # "convert" or "jit"
    inputs: int   # index of the input set
    message: str


@dataclasses.dataclass
class Result:
    case: Case
    findings: list[Finding]
    notes: list[str]
    seconds: float

    @property
    def outcome(self) -> str:
        worst = "match"
        for finding in self.findings:
            if OUTCOMES.index(finding.outcome) > OUTCOMES.index(worst):
                worst = finding.outcome
        return worst

    @property
    def passed(self) -> bool:
        """A match, or a located error in the jitted run of a case that expects one."""
        return all(f.outcome == "located" and f.run == "jit" and self.case.jit_error
                   for f in self.findings)

    def outcome_of(self, run: str) -> str:
        """The worst outcome of one run ("convert" or "jit") over all input sets."""
        worst = "match"
        for finding in self.findings:
            if finding.run == run and OUTCOMES.index(finding.outcome) > OUTCOMES.index(worst):
                worst = finding.outcome
        return worst

    def summary(self) -> str:
        """The worst finding of each run that has one, worst run first."""
        parts = []
        for run in sorted(("convert", "jit"), key=lambda r: -OUTCOMES.index(self.outcome_of(r))):
            first = next((f for f in self.findings
                          if f.run == run and f.outcome == self.outcome_of(run)), None)
            if first is not None:
                parts.append(f"{first.run}: {first.outcome} (inputs {first.inputs}): "
                             f"{first.message}")
        return "; ".join(parts) or "match"


def _call(case: Case, function, args: tuple) -> Run:
    if case.setup is not None:
        case.setup()
    args = copy.deepcopy(args)
    run = Run(args=args)
    try:
        run.value = function(*args)
    except Exception as error:  # noqa: BLE001 - every outcome is recorded
        run.error = error
    if case.observe is not None and run.error is None:
        try:
            run.observed = copy.deepcopy(case.observe())
        except Exception as error:  # noqa: BLE001 - a leaked tracer, say
            run.observed = f"<module state unreadable: {_describe(error)}>"
    return run


def located(error: BaseException, case: Case | None = None) -> bool:
    """A ``ConversionError`` whose message starts with the user's ``path:line`` (a corpus
    file, or the file of the case's function)."""
    if not isinstance(error, py2lax.ConversionError):
        return False
    match = _LOCATED.match(str(error))
    if match is None:
        return False
    path = Path(match["file"]).resolve()
    own = Path(inspect.getsourcefile(case.fn)).resolve() if case is not None else None
    return path.parent == CORPUS_DIR or path == own


def _describe(error: BaseException) -> str:
    first = str(error).strip().split("\n")[0]
    return f"{type(error).__name__}: {first[:160]}"


def _error_outcome(error: BaseException, case: Case) -> str:
    return "located" if located(error, case) else "raw"


def _compare_convert(case: Case, expected: Run, got: Run) -> Finding | None:
    """The converted function on plain values must be indistinguishable from the original."""
    if expected.error is not None:
        if got.error is None:
            return Finding("wrong", "convert", 0, f"returns {_short(got.value)} where Python "
                           f"raises {_describe(expected.error)}")
        if not isinstance(got.error, type(expected.error)):
            return Finding(_error_outcome(got.error, case), "convert", 0, f"raises "
                           f"{_describe(got.error)} where Python raises "
                           f"{_describe(expected.error)}")
        return None
    if got.error is not None:
        return Finding(_error_outcome(got.error, case), "convert", 0,
                       f"raises {_describe(got.error)}")
    for what, e, g in (("", expected.value, got.value), ("argument ", expected.args, got.args),
                       ("module state ", expected.observed, got.observed)):
        found = exact_diff(e, g, "result" if not what else what.strip())
        if found:
            return Finding("wrong", "convert", 0, found)
    return None


def raised_when_run(error: BaseException, expected: BaseException) -> bool:
    """The compiled program raised Python's own error when it ran (a `raise` under a
    traced condition, or a failed `assert`): JAX reports it as its runtime error, with
    the original exception's type and message inside."""
    return (type(error).__name__ == "JaxRuntimeError"
            and f"{type(expected).__name__}: {expected}" in str(error))


def _compare_jit(case: Case, expected: Run, got: Run) -> tuple[Finding | None, str | None]:
    if expected.error is not None:
        if got.error is None:
            return Finding("wrong", "jit", 0, f"returns {_short(got.value)} where Python raises "
                           f"{_describe(expected.error)}"), None
        if (isinstance(got.error, type(expected.error)) or located(got.error, case)
                or raised_when_run(got.error, expected.error)):
            return None, None
        return Finding("raw", "jit", 0, f"raises {_describe(got.error)} where Python raises "
                       f"{_describe(expected.error)}"), None
    if got.error is not None:
        return Finding(_error_outcome(got.error, case), "jit", 0,
                       f"raises {_describe(got.error)}"), None
    found, note = close_diff(expected.value, got.value, case.rtol, case.atol)
    if found is None and case.observe is not None:
        found, _ = close_diff(expected.observed, got.observed, case.rtol, case.atol)
        found = found and "module state " + found
    return (Finding("wrong", "jit", 0, found) if found else None), note


class _TimeLimit:
    """Interrupts Python code (not a compiled XLA loop) that runs past the limit."""

    def __init__(self, seconds: int):
        self.seconds = seconds

    def __enter__(self):
        if hasattr(signal, "SIGALRM"):
            def expired(signum, frame):
                raise TimeoutError(f"case ran longer than {self.seconds} s")
            self.previous = signal.signal(signal.SIGALRM, expired)
            signal.alarm(self.seconds)

    def __exit__(self, *exc):
        if hasattr(signal, "SIGALRM"):
            signal.alarm(0)
            signal.signal(signal.SIGALRM, self.previous)


def run_case(case: Case) -> Result:
    """Run one case on all its input sets; every disagreement with Python is a finding."""
    start = time.perf_counter()
    findings: list[Finding] = []
    notes: list[str] = []
    with warnings.catch_warnings(), _TimeLimit(CASE_TIME_LIMIT_S):
        warnings.simplefilter("ignore")
        try:
            converted = py2lax.convert(case.fn)
        except Exception as error:  # noqa: BLE001
            converted = None
            findings.append(Finding(_error_outcome(error, case), "convert", 0,
                                    f"conversion raises {_describe(error)}"))
        jitted = None
        for index, args in enumerate(case.inputs):
            expected = _call(case, case.oracle or case.fn, args)
            if converted is not None:
                got = _call(case, converted, args)
                if case.oracle is None:
                    finding = _compare_convert(case, expected, got)
                else:
                    finding, _ = _compare_jit(case, expected, got)
                    if finding:
                        finding.run = "convert"
                if finding:
                    finding.inputs = index
                    findings.append(finding)
            if jitted is None or case.observe is not None:
                try:
                    jitted = py2lax.autograph_jit(case.fn, static_argnums=case.static_argnums)
                except Exception as error:  # noqa: BLE001
                    findings.append(Finding(_error_outcome(error, case), "jit", index,
                                            f"decoration raises {_describe(error)}"))
                    break
            inputs = jit_args(case, args)
            finding, note = _compare_jit(case, expected, _call(case, jitted, inputs))
            if finding:
                finding.inputs = index
                findings.append(finding)
            if note:
                notes.append(f"inputs {index}: {note}")
    return Result(case, findings, notes, time.perf_counter() - start)


# --------------------------------------------------------------------------- reporting
def tally(results: list[Result]) -> dict[str, int]:
    counts = {"programs": len(results), "input sets": sum(len(r.case.inputs) for r in results)}
    for outcome in OUTCOMES:
        counts[outcome] = sum(r.outcome == outcome for r in results)
    counts["located (expected)"] = sum(r.outcome == "located" and r.passed for r in results)
    counts["passed"] = sum(r.passed for r in results)
    for run in ("convert", "jit"):
        for outcome in OUTCOMES[1:]:
            counts[f"{run} {outcome}"] = sum(r.outcome_of(run) == outcome for r in results)
    counts["dtype notes"] = sum(bool(r.notes) for r in results)
    return counts


def known_failures_table(results: list[Result]) -> str:
    """``KNOWN_FAILURES`` entries for the failing results: id -> (outcome, first finding)."""
    lines = ["KNOWN_FAILURES = {"]
    for r in results:
        if not r.passed:
            reason = re.sub(r"\s+", " ", r.summary().split("; ")[0]).replace('"', "'")
            reason = reason.replace(str(CORPUS_DIR) + "/", "")
            lines.append(f'    "{r.case.id}": ("{r.outcome}", "{reason[:150]}"),')
    lines.append("}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-k", default="", help="run only case ids containing this text")
    parser.add_argument("--failures", action="store_true", help="print every failure")
    parser.add_argument("--known", action="store_true", help="print a KNOWN_FAILURES table")
    parser.add_argument("--notes", action="store_true", help="print dtype notes")
    options = parser.parse_args(argv)
    cases = [c for c in load_cases() if options.k in c.id]
    results = []
    for case in cases:
        result = run_case(case)
        results.append(result)
        if options.failures and not result.passed:
            print(f"{case.id}: {result.summary()}", flush=True)
        if options.notes and result.notes:
            print(f"{case.id}: note {result.notes[0]}", flush=True)
    if options.known:
        print(known_failures_table(results))
    from known_failures import KNOWN_FAILURES

    fixed = [r.case.id for r in results if r.passed and r.case.id in KNOWN_FAILURES]
    new = [r.case.id for r in results if not r.passed and r.case.id not in KNOWN_FAILURES]
    if fixed:
        print("now passing (remove from known_failures.py): " + ", ".join(fixed))
    if new:
        print("failing, not in known_failures.py: " + ", ".join(new))
    counts = tally(results)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    print(f"total {sum(r.seconds for r in results):.1f} s; slowest: " + ", ".join(
        f"{r.case.id} {r.seconds:.1f}s" for r in sorted(results, key=lambda r: -r.seconds)[:5]))
    return 0 if counts["passed"] == counts["programs"] else 1


if __name__ == "__main__":
    sys.exit(main())
