"""Constructs of real code for the random program generator (issues 12 and 13).

``MixedWriter`` extends the core grammar of ``program_generator.py`` with *segments*:
small self-contained pieces of the code people write (a list popped in a loop, a method
that updates ``self``, a ``return`` inside ``with``), each drawn from one *class*, so a
program mixes them with the core grammar's ``if``/``while``/``for`` and jumps. Programs
take a fifth parameter ``m``, an int 0..3 that is *static* (``static_argnames``): a
condition on ``m`` is a Python value under ``jax.jit`` as well.

Grammar (additions to the core grammar). ``CS`` is a static condition (``m``, or a
segment's static loop index, compared with a literal), ``CT`` a traced one (``x``, ``y``,
``w[K]``, ``jnp.sum(w)`` compared with ``F``); ``N`` a float name and ``V`` one of ``a``,
``b``, ``c``; ``A`` an array that is NumPy when ``f`` runs on Python values (``v`` itself at
the top level of ``f``, else ``uN = v.copy()``); ``IX`` an index (``K``, ``iN % 4``,
``n % 4``); ``LOOP`` a segment's own loop and ``T`` its target; ``SITE`` where a segment's
update sits, whose body may start with a ``stmt``::

    program := def f(x, y, n, v, m):
                   [global HITS]                 # when a segment counts into it
                   a = ...; b = ...; c = ...; w = jnp.asarray(v) * 0.5
                   block [block] [tail] ending   # tail: one segment, at the top level
    stmt    += segment                           # one in three statements, any depth
    F       += SCALER.apply(N) | Ops.leaky(N) | Ops.scaled(N) | Acc.squash(N)
             | rdN() | rdN(N)                    # a closure defined earlier (closures)
    ending  := return R                          # or, with fall_off:
             | if CS|CT: return R [else: return] [return None]
             | for iN in range(3) | range(n): if CS|CT: return R
    LOOP    := for iN in range(1|2|3|5|m|m + 1|n) | for eN in w
    SITE    := (nothing) | LOOP | if CS | if CT | for iN in range(3): if CT
    segment :=
      closures     rdN = lambda: V * 0.5 | def rdN(): return jnp.tanh(V)
                   | rdN = lambda t: t * 0.5 + V * 0.25;   LOOP: V = ..; c = ..rdN()..
                 | LOOP: hN = lambda t: jnp.tanh(t + T * 0.5); V = hN(V)
                 | hN = lambda: 0.0; LOOP: hN = lambda: T * 0.5 + V; c = ..hN()..
                 | hN = None; LOOP: def hN(): return T * 0.5 + V;   if hN is not None: c = ..hN()..
                 | fnsN = []; LOOP: fnsN.append(lambda: T * 0.5 + V | lambda T=T: T * 0.5
                   | hN after def hN(): ...);   for hN in fnsN: c = ..hN()..
                 | def bumpN(t): nonlocal c; c = jnp.tanh(c + t)   SITE: bumpN(F)
      mutation     lN = [a, b, 0.5, F]   SITE: lN[K] = F | lN[-1] += .. | lN.reverse()
                   | lN.append(F) | lN.insert(0, F) | lN.extend([F, L]) | lN.pop()
                   | lN.pop(0) | del lN[0] | lN.clear(); lN.append(F)   # pops: if len(lN) > 1
                 | dN = {"p": a, "q": 0.5}   SITE: dN["p"] = F | dN["q"] += .. | dN.update(..)
                   | dN["r"] = F | dN.setdefault("r", F) | dN.pop("r", None)
                 | sN = {0}   SITE: sN.add(K) | sN.discard(0)
                 | bxN = Box(a)   SITE: bxN.value = .. | bxN.value += ..
                 | SITE: HITS += 1               # top level only
                   then c = jnp.tanh(c + ..sum, len, .value or HITS..)
      helpers      SITE: put(A, IX, F) | bump_at(A, IX, F) | swap_items(A, IX, IX)
                   | scale_all(A, 0.5) | c = ..put_and_get(A, IX, F)..
                 | lN = [a]   SITE: push(lN, F)
                 | uN = v.copy(); for eN in uN: c = ..eN..; bump_at(uN, K, 0.25)
                                                 # later items are read as written
      ranges       for iN in ticks(n | 3 | m + 1 | n + 2) | odds(..): V = ..iN..
      strings      sN = "lo"; if CS|CT: sN = "hi" [else: sN = "mid"] | sN = "hi" if CS|CT else "lo"
                 | sN = ""; for iN in range(3|m|1|n): sN = sN + "ab"
                   then  if sN == "hi": .. | c = ..SCALES[sN].. | ..len(sN).. | sN.startswith("h")
      exits        with jax.named_scope(..) | contextlib.nullcontext() | Guard() [as gdN]: block
                 | try: block finally: stmt
                 | try: [if CS: raise ValueError(..)] block except ValueError: stmt [else: stmt]
                 | if CS: raise ValueError(..)   # top level, no `return` before it
                                                 # (every block here may end in a jump)
      match        match m | n: case K: block  case K | K: block  [case _: block]
                 | for iN in range(3): match iN: ...
      methods      accN = Acc(L) | Acc.make(L)   SITE: accN.add(F) | accN.update(F)
                   | c = ..accN.pop().. | accN = accN.copy();   c = ..accN.get() + accN.count()..
      swaps        SITE: A[IX], A[IX] = A[IX], A[IX] | lN[0], lN[2] = lN[2], lN[0] | a, b = b, a
                 | for iN in range(3): if A[iN] > A[iN + 1]: A[iN], A[iN + 1] = A[iN + 1], A[iN]
      masks        SITE: A[A < L] += L | A[A > F] -= 0.5 | A[A < 0.0] = F | A[A >= L] *= 0.5
      walrus       kN = 0; while (rN := jnp.tanh(V - kN * 0.5)) > L and kN < 3|n|m + 1: ...
                 | if (rN := F) > L: block [else: block];   then c = ..rN..
                 | LOOP: c = ..sum([rN * 0.5 for t in (a, b) if (rN := jnp.tanh(t + F)) > -2.0])..
      dataclasses  stN = State(a, 0.5)   SITE: stN = State(.., ..) | dataclasses.replace(stN, p=..)
                   | stN.q = ..
      shared       lN = [a, b] | {"p": a, "q": b}; prN = Pair(a, b)   SITE: prN.shift(F)
                   then c = ..lN[1] | lN["q"] + prN.q..
      numpy        uN = np.zeros(4, np.float32) | np.full(..) | np.ones(..) | np.arange(..) * 0.25
                   SITE: uN[IX] = F | uN[IX] += .. | uN[iN % 4] = iN * 0.5

Programs call the helpers and classes of ``program_helpers.py`` (imported after ``f``, so
``f``'s lines are the program's own): ``put``, ``bump_at``, ``swap_items``, ``scale_all``,
``put_and_get``, ``push``, ``ticks``, ``odds``, ``Box``, ``Guard``, ``Acc`` (methods ``add``, ``update``, ``get``,
``copy``, ``count``, ``pop``; ``make`` a classmethod, ``squash`` a staticmethod), ``Scaler``
and its module-level instance ``SCALER``, ``Ops`` and the plain ``@dataclass State``; and
the program's own globals ``HITS`` (a counter) and ``SCALES`` (a dict).

Rules kept on top of the core grammar's: a segment creates what it updates in the
block it is written in (so its state never outlives a traced statement around it), and
reads it back into ``c`` (so the result shows it); ``v`` is updated in place only at the
top level of ``f``, where no loop iterates over it; a SITE's body has no ``break``,
``continue`` or ``return`` (a jump would change which updates are traced); lists keep at
least one item and indices stay in range; ``raise`` only happens under a static condition.

What ``jax.jit`` must give (``Jit``; Python's result is always the oracle on Python values):

* ``ERROR`` (a located ``ConversionError``): only where the program cannot work under jit,
  and only in the tail or the ending, which every jit trace reaches: a path that returns
  ``None`` chosen by a traced condition, a string chosen by a traced condition, a list,
  set or global counter whose size a traced condition or trip count decides, lambdas
  collected in a loop with a traced trip count, a lambda made in such a loop and called
  after it (the trip count decides which lambda runs). Programs with a tail or a
  fall-off ending write ``return`` only where it is certainly traced, so no static
  ``return`` skips them; where every path of the body returns (``ends``), they get no
  tail and a plain ``return``, and where the text cannot tell (a loop, a static
  condition), the located error becomes ``REFUSAL_OK``.
* ``REFUSAL_OK`` (the value, or a located ``ConversionError``): where the issues accept a
  located refusal of code that could work and py2lax uses it: helpers that assign into
  their array arguments (12.4; py2lax refuses them at the call), updates of lists, dicts
  and objects inside traced statements and a ``nonlocal`` write there (12.3), a static
  fall-off ending after traced ``return``\\ s. A program with such a segment may also get
  that refusal from ``py2lax.convert`` on concrete jax arrays (``Program.refusable``).
  (Methods updating ``self``, dataclasses, NumPy arrays given traced values and ``match``
  on a traced subject, which the issues also let py2lax refuse, now convert: ``VALUE``.)
* ``VALUE``: everything else, Python's value.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from hypothesis import strategies as st

from program_generator import INDENT, RandomChoices, Scope, certainly_traced
from program_segments import Jit, SegmentWriter

CLASSES = {
    "fall_off": "returns on some paths only: f may fall off its end and return None",
    "closures": "closures and lambdas over variables that loops reassign, lambdas made in loops",
    "mutation": "list, dict, set, object attribute and global updates in loops and branches",
    "helpers": "module-level helpers that assign into their array and list arguments",
    "strings": "strings chosen in branches or built in loops, then compared or looked up",
    "exits": "return/break/continue inside with, try/finally, try/except; raise",
    "match": "match statements on static and traced subjects, with jumps in the cases",
    "methods": "user classes: methods named add/update/get/copy/count/pop, static and "
               "class methods, a module-level instance",
    "swaps": "tuple assignment into items: a[i], a[j] = a[j], a[i]",
    "masks": "masked (augmented) assignment: u[u < 0.0] += 1.0",
    "walrus": "walrus in while and if conditions, its target read after",
    "dataclasses": "plain @dataclass values rebound or updated in loops and branches",
    "numpy": "NumPy arrays made inside f (np.zeros, np.full, ...) given traced values",
    "shared": "values held by a list or dict and by an object whose method rebinds one of "
              "its attributes under a traced if",
    "ranges": "ranges made by a helper (range(k), range(1, k, 2)) with a static or traced "
              "bound, iterated by a for in f",
}
# Classes whose segment can need a located error (written as the tail, never in a block).
TAIL_CLASSES = ("mutation", "strings", "closures", "helpers")


@dataclass(frozen=True)
class Program:
    source: str
    m: int | None = None                 # the static argument (None: f(x, y, n, v))
    jit: Jit = Jit.VALUE                 # what jax.jit must do
    refusable: bool = False              # a located refusal is fine (on concrete arrays too)
    classes: tuple[str, ...] = ()


# Written after ``f`` in each program's file, so that ``f``'s lines are the program's own.
FOOTER = """

import contextlib  # noqa: E402
import dataclasses  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from program_helpers import (  # noqa: E402
    SCALER, Acc, Box, Guard, Ops, Pair, State, bump_at, odds, push, put, put_and_get,
    scale_all, swap_items, ticks)

HITS = 0
SCALES = {"lo": 0.25, "mid": 0.5, "hi": 1.0, "": 0.0}
"""


@dataclass
class MixedWriter(SegmentWriter):
    """The core grammar plus segments of the enabled ``classes``."""

    classes: tuple[str, ...] = ()

    # -- hooks --------------------------------------------------------------------
    def extra_atom(self, scope: Scope) -> str | None:
        options = (["core"] * 10 + ["method"] * ("methods" in self.classes)
                   + ["call"] * bool(scope.calls))
        if len(options) == 10:
            return None
        kind = self.choose(options)
        if kind == "core":
            return None
        if kind == "call":
            return self.choose(scope.calls)
        method = self.choose(["SCALER.apply", "Ops.leaky", "Ops.scaled", "Acc.squash"])
        return f"{method}({self.choose(scope.floats)})"

    def extra_statement(self, scope: Scope, level: int) -> list[str] | None:
        kinds = [c for c in self.classes if c != "fall_off"]
        if not kinds or self.budget <= 0 or scope.depth >= self.max_depth:
            return None
        if self.integer(0, 2):
            return None
        self.budget -= 1
        return self.segment(self.choose(kinds), scope, level, tail=False)

    def segment(self, kind: str, scope: Scope, level: int, *, tail: bool) -> list[str]:
        return getattr(self, f"seg_{kind}")(scope, level, tail)

    # -- the end of f --------------------------------------------------------------
    def ending(self, scope: Scope) -> list[str]:
        """``return R``, or with ``fall_off`` an ending that may return None."""
        R = self.returned(scope)
        if "fall_off" not in self.classes or self.integer(0, 1):
            return [f"{INDENT}return {R}"]
        kind = self.choose(["static_if", "traced_if", "static_loop", "traced_loop"])
        if kind.endswith("_loop"):
            index = self.fresh("i")
            bound = "3" if kind == "static_loop" else "n"
            test = (self.static_cond(["m", index]) if kind == "static_loop"
                    else self.traced_cond(scope))
            taken = kind == "static_loop" and any(
                eval(test, {"m": self.m, index: i}) for i in range(3))  # noqa: S307
            lines = [f"{INDENT}for {index} in range({bound}):", f"{INDENT * 2}if {test}:",
                     f"{INDENT * 3}return {R}"]
        else:
            test = self.static_cond() if kind == "static_if" else self.traced_cond(scope)
            taken = kind == "static_if" and eval(test, {"m": self.m})  # noqa: S307
            lines = [f"{INDENT}if {test}:", f"{INDENT * 2}return {R}"]
            lines += self.choose([[], [f"{INDENT}else:", f"{INDENT * 2}return"],
                                  [f"{INDENT}return None"]])
        traced = kind.startswith("traced")
        self.expect(Jit.ERROR if traced else Jit.VALUE if taken or not self.returns_written
                    else Jit.REFUSAL_OK)
        return lines




class RandomMixedWriter(RandomChoices, MixedWriter):
    """``MixedWriter`` driven by ``random.Random``."""


def write_mixed_program(writer: MixedWriter) -> Program:
    writer.arity = writer.integer(1, 2)
    writer.m = writer.integer(0, 3)
    tails = [c for c in TAIL_CLASSES if c in writer.classes]
    tail = writer.choose(tails) if tails and writer.integer(0, 2) == 0 else None
    writer.only_traced_returns = tail is not None or "fall_off" in writer.classes
    c_init = writer.choose(["x * 0.0", "0.0"])
    scope = Scope(floats=["a", "b", "c", "x", "y"], ints=["n"])
    body = writer.block(scope, 1)
    body += writer.block(scope, 1) if writer.budget > 0 else []
    reach = ends(ast.parse("\n".join(["def f(c):"] + body)).body[0].body)
    if reach == ALWAYS:  # every path returned: no tail, and the end is never reached
        tail, writer.classes = None, tuple(c for c in writer.classes if c != "fall_off")
    before = (writer.jit, writer.refusable)
    if tail is not None:
        body += writer.segment(tail, scope, 1, tail=True)
    ending = writer.ending(scope)
    if reach == MAYBE and writer.jit == Jit.ERROR:  # if every path returned, py2lax may
        writer.jit = max(before[0], Jit.REFUSAL_OK)  # see that the tail and the ending
        writer.refusable = True                      # never run
    lines = [
        "def f(x, y, n, v, m):",
        *([f"{INDENT}global HITS"] if writer.uses_global else []),
        f"{INDENT}a = jnp.tanh(x + y)",
        f"{INDENT}b = jnp.sin(y)",
        f"{INDENT}c = {c_init}",
        f"{INDENT}w = jnp.asarray(v) * 0.5",
        *body,
        *ending,
    ]
    return Program("\n".join(lines) + "\n", writer.m, writer.jit, writer.refusable, writer.classes)


# Whether control can get past a piece of code under jit (a `return` or `raise` stops it):
# NEVER stops it, SOME stops some paths but certainly not all, ALWAYS stops every path,
# MAYBE cannot be told from the text (a loop, or a static condition's value).
ALWAYS, SOME, MAYBE, NEVER = "always", "some", "maybe", "never"


def ends(statements: list[ast.stmt]) -> str:
    """Whether every path through ``statements`` returns or raises (see above)."""
    result = NEVER
    for statement in statements:
        result = _then(result, _statement_ends(statement))
        if result == ALWAYS:
            break
    return result


def _statement_ends(node: ast.stmt) -> str:
    if isinstance(node, (ast.Return, ast.Raise)):
        return ALWAYS
    if isinstance(node, ast.If):
        return _either(_traced(node.test), ends(node.body), ends(node.orelse))
    if isinstance(node, ast.With):
        return ends(node.body)
    if isinstance(node, ast.Try):
        if ends(node.finalbody) == ALWAYS:
            return ALWAYS
        normal = _then(ends(node.body), ends(node.orelse))
        if not any(isinstance(child, ast.Raise) for part in node.body for child in ast.walk(part)):
            return normal  # no handler runs
        return _either(False, normal, *(ends(handler.body) for handler in node.handlers))
    if isinstance(node, ast.Match):
        cases = [ends(case.body) for case in node.cases]
        wildcard = any(isinstance(case.pattern, ast.MatchAs) and case.pattern.pattern is None
                       for case in node.cases)
        return _either(_traced(node.subject), *cases, *([] if wildcard else [NEVER]))
    if isinstance(node, (ast.For, ast.While)):
        return NEVER if ends(node.body) == NEVER else MAYBE
    return NEVER


def _traced(test: ast.expr) -> bool:
    return certainly_traced(ast.unparse(test))


def _either(traced: bool, *branches: str) -> str:
    """One of ``branches`` runs: every one under jit if ``traced``, else one chosen by a
    static value (which one, the text does not say)."""
    if len(set(branches)) == 1:
        return branches[0]
    if set(branches) <= {NEVER, SOME} or traced and {NEVER, SOME} & set(branches):
        return SOME
    return MAYBE


def _then(first: str, second: str) -> str:
    """``second`` runs on the paths that get past ``first``."""
    if ALWAYS in (first, second):
        return ALWAYS
    if NEVER in (first, second):
        return second if first == NEVER else first
    return MAYBE if MAYBE in (first, second) else SOME


@st.composite
def mixed_programs(draw, classes: tuple[str, ...], max_statements: int = 10) -> Program:
    """A ``Program`` mixing the core grammar with segments of ``classes``."""
    return write_mixed_program(MixedWriter(draw, budget=max_statements, classes=tuple(classes)))
