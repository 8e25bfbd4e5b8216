"""Which functions of a module ``transpile`` rewrites, and what it knows about them statically.

Everything here reads the module's syntax tree only: the file is never imported, so a
decorator is recognised by how its name was imported (``from py2lax import
autograph_jit as ajit`` makes ``@ajit`` an ``autograph_jit``), and a value is static
only when the code says so (a ``static_argnames`` parameter, a module constant).

A function that already uses the py2lax runtime (``py2lax.cond(...)``,
``py2lax.while_loop(...)``, ``@py2lax.converted``, ...) and is not decorated with
``autograph_jit`` is py2lax output (or code written against the runtime by hand): it is left alone, which makes
``transpile`` idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from py2lax.frontend import syntax as S
from py2lax.analysis.names import bound_names

AUTOGRAPH = "py2lax.autograph_jit"
JIT = "jax.jit"
CONVERT = "py2lax.convert"
PARTIAL = "functools.partial"

# The names of the py2lax package a user writes by hand; every other ``py2lax.X`` call
# is the runtime that converted code calls.
USER_API = frozenset({
    "autograph_jit", "convert", "to_source", "transpile", "do_not_convert", "loop_options",
})

_FUNCTIONS = (S.FunctionDef, S.AsyncFunctionDef)


@dataclass
class Imports:
    """What each module-level name refers to, e.g. ``{"ajit": "py2lax.autograph_jit"}``."""

    aliases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, module: S.Module) -> "Imports":
        imports = cls()
        for node in module.body:
            if isinstance(node, S.Import):
                for alias in node.names:
                    imports.aliases[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
            elif isinstance(node, S.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    imports.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        return imports

    def qualified(self, node) -> str | None:
        """``"jax.jit"`` for ``jax.jit``, ``jit`` (from jax import jit), ``jx.jit`` (import jax as jx)."""
        if isinstance(node, S.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, S.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def spelling(self, qualified_name: str) -> str | None:
        """A name of this module that already means ``qualified_name``, if there is one."""
        for name, target in self.aliases.items():
            if target == qualified_name:
                return name
        return None


@dataclass
class Decorator:
    kind: str            # "autograph" or "jit"
    keywords: list       # the jit keyword arguments (S.keyword nodes)


@dataclass
class CallSite:
    """A module-level call that jits or converts a function by name: ``jax.jit(f)``,
    ``autograph_jit(f, static_argnames=...)`` (kind ``"autograph"``), ``py2lax.convert(f)``."""

    kind: str                 # "jit", "autograph" or "convert"
    call: S.Call
    statement: S.stmt         # the module-level statement it is in


@dataclass
class Target:
    """A function to run through the pipeline, with what its decorators declare."""

    function: S.FunctionDef
    decorators: list          # (Decorator | None, original decorator node), in order
    static_names: frozenset[str]
    call_sites: list = field(default_factory=list)   # CallSite, for a top-level function

    @property
    def has_autograph(self) -> bool:
        return any(d is not None and d.kind == "autograph" for d, _ in self.decorators)


def classify(decorator, imports: Imports) -> Decorator | None:
    """``autograph_jit``/``jax.jit`` in any spelling, called or in ``functools.partial``."""
    target, keywords = decorator, []
    if isinstance(decorator, S.Call):
        callee = imports.qualified(decorator.func)
        if callee == PARTIAL and decorator.args:
            target, keywords = decorator.args[0], decorator.keywords
        else:
            target, keywords = decorator.func, decorator.keywords
    name = imports.qualified(target)
    if name in (AUTOGRAPH, "autograph_jit"):
        return Decorator("autograph", keywords)
    if name == JIT:
        return Decorator("jit", keywords)
    return None


def targets(module: S.Module, all_functions: bool) -> list[Target]:
    """The functions to rewrite: jit-decorated ones, those a module-level call jits or
    converts (``f_jit = jax.jit(f)``), and every one with ``all_functions``."""
    imports = Imports.of(module)
    constants = module_constants(module)
    classes = builtin_classes(module)
    sites = call_sites(module, imports)
    top_level = {id(node) for node in module.body}
    found = []
    for function in _definitions(module):
        decorators = [(classify(d, imports), d) for d in function.decorator_list]
        jit_like = [d for d, _ in decorators if d is not None]
        called = sites.get(function.name, []) if id(function) in top_level else []
        if not jit_like and not called and not (all_functions and _convertible(function)):
            continue
        target = Target(function, decorators, frozenset(), called)
        if not target.has_autograph and calls_runtime(function, imports):
            continue  # already converted
        keywords = jit_like[0].keywords if jit_like else (
            called[0].call.keywords if called and called[0].kind != "convert" else [])
        parameters = _parameters(function)
        target.static_names = declared_static(function, keywords) | (
            (constants | classes_read_by(function, classes)) - parameters)
        found.append(target)
    return found


def call_sites(module: S.Module, imports: Imports) -> dict[str, list[CallSite]]:
    """Calls in module-level statements (not in functions or classes) that jit or convert
    a function given by name, by that name."""
    kinds = {AUTOGRAPH: "autograph", "autograph_jit": "autograph", JIT: "jit",
             CONVERT: "convert"}
    found: dict[str, list[CallSite]] = {}
    for statement in module.body:
        if isinstance(statement, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            continue
        for node in S.walk(statement):
            if not (isinstance(node, S.Call) and node.args and isinstance(node.args[0], S.Name)):
                continue
            kind = kinds.get(imports.qualified(node.func) or "")
            if kind is not None:
                found.setdefault(node.args[0].id, []).append(CallSite(kind, node, statement))
    return found


def helper_targets(module: S.Module, names: set[str], taken: list[Target]) -> list[Target]:
    """The module's functions named in ``names`` that are not targets yet: the helpers
    converted functions call (``helper`` for a top-level function, ``Class.method`` for a
    method called on ``self``), converted too when the output must not need the runtime
    (their parameters are traced; module constants stay static)."""
    constants = module_constants(module)
    imports = Imports.of(module)
    chosen = {id(target.function) for target in taken}
    found = []
    for owner, node in _named_definitions(module):
        name = f"{owner.name}.{node.name}" if owner is not None else node.name
        if (isinstance(node, S.FunctionDef) and name in names and id(node) not in chosen
                and _convertible(node) and not calls_runtime(node, imports)):
            # A helper that is jitted itself keeps its decorator's static parameters.
            decorators = [(classify(d, imports), d) for d in node.decorator_list]
            jit_like = [d for d, _ in decorators if d is not None]
            static = declared_static(node, jit_like[0].keywords) if jit_like else frozenset()
            found.append(Target(node, decorators, static | (constants - _parameters(node))))
    return found


def module_helpers(module: S.Module) -> dict[str | None, set[str]]:
    """The functions the command can convert itself, by class (``None``: top level): a
    converted function calls them directly, and the command converts them too."""
    found: dict[str | None, set[str]] = {}
    for owner, node in _named_definitions(module):
        if isinstance(node, S.FunctionDef) and _convertible(node):
            found.setdefault(owner.name if owner is not None else None, set()).add(node.name)
    return found


def owner_class(module: S.Module, function) -> S.ClassDef | None:
    """The top-level class whose method ``function`` is, if it is one."""
    for owner, node in _named_definitions(module):
        if node is function:
            return owner
    return None


def _named_definitions(module: S.Module):
    """``(class or None, function)`` for top-level functions and methods of top-level classes."""
    for node in module.body:
        if isinstance(node, S.ClassDef):
            yield from ((node, item) for item in node.body if isinstance(item, S.FunctionDef))
        elif isinstance(node, S.FunctionDef):
            yield None, node


def _definitions(module: S.Module):
    """Top-level functions and the methods of top-level classes."""
    for node in module.body:
        if isinstance(node, _FUNCTIONS):
            yield node
        elif isinstance(node, S.ClassDef):
            yield from (n for n in node.body if isinstance(n, _FUNCTIONS))


def _convertible(function) -> bool:
    """``--all`` skips what jit can never compile (generators, coroutines) instead of failing."""
    if isinstance(function, S.AsyncFunctionDef):
        return False
    return not any(isinstance(n, (S.Yield, S.YieldFrom, S.Await))
                   for n in S.walk_same_scope_statements(function.body))


def calls_runtime(function, imports: Imports) -> bool:
    """Whether ``function`` uses ``py2lax.<runtime function>`` anywhere in its body: a
    call, or a reference (``@py2lax.converted`` on a nested function)."""
    for node in S.walk(function):
        if isinstance(node, S.Attribute):
            name = imports.qualified(node) or ""
            module, _, attribute = name.rpartition(".")
            if module == "py2lax" and attribute not in USER_API:
                return True
    return False


def declared_static(function, keywords) -> frozenset[str]:
    """Parameters named by the decorator's ``static_argnames`` / ``static_argnums``."""
    names: set[str] = set()
    positional = [a.id for a in function.args.posonlyargs + function.args.args]
    for keyword in keywords:
        values = literal(keyword.value)
        values = values if isinstance(values, tuple) else (values,)
        if keyword.arg == "static_argnames":
            names |= {v for v in values if isinstance(v, str)}
        elif keyword.arg == "static_argnums":
            names |= {positional[v] for v in values
                      if isinstance(v, int) and -len(positional) <= v < len(positional)}
    return frozenset(names)


_NOT_LITERAL = object()


def literal(node):
    """The value of a literal (numbers, strings, tuples/lists of them), else ``_NOT_LITERAL``."""
    if isinstance(node, S.Constant):
        return node.value
    if isinstance(node, S.UnaryOp) and isinstance(node.op, (S.USub, S.UAdd)):
        value = literal(node.operand)
        if isinstance(value, (int, float, complex)) and not isinstance(value, bool):
            return -value if isinstance(node.op, S.USub) else value
        return _NOT_LITERAL
    if isinstance(node, (S.Tuple, S.List)):
        values = tuple(literal(e) for e in node.elts)
        return _NOT_LITERAL if _NOT_LITERAL in values else values
    return _NOT_LITERAL


def module_constants(module: S.Module) -> frozenset[str]:
    """Names bound once, at top level, to an immutable literal, and never declared ``global``.

    ``LIMIT = 10`` makes ``if n > LIMIT`` as static as ``if n > 10`` for a static ``n``.
    """
    counts: dict[str, int] = {}
    literal_names = set()
    for node in module.body:
        for name in bound_names([node]):
            counts[name] = counts.get(name, 0) + 1
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name) and _immutable_literal(node.value):
            literal_names.add(node.targets[0].id)
    declared = {name for node in S.walk(module) if isinstance(node, S.Global)
                for name in node.names}
    return frozenset(n for n in literal_names if counts.get(n) == 1 and n not in declared)


# Builtin classes a test may compare a type with (`type(v) in (float, int)`): Python
# values, never traced.
_BUILTIN_CLASSES = frozenset({"bool", "int", "float", "complex", "str", "bytes", "slice",
                              "list", "tuple", "dict", "set", "frozenset", "type", "object",
                              "range"})


def builtin_classes(module: S.Module) -> frozenset[str]:
    """The builtin classes the module's top level (or a ``global``) does not bind; a
    function that binds none of them itself reads them as Python's own
    (``classes_read_by``)."""
    bound = bound_names(module.body)
    bound |= {name for n in S.walk(module) if isinstance(n, S.Global) for name in n.names}
    return _BUILTIN_CLASSES - bound


def classes_read_by(function, classes: frozenset[str]) -> frozenset[str]:
    """``classes`` less those ``function`` binds (a parameter, variable, nested def or
    import of that name)."""
    return classes - _bound_within(function)


def _bound_within(function) -> set[str]:
    bound = {n.id for n in S.walk(function) if isinstance(n, S.Name)
             and not isinstance(n.ctx, S.Load)}
    bound |= {n.name for n in S.walk(function)
              if isinstance(n, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef))}
    return bound | {(a.asname or a.name).split(".")[0] for n in S.walk(function)
                    if isinstance(n, (S.Import, S.ImportFrom)) for a in n.names}


def _immutable_literal(node) -> bool:
    mutable = any(isinstance(n, S.List) for n in S.walk(node))
    return not mutable and literal(node) is not _NOT_LITERAL


def _parameters(function) -> frozenset[str]:
    arguments = function.args
    names = [a.id for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
    names += [a.id for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return frozenset(names)
