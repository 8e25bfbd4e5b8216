"""Which values of a function are traced, decided from its text alone.

The language server cannot run the user's code, so it estimates, for every statement of
a function that will be jitted, which local names hold traced values there. The answer
decides whether a line is flagged (``int(n)`` fails only if ``n`` is traced) and whether
a converted ``if`` really becomes ``lax.cond``.

The estimate is a forward data-flow pass over the structured body (loops iterated to a
fixed point, branches joined), so ``n = 3`` before ``n = x.sum()`` is static at its own
line. Each name gets a level:

* ``CERTAIN``: a parameter of a jitted function that is not declared static, the result
  of a ``jnp``/``lax``/``jax.random`` call, or arithmetic on such values;
* ``LIKELY``: what a call of unknown code returns when given traced arguments; in
  ``allFunctions`` mode (no jit decorator) every traced value is only likely;
* ``STATIC``: literals, shapes (``x.shape``, ``len(x)``), static parameters, the rest.

Values carried out of (or into) a converted ``if``/loop whose condition is traced are
traced too, as ``lax.cond`` and the lax loops make them. Names also record a *kind*:
``"mask"`` for boolean arrays compared from traced values, ``"sequence"`` for Python
lists and tuples; the checks use both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from py2lax.frontend import syntax as S
from py2lax.analysis.names import bound_names, parameter_names
from py2lax.analysis.static_values import STATIC_ATTRIBUTES, is_static
from py2lax.analysis.targets import Imports

STATIC, LIKELY, CERTAIN = 0, 1, 2
State = dict  # name -> (level, kind)

_ARRAY_MODULES = ("jax.numpy.", "jax.lax.", "jax.random.", "jax.nn.", "jax.scipy.")
_STATIC_JAX = {"jax.numpy." + n for n in (
    "shape", "ndim", "size", "result_type", "dtype", "issubdtype", "iinfo", "finfo",
    "promote_types", "can_cast", "isscalar")}
_STATIC_BUILTINS = {"len", "isinstance", "issubclass", "type", "callable", "hasattr", "id",
                    "str", "repr", "format", "print", "range", "int", "float", "bool",
                    "complex"}
MASK_FUNCTIONS = {"jax.numpy." + n for n in (
    "logical_and", "logical_or", "logical_not", "logical_xor", "isnan", "isinf", "isfinite",
    "isclose", "greater", "greater_equal", "less", "less_equal", "equal", "not_equal")}
CONVERSION_METHODS = {"item", "tolist"}
_MUTATORS = {"append", "extend", "insert", "add", "update", "setdefault"}
_BOOL_OPS = (S.BitAnd, S.BitOr, S.BitXor)
_IDENTITY = (S.Is, S.IsNot, S.In, S.NotIn)


@dataclass
class TracedValues:
    """Levels of names before each statement of one function, and of any expression."""

    imports: Imports
    static_names: frozenset[str]
    cap: int = CERTAIN                  # LIKELY when the function is not jitted
    sequences: frozenset[str] = frozenset()   # module-level Python lists and tuples
    before: dict[int, State] = field(default_factory=dict)
    # id(loop) -> (its settled head state, the state after it): a loop nested in another
    # is entered again at every round of the outer fixpoint; reusing what it settled to
    # keeps the analysis linear in the nesting depth instead of exponential.
    _settled_loops: dict[int, tuple[State, State]] = field(default_factory=dict)

    # ----------------------------------------------------------------- expressions
    def level(self, node, state: State) -> int:
        return min(self._level(node, state), self.cap)

    def _level(self, node, state: State) -> int:
        if node is None or isinstance(node, (S.Constant, S.Lambda, S.JoinedStr)):
            return STATIC
        if isinstance(node, S.Name):
            return state.get(node.id, (STATIC, None))[0]
        if isinstance(node, S.Attribute):
            return STATIC if node.attr in STATIC_ATTRIBUTES else self._level(node.value, state)
        if isinstance(node, S.Compare) and all(isinstance(o, (S.Is, S.IsNot)) for o in node.ops):
            return STATIC
        if isinstance(node, S.Call):
            return self._call_level(node, state)
        if isinstance(node, (S.ListComp, S.SetComp, S.GeneratorExp, S.DictComp)):
            inner = self.comprehension_state(node, state)
            parts = [node.key, node.value] if isinstance(node, S.DictComp) else [node.elt]
            return max(self._level(p, inner) for p in parts)
        return max((self._level(c, state) for c in S.iter_child_nodes(node)
                    if isinstance(c, S.expr)), default=STATIC)

    def _call_level(self, node: S.Call, state: State) -> int:
        name = self.qualified(node.func, state)
        arguments = [a for a in node.args] + [k.value for k in node.keywords]
        given = max((self._level(a, state) for a in arguments), default=STATIC)
        if name in _STATIC_BUILTINS or name in _STATIC_JAX:
            return STATIC
        if name and name.startswith(_ARRAY_MODULES):
            return CERTAIN
        if isinstance(node.func, S.Attribute):
            if node.func.attr in CONVERSION_METHODS:
                return STATIC
            return max(self._level(node.func.value, state), min(given, LIKELY))
        return min(given, LIKELY)

    def qualified(self, func, state: State) -> str | None:
        """``"jax.numpy.zeros"`` for ``jnp.zeros``; ``None`` for a call on a local value."""
        base = func
        while isinstance(base, S.Attribute):
            base = base.value
        if not isinstance(base, S.Name) or base.id in state:
            return None
        return self.imports.qualified(func)

    def kind(self, node, state: State) -> str | None:
        """``"mask"``, ``"sequence"`` or ``None`` for the value of ``node``."""
        if isinstance(node, S.Name):
            if node.id not in state and node.id in self.sequences:
                return "sequence"
            return state.get(node.id, (STATIC, None))[1]
        if isinstance(node, S.Compare) and not any(isinstance(o, _IDENTITY) for o in node.ops):
            return "mask" if self.level(node, state) else None
        if isinstance(node, S.BinOp) and isinstance(node.op, _BOOL_OPS):
            masks = [self.kind(node.left, state), self.kind(node.right, state)]
            return "mask" if "mask" in masks else None
        if isinstance(node, S.UnaryOp) and isinstance(node.op, (S.Invert, S.Not)):
            return self.kind(node.operand, state)
        if isinstance(node, S.Call):
            name = self.qualified(node.func, state)
            if name in MASK_FUNCTIONS and self.level(node, state):
                return "mask"
            return "sequence" if name in ("list", "tuple") else None
        if isinstance(node, (S.List, S.Tuple, S.ListComp)):
            return "sequence"
        if isinstance(node, S.BinOp) and isinstance(node.op, (S.Add, S.Mult)):
            kinds = {self.kind(node.left, state), self.kind(node.right, state)}
            return "sequence" if "sequence" in kinds else None
        return None

    def comprehension_state(self, node, state: State) -> State:
        """``state`` plus the comprehension's own variables (each as traced as its iterable)."""
        inner = dict(state)
        for generator in node.generators:
            level = self._level(generator.iter, inner)
            for name in _target_names(generator.target):
                inner[name] = (level, None)
        return inner

    def walk(self, node, state: State) -> Iterator[tuple[S.AST, State]]:
        """Every node of an expression with the state in effect there (comprehension
        variables included); lambda bodies and nested definitions are not entered."""
        todo = [(node, state)]
        while todo:
            current, current_state = todo.pop()
            yield current, current_state
            if isinstance(current, S.Lambda):
                continue
            if isinstance(current, (S.ListComp, S.SetComp, S.GeneratorExp, S.DictComp)):
                current_state = self.comprehension_state(current, current_state)
            todo.extend((c, current_state) for c in S.iter_child_nodes(current))

    # ----------------------------------------------------------------- statements
    def analyse(self, function: S.FunctionDef, first_static: bool = False) -> None:
        """Record the state before every statement of ``function``'s body."""
        parameters = parameter_names(function.args)
        state = {name: (self.cap, None) for name in parameters if name not in self.static_names}
        self._settled_loops.clear()
        if first_static and parameters and parameters[0] in ("self", "cls"):
            state.pop(parameters[0], None)
        self._block(function.body, state)

    def _block(self, statements, state: State) -> State:
        for statement in statements:
            state = self._statement(statement, state)
        return state

    def _statement(self, node, state: State) -> State:
        self.before[id(node)] = _join(self.before.get(id(node), {}), state)
        state = self._walrus(node, state)
        if isinstance(node, S.If):
            level = STATIC if is_static(node.test, self.static_names) else self.level(
                node.test, state)
            assigned = bound_names(node.body + node.orelse)
            inner = _raised(state, assigned, level)
            out = _join(self._block(node.body, inner), self._block(node.orelse, inner))
            return _raised(out, assigned, level)
        if isinstance(node, (S.While, S.For)):
            return self._loop(node, state)
        if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            return {**state, node.name: (STATIC, None)}
        if isinstance(node, (S.Try, S.TryStar)):
            body = self._block(node.body, state)
            handlers = [self._block(h.body, _join(state, body)) for h in node.handlers]
            out = _join(self._block(node.orelse, body), *handlers)
            return self._block(node.finalbody, out)
        if isinstance(node, (S.With, S.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    state = self._bind(item.optional_vars, item.context_expr, state)
            return self._block(node.body, state)
        if isinstance(node, S.Match):
            level = self.level(node.subject, state)
            cases = [self._block(c.body, _raised(state, bound_names([c.pattern]), level, True))
                     for c in node.cases]
            return _join(state, *cases)
        return self._simple(node, state)

    def _loop(self, node, state: State) -> State:
        settled = self._settled_loops.get(id(node))
        head = state if settled is None else _join(settled[0], state)
        if settled is not None and head == settled[0]:
            return settled[1]   # nothing new reaches the loop: the same states follow
        assigned = bound_names(node.body)
        level = STATIC
        while True:
            inner, level = self._loop_entry(node, head, assigned)
            new_head = _join(head, self._block(node.body, inner))
            if new_head == head:
                break
            head = new_head
        after = self._block(node.orelse, _raised(head, assigned, level))
        self._settled_loops[id(node)] = (head, after)
        return after

    def _loop_entry(self, node, head: State, assigned: set[str]) -> tuple[State, int]:
        if isinstance(node, S.While):
            level = STATIC if is_static(node.test, self.static_names) else self.level(
                node.test, head)
            return _raised(head, assigned, level), level
        level, element = self.for_levels(node, head)
        inner = dict(_raised(head, assigned, level))   # a copy: the targets are set below
        for name in _target_names(node.target):
            inner[name] = (max(level, element), None)
        return inner, level

    def for_levels(self, node: S.For, state: State) -> tuple[int, int]:
        """(how traced the loop is, how traced its elements are) for a ``for`` statement."""
        iterable = node.iter
        if isinstance(iterable, S.Call) and self.qualified(iterable.func, state) == "range":
            level = max((self.level(a, state) for a in iterable.args), default=STATIC)
            return level, level
        element = self.level(iterable, state)
        if isinstance(iterable, (S.List, S.Tuple, S.Set, S.Dict, S.Constant)) or (
                isinstance(iterable, S.Call) and isinstance(iterable.func, S.Attribute)
                and iterable.func.attr in ("items", "keys", "values")):
            return STATIC, element   # a Python loop over a container
        return element, element

    def _simple(self, node, state: State) -> State:
        if isinstance(node, (S.Assign, S.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, S.Assign) else [node.target]
            for target in targets:
                state = self._bind(target, node.value, state)
        elif isinstance(node, S.AugAssign):
            old = _value(state, node.target)
            level = max(old[0], self.level(node.value, state))
            state = _raise_base(state, node.target, level, keep_kind=True)
        elif isinstance(node, (S.Import, S.ImportFrom)):
            state = {**state, **{name: (STATIC, None) for name in bound_names([node])}}
        elif isinstance(node, S.Delete):
            state = {k: v for k, v in state.items() if k not in bound_names([node])}
        elif isinstance(node, S.Expr) and isinstance(node.value, S.Call) and isinstance(
                node.value.func, S.Attribute) and node.value.func.attr in _MUTATORS:
            level = self.level(node.value, state)
            state = _raise_base(state, node.value.func.value, level, keep_kind=True)
        return state

    def _bind(self, target, value, state: State) -> State:
        level, kind = self.level(value, state), self.kind(value, state)
        if isinstance(target, S.Name):
            return {**state, target.id: (level, kind)}
        if isinstance(target, (S.Tuple, S.List)):
            values = value.elts if isinstance(value, (S.Tuple, S.List)) and len(
                value.elts) == len(target.elts) else [None] * len(target.elts)
            for element, part in zip(target.elts, values):
                state = (self._bind(element, part, state) if part is not None
                         else self._bind_level(element, level, state))
            return state
        return self._bind_level(target, level, state)

    def _bind_level(self, target, level: int, state: State) -> State:
        if isinstance(target, S.Starred):
            target = target.value
        if isinstance(target, S.Name):
            return {**state, target.id: (level, None)}
        if isinstance(target, (S.Tuple, S.List)):
            for element in target.elts:
                state = self._bind_level(element, level, state)
            return state
        return _raise_base(state, target, level, keep_kind=True)  # x[i] = v, obj.a = v

    def _walrus(self, node, state: State) -> State:
        for expression in own_expressions(node):
            for child in S.walk_same_scope(expression):
                if isinstance(child, S.NamedExpr):
                    state = self._bind(child.target, child.value, state)
        return state


def module_sequences(module: S.Module) -> frozenset[str]:
    """Top-level names bound once, to a list or tuple display (``WEIGHTS = [1.0, 2.0]``)."""
    counts: dict[str, int] = {}
    displays = set()
    for node in module.body:
        for name in bound_names([node]):
            counts[name] = counts.get(name, 0) + 1
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name) and isinstance(node.value, (S.List, S.Tuple, S.ListComp)):
            displays.add(node.targets[0].id)
    return frozenset(name for name in displays if counts[name] == 1)


def own_expressions(node) -> list:
    """The expressions a statement evaluates itself, outside its nested statement lists."""
    if isinstance(node, (S.If, S.While)):
        return [node.test]
    if isinstance(node, (S.For, S.AsyncFor)):
        return [node.target, node.iter]
    if isinstance(node, (S.With, S.AsyncWith)):
        return [part for i in node.items for part in (i.context_expr, i.optional_vars) if part]
    if isinstance(node, S.Match):
        return [node.subject]
    if isinstance(node, (S.Try, S.TryStar, S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
        return []
    return [c for c in S.iter_child_nodes(node) if isinstance(c, S.expr)]


def _target_names(target) -> set[str]:
    return {n.id for n in S.walk(target) if isinstance(n, S.Name)}


def _value(state: State, target) -> tuple[int, str | None]:
    while isinstance(target, (S.Attribute, S.Subscript, S.Starred)):
        target = target.value
    return state.get(target.id, (STATIC, None)) if isinstance(target, S.Name) else (STATIC, None)


def _raise_base(state: State, target, level: int, keep_kind: bool) -> State:
    """The variable under ``target`` (``x`` of ``x[i].a``) becomes at least ``level``."""
    while isinstance(target, (S.Attribute, S.Subscript, S.Starred)):
        target = target.value
    if not isinstance(target, S.Name):
        return state
    old_level, kind = state.get(target.id, (STATIC, None))
    return {**state, target.id: (max(old_level, level), kind if keep_kind else None)}


def _raised(state: State, names, level: int, replace: bool = False) -> State:
    """Names a traced statement assigns are traced inside it and after it."""
    if not level:
        return state
    out = dict(state)
    for name in names:
        old_level, kind = out.get(name, (STATIC, None))
        out[name] = (level if replace else max(old_level, level), kind)
    return out


def _join(first: State, *others: State) -> State:
    """Where paths meet: the highest level; a kind only if every path agrees."""
    out = dict(first)
    for other in others:
        for name, (level, kind) in other.items():
            if name in out:
                old_level, old_kind = out[name]
                out[name] = (max(old_level, level), old_kind if old_kind == kind else None)
            else:
                out[name] = (level, kind)
    return out
