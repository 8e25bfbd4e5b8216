"""What the passes decided, as data: one record per converted statement and per runtime call.

The passes write runtime calls (``py2lax.cond(...)``, ``py2lax.setitem(...)``) because
that is the code the decorator runs. Everything else that needs to know what was decided
(the ``--standalone`` emitter, the language server's lenses, hovers and diagnostics, the
runtime's error messages, the command line's labels) reads these records instead of
reading the generated calls back: a record names the generated nodes it stands for, so
an emitter replaces them by identity and never parses arguments by position.

* :class:`Lowered`: an ``if``/``while``/``for`` that became branch or body functions and
  one runtime call (what the statement carries, in one order; its flags; how it iterates).
* :class:`KeptAsPython`: a statement lowering left as written, and why.
* :class:`Rewritten`: one expression-level runtime call (``setitem``, ``and_``,
  ``converted``...): which helper, and the operands in the user's terms.
* :class:`Changed`: any other change to the user's code, and why: a pass's rewrite that
  no call stands for (a hoisted ``:=``, a ``match`` written as ``if``\\ s), or what the
  plain-jax emitter writes of its own (``jnp`` for NumPy, a checked test, a guard).

:meth:`Records.changes` is what changed in the function and why: the command rewrites
a function exactly when it is not empty. Another emitter that writes a recorded call
back as the user wrote it (``f(x)`` for ``py2lax.converted(f)(x)``) says so
(:meth:`Records.give_back`), and the call no longer counts.

``Records`` keeps them for one function, in the order they were made (innermost first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from py2lax.frontend import syntax as S


@dataclass
class Range:
    """``for target in range(start, stop, step)``; ``step`` None when not written."""

    start: S.AST
    stop: S.AST
    step: S.AST | None


@dataclass
class Items:
    """``for target in iterable`` over anything else (``enumerate``/``zip`` see-through)."""

    iterable: S.AST
    see_through: str | None = None   # "enumerate" / "zip" when the runtime sees through it


@dataclass
class Lowered:
    """One converted ``if``/``while``/``for``.

    ``functions`` are the generated functions' names: ``(true, false)`` for an ``if``,
    ``(condition, body)`` for a ``while``, ``(body,)`` for a ``for``; ``definitions`` the
    nodes, ``call`` the statement that calls the runtime (``carried = py2lax.cond(...)``).
    ``inputs`` are what the functions take and ``carried`` what the statement assigns from
    the result (the same names for a loop), both in the function's one order. A ``for``
    body takes the item first, as ``item``.
    """

    kind: str
    line: int
    column: int
    test: S.AST | None
    functions: tuple[str, ...]
    inputs: tuple[str, ...]
    carried: tuple[str, ...]
    definitions: list = field(default_factory=list)
    call: S.AST | None = None
    guards: list = field(default_factory=list)   # `x = py2lax.Undefined('x')` before it
    unbound: dict[str, bool] = field(default_factory=dict)  # guarded name -> surely unbound
    item: str | None = None                      # for: the body's item parameter
    iteration: Range | Items | None = None       # for: what it iterates
    break_flag: str | None = None                # for: the flag a `break` sets (carried last)
    result: str | None = None                    # the function's result variable, if carried
    options: dict[str, S.AST] = field(default_factory=dict)  # max_iterations, unroll...
    outer: tuple[str, ...] = ()                  # carried globals/nonlocals
    inside_try: bool = False                     # in a `try` body that has handlers
    managers: tuple[str, ...] = ()               # variables holding the `with` managers
    written_by_user: bool = True                 # False: an `if` py2lax wrote (exit flags)
    # The `try` around ``call`` that keeps the work done before an exception, when a
    # `try`/`with`/`finally` of the function sees it (transforms.partial_carry); None if
    # not wrapped. Another emitter writing the statement its own way drops the wrapper.
    partial_carry: S.AST | None = None

    @property
    def primitive(self) -> str:
        """The lax primitive the statement compiles to when it is traced."""
        if self.kind == "if":
            return "lax.cond"
        if self.kind == "while" or self.break_flag is not None:
            return "lax.while_loop"
        # (a loop over an array its body writes into reads it by position, as NumPy does)
        return "lax.fori_loop" if isinstance(self.iteration, Range) or (
            "items_updated" in self.options) else "lax.scan"

    def branch_bodies(self) -> tuple[list, list]:
        """An ``if``'s true and false branch statements (no ``else``: none)."""
        bodies = [d.body for d in self.definitions if isinstance(d, S.FunctionDef)]
        return bodies[0], bodies[1] if len(bodies) > 1 else []

    @property
    def statements(self) -> list:
        """The generated statements, in order: guards, functions, the call."""
        return self.guards + self.definitions + ([self.call] if self.call is not None else [])


@dataclass
class KeptAsPython:
    """A statement lowering left as written (its condition is static, say), and why."""

    kind: str
    line: int
    reason: str


@dataclass
class Rewritten:
    """One runtime call a pass wrote in place of an expression or simple statement.

    ``helper`` is the runtime function (``"setitem"``, ``"and_"``, ``"converted"``...),
    ``node`` the generated call, and ``operands`` the user's parts by role (for
    ``setitem``: ``target``, ``index``, ``value``, ``op``; for ``augassign``, ``view``:
    the other name that holds the array). ``options`` are what the call tells the
    runtime by keyword (``view_of``, ``written_back``, ``part``), by name, so that
    another emitter reads them here rather than from the call's keywords.
    ``written_by_user``: False for a call py2lax wrote for its own exit flags
    (``not returned and ...``), which names no primitive the user's line compiles to.
    ``label``: what an emitter wrote for it where that is not ``HELPER_LABELS``' entry
    (``x or default`` selected with ``jnp.where``), for the line's comment.
    """

    helper: str
    node: S.AST
    line: int
    operands: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    written_by_user: bool = True
    label: str | None = None


@dataclass
class Changed:
    """A change no lowered statement or runtime call stands for, at the user's ``line``
    (0: the function as a whole): ``why`` names it (``"hoist_walrus"``, ``"jax"``)."""

    line: int
    why: str


@dataclass
class Records:
    """Everything decided for one function."""

    lowered: list[Lowered] = field(default_factory=list)
    kept: list[KeptAsPython] = field(default_factory=list)
    rewritten: dict[int, Rewritten] = field(default_factory=dict)  # id(call node) -> record
    changed: list[Changed] = field(default_factory=list)
    given_back: dict[int, Rewritten] = field(default_factory=dict)  # id(record) -> record
    # the code written calls jax (``jax.lax.cond``, a ``_py2lax_`` helper): the module
    # needs ``import jax``
    calls_jax: bool = False

    def change(self, line: int, why: str, *, calls_jax: bool = False) -> None:
        """Record a change no call stands for; ``calls_jax``: the code it writes calls jax."""
        self.changed.append(Changed(line, why))
        self.calls_jax |= calls_jax

    def give_back(self, record: Rewritten, unlabelled: bool = False) -> None:
        """``record``'s call is written as the user wrote it: it changes nothing.
        ``unlabelled``: no comment names a primitive for it either (it leaves
        ``rewritten``, which the plain-jax emitter's later questions no longer see)."""
        self.given_back[id(record)] = record
        if unlabelled:
            self.rewritten.pop(id(record.node), None)

    def count(self) -> int:
        """How many records there are (a pass that adds none changed nothing it recorded)."""
        return len(self.lowered) + len(self.kept) + len(self.rewritten) + len(self.changed)

    def restored(self, first: int, last: int) -> None:
        """Lines ``first``..``last`` are given back as the user wrote them (a host
        callback's body, which runs as Python): what was recorded there no longer
        counts."""
        inside = lambda line: first <= line <= last  # noqa: E731
        self.lowered = [r for r in self.lowered if not inside(r.line)]
        self.changed = [c for c in self.changed if not inside(c.line)]
        for record in self.rewritten.values():
            if inside(record.line):
                self.given_back[id(record)] = record

    def changes(self) -> list[tuple[int, str]]:
        """What changed in the function and why, as ``(line, what)``: each lowered
        statement's primitive, each runtime call not given back, each other change."""
        found = [(r.line, r.primitive) for r in self.lowered]
        found += [(r.line, r.helper) for r in self.rewritten.values()
                  if id(r) not in self.given_back]
        return found + [(c.line, c.why) for c in self.changed]

    def rewrote(self, helper: str, node, line: int, *, written_by_user: bool = True,
                **operands) -> None:
        options = {k.arg: k.value for k in getattr(node, "keywords", []) if k.arg}
        record = Rewritten(helper, node, line, operands, options, written_by_user)
        self.rewritten[id(node)] = record
        setattr(node, _RECORD, record)  # copies of the call (templates copy) carry it too

    def set_option(self, node, name: str, value) -> None:
        """Give the recorded call ``node`` the keyword ``name=value`` (in place of one of
        that name), in the call and in its record alike."""
        node.keywords = [k for k in node.keywords if k.arg != name]
        node.keywords.append(S.keyword(arg=name, value=value))
        record = self.of_call(node)
        if record is not None:
            record.options[name] = value

    def replaced(self, old, new) -> None:
        """A later pass put ``new`` where ``old`` stood (``a and b`` became a call): the
        records that name ``old`` as an operand name ``new`` instead."""
        for record in self.rewritten.values():
            for role, value in record.operands.items():
                if value is old:
                    record.operands[role] = new
                elif isinstance(value, list) and any(v is old for v in value):
                    record.operands[role] = [new if v is old else v for v in value]

    def of_call(self, node) -> Rewritten | None:
        """The record of a generated call (or of a copy of one), or None for code the
        user wrote. A copy's record names the original's operands."""
        return self.rewritten.get(id(node)) or getattr(node, _RECORD, None)

    def writes(self, node, name: str, helpers: tuple[str, ...]) -> bool:
        """``node`` is a recorded call of one of ``helpers`` whose target is the variable
        ``name`` (``py2lax.setitem(u, 4, v)``, ``py2lax.written_through(u)``)."""
        record = self.of_call(node) if isinstance(node, S.Call) else None
        target = record.operands.get("target") if record is not None and (
            record.helper in helpers) else None
        return isinstance(target, S.Name) and target.id == name

    def is_lowered_call(self, statement) -> bool:
        """``statement`` is a lowered statement's runtime call (``u, = py2lax.cond(...)``)."""
        return any(statement is record.call for record in self.lowered)

    def lowered_at(self, line: int) -> list[Lowered]:
        return [record for record in self.lowered if record.line == line]

    def labels_at(self, line: int) -> list[str]:
        """What the user's statement at ``line`` compiles to when traced, in order: the
        primitives of the statements lowered there and of the runtime calls written
        there (for the command line's comments)."""
        labels = [r.primitive for r in self.lowered if r.line == line and r.written_by_user]
        labels += [r.label or HELPER_LABELS[r.helper] for r in self.rewritten.values()
                   if r.line == line and r.helper in HELPER_LABELS and r.written_by_user
                   and id(r) not in self.given_back]
        return list(dict.fromkeys(labels))


_RECORD = "py2lax_rewritten"  # the attribute a recorded call keeps its record in


def record_of(node) -> Rewritten | None:
    """The record a generated call (or a copy of one) carries; None for the user's code.
    For a pass that has no :class:`Records` at hand."""
    return getattr(node, _RECORD, None)


def callee(function):
    """What the user called: ``f`` for a recorded ``py2lax.converted(f)`` (the form
    ``convert_calls`` gives calls), else ``function`` itself."""
    record = record_of(function) if isinstance(function, S.Call) else None
    return record.operands["function"] if record is not None and (
        record.helper == "converted") else function


# What each expression-level runtime call compiles to when its values are traced.
HELPER_LABELS = {
    "if_exp": "lax.cond", "and_": "jnp.logical_and", "or_": "jnp.logical_or",
    "not_": "jnp.logical_not", "print_": "jax.debug.print", "assert_": "jax.debug.callback",
    "setitem": ".at[].set",
}
