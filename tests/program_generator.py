"""The random program generator of ``test_generated_programs.py``: the core grammar.

Hypothesis (or ``random.Random``) draws the source text of ``def f(x, y, n, v):``
mixing assignments, ``if``/``elif``/``else``, ``while`` and ``for`` loops, ``break``,
``continue`` and early ``return``. ``program_constructs.py`` adds the constructs of
real code on top of this grammar (closures, mutation, ``with``/``try``/``match``,
methods, ...) for ``def f(x, y, n, v, m):``.

Parameters: ``x``, ``y`` float32 scalars in [-2, 2]; ``n`` an int scalar in 0..6 (loop
bounds); ``v`` a float32 vector of length 4 (a NumPy array when the program runs on
Python values, a jax array otherwise).

Grammar (``F`` float expression, ``C`` condition, ``I`` an int name in scope: ``n``, a
loop index or a counter; ``K`` a small int literal, ``L`` a float literal; ``op`` one of
``< > <= >=``; ``[...]`` optional, ``{...}`` repeated, ``|`` alternatives)::

    program := def f(x, y, n, v):
                   a = jnp.tanh(x + y); b = jnp.sin(y); c = x * 0.0 | 0.0
                   w = jnp.asarray(v) * 0.5       # a jax array even when v is NumPy
                   block [block]
                   return R                       # R: F or F, F (the same for every return)
    block   := stmt [stmt [stmt]] [jump]          # jump: only in an if/elif/else branch
    jump    := return R | break | continue        # break/continue: only inside a loop
    stmt    := (a|b|c) = jnp.tanh(F) | jnp.clip(F, -4.0, 4.0) | jnp.sin(F)
             | (a|b|c) += jnp.tanh(F) * 0.5
             | w = jnp.tanh(w + F) | jnp.roll(w, 1) + 0.0 * F | jnp.maximum(w, F)
                 | w.at[I % 4].set(F)
             | tN = jnp.tanh(F)                   # a temporary: read only later in its block
             | if C: block {elif C: block} [else: block]
             | if C: [stmt] jump [else: stmt]     # the usual shape of an early exit
             | kN = 0
               while kN < B [and C] | C and kN < B:
                   kN = kN + 1                    # first: `continue` cannot skip it
                   block
               [else: stmt]
             | for iN in RANGE: block [else: stmt]
             | for eN in v | w: block [else: stmt]
             | for iN, eN in enumerate(v): block [else: stmt]
             | for eN, gN in zip(v, w): block [else: stmt]
    RANGE   := range(n) | range(0|1|3|4) | range(10)       # 10 > UNROLL_LIMIT: compiled
             | range(1, n) | range(n, 5) | range(n - 2, n + 1) | range(2, n + 2)
             | range(0, n, 2) | range(n, 0, -1) | range(1, 7, 3) | range(n - 1, -1, -2)
             | range(I) | range(I, n)             # I: an enclosing loop index or counter
    B       := n | 3 | 5 | n - 1
    C       := CMP | not CMP | CMP and C | CMP or C | (CMP or CMP) and not CMP
    CMP     := F op F | F op L | -0.5 < F (<|<=) F | n op K
             | I % 2 == 0 | I < n - 1 | I (==|>|>=|<) K   # static while I is a Python int
    F       := a | b | c | x | y | tN | eN | gN | v[K] | w[K] | w[I % 4] | I * 0.5
             | jnp.sum(w) * 0.25 | L | F + F | F - (F) | (F) * 0.5 | jnp.sin(F)
             | jnp.tanh(F) | jnp.abs(F) | jnp.maximum(F, F) | jnp.minimum(F, F)
             | (F if C else F)

Nesting is at most 3 compound statements deep, and a program has at most 8 (branching
test) or 10 (looping test) statements besides the initial assignments.

Rules the generator keeps, so that every program is valid for py2lax and terminates:

* every variable is assigned before the statement that reads it, on every path: ``a``,
  ``b``, ``c``, ``w`` at the top; a temporary ``tN`` and a counter ``kN`` are only read
  later in the block that assigns them (or in blocks nested there); a loop's target is
  only read inside the loop;
* carried values keep their shape and a float dtype (``c = 0.0`` may start as a Python
  float: py2lax promotes it, as ``jnp`` arithmetic would); ``w`` keeps shape (4,);
* a ``while`` loop increments its counter first (so ``continue`` cannot skip it) and its
  condition is ``kN < B`` or ``kN < B and C``: it always terminates;
* every ``return`` has the same structure (one float, or a pair of floats);
* values stay bounded (``tanh``, ``sin``, ``clip`` on each assignment, ``+=`` adds at most
  0.5), so there is no overflow and no NaN; vector indices are literals in range or
  ``I % 4``.

The writer also knows where a statement is *certainly traced* under ``jax.jit`` (inside
an ``if`` whose first comparison reads ``x``, ``y``, ``v``, ``w`` or ``n``, or a loop
whose trip count depends on ``n``): ``Scope.traced``. With ``only_traced_returns`` it
writes ``return`` only there, so that no static ``return`` skips a later statement
whose jit outcome the program's expectation relies on (see ``program_constructs.py``).
"""

from __future__ import annotations

import ast
import itertools
import random
from dataclasses import dataclass, field

from hypothesis import strategies as st

FLOAT_LITERALS = ("0.5", "-0.5", "1.5", "-1.0", "0.25", "2.0")
INDENT = "    "
TRACED_NAMES = frozenset({"x", "y", "n", "v", "w"})   # never rebound to a Python value


def certainly_traced(expression: str) -> bool:
    """Whether the condition ``expression`` is a tracer under ``jax.jit`` of ``f``.

    Only its first comparison counts (``and``/``or`` short-circuit on a Python value),
    and in it only the two operands of the first comparison (a chain is an ``and``),
    outside ternaries (a static ternary may pick a static operand).
    """
    node = ast.parse(expression, mode="eval").body
    while isinstance(node, (ast.BoolOp, ast.UnaryOp)):
        node = node.values[0] if isinstance(node, ast.BoolOp) else node.operand
    operands = [node.left, node.comparators[0]] if isinstance(node, ast.Compare) else [node]
    return any(_reads_traced(operand) for operand in operands)


def _reads_traced(node: ast.AST) -> bool:
    if isinstance(node, ast.IfExp):
        return False
    if isinstance(node, ast.Name):
        return node.id in TRACED_NAMES
    return any(_reads_traced(child) for child in ast.iter_child_nodes(node))


@dataclass
class Scope:
    """What a statement may read and do where it is generated."""

    floats: list[str]                    # float scalars that hold a value here
    ints: list[str]                      # int scalars that hold a value here (n, indices, counters)
    loop_depth: int = 0                  # enclosing loops (break/continue allowed if > 0)
    depth: int = 0                       # enclosing compound statements
    traced: bool = False                 # certainly under a traced condition or trip count
    calls: list[str] = field(default_factory=list)   # float atoms that call a closure: "rd3()"
    jumps: bool = True                   # break/continue/return may be written here

    def inner(self, *, floats=(), ints=(), loop: bool = False, traced: bool = False) -> "Scope":
        return Scope(self.floats + list(floats), self.ints + list(ints),
                     self.loop_depth + loop, self.depth + 1, self.traced or traced,
                     list(self.calls), self.jumps)

    def copy(self) -> "Scope":
        return Scope(list(self.floats), list(self.ints), self.loop_depth, self.depth,
                     self.traced, list(self.calls), self.jumps)


@dataclass
class ProgramWriter:
    """Draws one program statement by statement (see the module docstring's grammar)."""

    draw: object                         # hypothesis' draw (or a random.Random)
    loops: bool = True                   # generate while/for (and break/continue)
    max_depth: int = 3                   # nesting of compound statements
    budget: int = 12                     # statements left to generate
    arity: int = 1                       # what every `return` returns: 1 float or 2
    names: itertools.count = field(default_factory=itertools.count)
    big_loop_used: bool = False          # at most one range(10) per program (run time)
    only_traced_returns: bool = False    # `return` only where Scope.traced
    returns_written: int = 0             # `return` statements written so far

    # -- choices (the only methods that draw) -----------------------------------
    def choose(self, options):
        """One of ``options``; hypothesis shrinks toward the first."""
        return self.draw(st.sampled_from(options))

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.names)}"

    # -- hooks for program_constructs.py (the core grammar has none) ---------------
    def extra_atom(self, scope: Scope) -> str | None:
        return None

    def extra_statement(self, scope: Scope, level: int) -> list[str] | None:
        return None

    # -- expressions -----------------------------------------------------------
    def int_name(self, scope: Scope) -> str:
        return self.choose(scope.ints)

    def atom(self, scope: Scope) -> str:
        extra = self.extra_atom(scope)
        if extra is not None:
            return extra
        kind = self.choose(["float"] * 6 + ["v", "w", "w_dyn", "int", "sum", "literal"])
        if kind == "float":
            return self.choose(scope.floats)
        if kind == "v":
            return f"v[{self.choose([0, 1, 2, 3])}]"
        if kind == "w":
            return f"w[{self.choose([0, 1, 2, 3])}]"
        if kind == "w_dyn":
            return f"w[{self.int_name(scope)} % 4]"
        if kind == "int":
            return f"{self.int_name(scope)} * 0.5"
        if kind == "sum":
            return "jnp.sum(w) * 0.25"
        return self.choose(FLOAT_LITERALS)

    def fexpr(self, scope: Scope, depth: int | None = None) -> str:
        """A float scalar expression whose value is bounded by its operands."""
        if depth is None:
            depth = self.choose([1, 1, 1, 2])
        if depth == 0:
            return self.atom(scope)
        kind = self.choose(["atom"] * 5 + ["add", "sub", "half", "sin", "tanh", "abs", "max",
                                           "min", "add", "tanh", "ternary"])
        sub = lambda: self.fexpr(scope, depth - 1)  # noqa: E731
        if kind == "atom":
            return self.atom(scope)
        if kind == "add":
            return f"{sub()} + {sub()}"
        if kind == "sub":
            return f"{sub()} - ({sub()})"
        if kind == "half":
            return f"({sub()}) * 0.5"
        if kind in ("sin", "tanh", "abs"):
            return f"jnp.{kind}({sub()})"
        if kind in ("max", "min"):
            return f"jnp.{kind}imum({sub()}, {sub()})"
        return f"({sub()} if {self.cond(scope, 0)} else {sub()})"

    def comparison(self, scope: Scope) -> str:
        kind = self.choose(["float", "literal", "chain", "n", "int_mod", "int_n", "int_k"])
        ops = ["<", ">", "<=", ">="]
        operand = lambda: self.fexpr(scope, self.choose([0, 1]))  # noqa: E731
        if kind == "float":
            return f"{operand()} {self.choose(ops)} {operand()}"
        if kind == "literal":
            return f"{operand()} {self.choose(ops)} {self.choose(FLOAT_LITERALS)}"
        if kind == "chain":
            return f"-0.5 < {operand()} {self.choose(['<', '<='])} {operand()}"
        if kind == "n":
            return f"n {self.choose(ops)} {self.choose([0, 1, 2, 3, 4])}"
        if kind == "int_mod":
            return f"{self.int_name(scope)} % 2 == 0"
        if kind == "int_k":  # on a loop index: static in the first iteration, traced later
            name, op = self.int_name(scope), self.choose(["==", ">", ">=", "<"])
            return f"{name} {op} {self.choose([1, 2, 3])}"
        others = [i for i in scope.ints if i != "n"]
        if not others:
            return f"n {self.choose(ops)} {self.choose([0, 1, 2, 3, 4])}"
        return f"{self.choose(others)} < n - 1"

    def cond(self, scope: Scope, depth: int = 1) -> str:
        """A condition: comparisons joined by ``and``/``or``/``not`` (and chained ones)."""
        if depth == 0:
            return self.comparison(scope)
        kind = self.choose(["cmp"] * 3 + ["not", "and", "or", "mixed"])
        if kind == "cmp":
            return self.comparison(scope)
        if kind == "not":
            return f"not {self.comparison(scope)}"
        if kind == "and":
            return f"{self.comparison(scope)} and {self.cond(scope, depth - 1)}"
        if kind == "or":
            return f"{self.comparison(scope)} or {self.cond(scope, depth - 1)}"
        first, second = self.comparison(scope), self.comparison(scope)
        return f"({first} or {second}) and not {self.comparison(scope)}"

    def returned(self, scope: Scope) -> str:
        return ", ".join(self.fexpr(scope) for _ in range(self.arity))

    # -- statements --------------------------------------------------------------
    def block(self, scope: Scope, level: int, *, may_jump: bool = False) -> list[str]:
        """Statements at indentation ``level``; with ``may_jump`` the last may be a jump."""
        scope = scope.copy()
        lines: list[str] = []
        count = self.integer(1, 3)
        for _ in range(count):
            if self.budget <= 0 and lines:
                break
            lines += self.statement(scope, level)  # may add temporaries/counters to scope
        if may_jump and self.integer(0, 2) == 2:
            lines += self.jump(scope, level)
        return lines

    def jump(self, scope: Scope, level: int) -> list[str]:
        """``return R``, ``break`` or ``continue`` (none where none is allowed)."""
        may_return = scope.jumps and (scope.traced or not self.only_traced_returns)
        options = (["return"] if may_return else []) + (
            ["break", "continue"] + ["return"] * may_return if scope.loop_depth else [])
        if not options:
            return []
        kind = self.choose(options)
        pad = INDENT * level
        if kind != "return":
            return [pad + kind]
        self.returns_written += 1
        return [f"{pad}return {self.returned(scope)}"]

    def statement(self, scope: Scope, level: int) -> list[str]:
        extra = self.extra_statement(scope, level)
        if extra is not None:
            return extra
        self.budget -= 1
        compound = ["if", "exit"] + (["while", "for", "for"] if self.loops else [])
        simple = ["assign", "assign", "augment", "vector", "temp"]
        nested = scope.depth >= self.max_depth or self.budget <= 0
        kinds = simple if nested else simple + compound * 2
        kind = self.choose(kinds)
        pad = INDENT * level
        if kind == "assign":
            target = self.choose(["a", "b", "c"])
            form = self.choose(["jnp.tanh({})", "jnp.clip({}, -4.0, 4.0)", "jnp.sin({})"])
            return [f"{pad}{target} = {form.format(self.fexpr(scope))}"]
        if kind == "augment":
            return [f"{pad}{self.choose(['a', 'b', 'c'])} += jnp.tanh({self.fexpr(scope)}) * 0.5"]
        if kind == "vector":
            form = self.choose(["w = jnp.tanh(w + {})", "w = jnp.roll(w, 1) + 0.0 * {}",
                                "w = jnp.maximum(w, {})", "w = w.at[{i} % 4].set({})"])
            return [pad + form.format(self.fexpr(scope), i=self.int_name(scope))]
        if kind == "temp":
            name = self.fresh("t")
            line = f"{pad}{name} = jnp.tanh({self.fexpr(scope)})"
            scope.floats.append(name)
            return [line]
        if kind == "if":
            return self.if_statement(scope, level)
        if kind == "exit":
            return self.exit_statement(scope, level)
        if kind == "while":
            return self.while_statement(scope, level)
        return self.for_statement(scope, level)

    def if_statement(self, scope: Scope, level: int) -> list[str]:
        pad = INDENT * level
        test = self.cond(scope)
        traced = certainly_traced(test)
        lines = [f"{pad}if {test}:"] + self.block(scope.inner(traced=traced), level + 1,
                                                  may_jump=True)
        for _ in range(self.integer(0, 2)):
            test = self.cond(scope)
            lines += [f"{pad}elif {test}:"]
            lines += self.block(scope.inner(traced=traced or certainly_traced(test)), level + 1,
                                may_jump=True)
        if self.integer(0, 1):
            lines += [f"{pad}else:"] + self.block(scope.inner(traced=traced), level + 1,
                                                  may_jump=True)
        return lines

    def exit_statement(self, scope: Scope, level: int) -> list[str]:
        """``if C: [stmt] jump [else: stmt]``: the common shape of an early exit."""
        pad = INDENT * level
        test = self.cond(scope)
        inner = scope.inner(traced=certainly_traced(test))
        lines = [f"{pad}if {test}:"]
        if self.integer(0, 1):
            lines += self.statement(inner, level + 1)
        lines += self.jump(inner, level + 1) or [f"{pad}{INDENT}pass"]
        if self.integer(0, 3) == 3:
            lines += [f"{pad}else:"] + self.statement(scope.inner(traced=inner.traced), level + 1)
        return lines

    def loop_else(self, scope: Scope, level: int) -> list[str]:
        if self.integer(0, 5) != 5:
            return []
        pad = INDENT * level
        return [f"{pad}else:"] + self.statement(scope.inner(), level + 1)

    def while_statement(self, scope: Scope, level: int) -> list[str]:
        pad = INDENT * level
        counter = self.fresh("k")
        bound = self.choose(["n", "3", "5", "n - 1"])
        test = f"{counter} < {bound}"
        shape = self.choose(["plain", "and_after", "and_before"])
        body_scope = scope.inner(ints=[counter], loop=True)
        if shape == "and_after":
            test = f"{test} and {self.cond(body_scope, 0)}"
        elif shape == "and_before":
            test = f"{self.cond(body_scope, 0)} and {test}"
        body_scope.traced = scope.traced or certainly_traced(bound) or certainly_traced(test)
        lines = [f"{pad}{counter} = 0", f"{pad}while {test}:",
                 f"{pad}{INDENT}{counter} = {counter} + 1"]
        lines += self.block(body_scope, level + 1)
        lines += self.loop_else(scope, level)
        scope.ints.append(counter)  # readable after the loop, in this block
        return lines

    def for_statement(self, scope: Scope, level: int) -> list[str]:
        pad = INDENT * level
        index, element, other = self.fresh("i"), self.fresh("e"), self.fresh("g")
        outer_ints = [i for i in scope.ints if i != "n"]
        kinds = ["range_n", "range_static", "each_v", "enumerate", "range_ab", "range_step",
                 "each_w", "zip", "range_n"]
        if outer_ints:
            kinds.append("range_outer")
        if not self.big_loop_used and scope.loop_depth == 0:
            kinds.append("range_long")
        kind = self.choose(kinds)
        floats, ints, traced = [], [], False
        if kind.startswith("range"):
            iterable = {
                "range_n": lambda: "range(n)",
                "range_static": lambda: f"range({self.choose([4, 3, 1, 0])})",
                "range_long": lambda: "range(10)",
                "range_ab": lambda: self.choose(["range(1, n)", "range(n, 5)",
                                                 "range(n - 2, n + 1)", "range(2, n + 2)"]),
                "range_step": lambda: self.choose(["range(0, n, 2)", "range(n, 0, -1)",
                                                   "range(1, 7, 3)", "range(n - 1, -1, -2)"]),
                "range_outer": lambda: self.choose(["range({})", "range({}, n)"]).format(
                    self.choose(outer_ints)),
            }[kind]()
            self.big_loop_used |= kind == "range_long"
            header, ints = f"for {index} in {iterable}:", [index]
            traced = certainly_traced(iterable)
        elif kind == "each_v":
            header, floats = f"for {element} in v:", [element]
        elif kind == "each_w":
            header, floats = f"for {element} in w:", [element]
        elif kind == "enumerate":
            header, floats, ints = f"for {index}, {element} in enumerate(v):", [element], [index]
        else:
            header, floats = f"for {element}, {other} in zip(v, w):", [element, other]
        lines = [pad + header]
        body_scope = scope.inner(floats=floats, ints=ints, loop=True, traced=traced)
        lines += self.block(body_scope, level + 1)
        lines += self.loop_else(scope, level)
        return lines


class RandomChoices:
    """Drive a writer with ``random.Random`` instead of hypothesis (for samples)."""

    def choose(self, options):
        return self.draw.choice(options)

    def integer(self, low: int, high: int) -> int:
        return self.draw.randint(low, high)


class RandomWriter(RandomChoices, ProgramWriter):
    """The core grammar driven by ``random.Random``."""


@st.composite
def programs(draw, loops: bool = True, max_statements: int = 12) -> str:
    """Source text of ``def f(x, y, n, v): ...`` (see the module docstring's grammar)."""
    return write_program(ProgramWriter(draw, loops=loops, budget=max_statements))


def write_program(writer: ProgramWriter) -> str:
    writer.arity = writer.integer(1, 2)
    c_init = writer.choose(["x * 0.0", "0.0"])
    scope = Scope(floats=["a", "b", "c", "x", "y"], ints=["n"])
    body = writer.block(scope, 1)
    body += writer.block(scope, 1) if writer.budget > 0 else []
    lines = [
        "def f(x, y, n, v):",
        f"{INDENT}a = jnp.tanh(x + y)",
        f"{INDENT}b = jnp.sin(y)",
        f"{INDENT}c = {c_init}",
        f"{INDENT}w = jnp.asarray(v) * 0.5",
        *body,
        f"{INDENT}return {writer.returned(scope)}",
    ]
    return "\n".join(lines) + "\n"


small_floats = st.floats(-2.0, 2.0, width=32, allow_subnormal=False)


@st.composite
def input_sets(draw, count: int = 3) -> list[tuple]:
    """``count`` argument tuples ``(x, y, n, v)``: one compiled program runs on all of them."""
    return [
        (draw(small_floats), draw(small_floats), draw(st.integers(0, 6)),
         tuple(draw(st.lists(small_floats, min_size=4, max_size=4))))
        for _ in range(count)
    ]


def sample(writer_type=RandomWriter, count: int = 200, seed: int = 0, **options) -> list[str]:
    """``count`` programs written with ``random.Random(seed)`` (for tests of the generator)."""
    rng = random.Random(seed)
    return [write_program(writer_type(rng, **options)) for _ in range(count)]
