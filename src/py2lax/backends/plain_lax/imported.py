"""Classes and functions a module imports from a module of the user's beside it, read
(never run) from that module's source.

``from helpers import State, Acc``: the runtime sees what ``State(b, 0.5)`` makes when
it runs; the command line sees one file. Where the imported module sits beside the file
(``helpers.py`` in the same directory, as Python finds it for a script; ``from .helpers
import State`` in the file's package), its source says which names are classes (plain,
dataclasses, NamedTuples, registered pytrees) and which are functions, as the module's
own definitions do, so the writers can read them the same way.

Only what the source settles is taken: a module not found or not parsed, a name bound
there other than by one ``class`` or ``def`` of its own, a class whose bases or
decorators could change what its objects are (a base from elsewhere, ``__slots__``, a
decorator other than ``dataclass`` or a pytree registration), or a definition that
calls a function of its module that this file may bind to something else, stays
unknown: the writers treat it as any call they cannot read (a located error, never a
guess).
"""

from __future__ import annotations

import os

from py2lax.frontend import syntax as S
from py2lax.backends.plain_lax.module_memo import memo
from py2lax.backends.plain_lax.shared_definitions import output_helper_names

_PYTREE_BASES = {"NamedTuple", "typing.NamedTuple", "object"}
_DATACLASS = {"dataclass", "dataclasses.dataclass"}


def imported_definitions(module, filename: str | None) -> dict:
    """The ``class`` and ``def`` statements of the user's modules beside ``filename``
    that ``module`` imports by name (``from helpers import State as S``), by the name
    they have in ``module`` (``S``)."""
    if module is None or not filename or not os.path.isfile(filename):
        return {}
    return memo(module, "imported definitions", lambda: _read_imports(module, filename))


def imported_objects(module, filename: str | None) -> dict:
    """The objects ``module`` imports that their module binds once, at top level, to a
    call of one of its settled classes (``SCALER = Scaler(0.5)``), with that class's
    ``class`` statement, by the name they have in ``module``."""
    imported_definitions(module, filename)
    return memo(module, "imported objects", dict)


def _read_imports(module, filename: str) -> dict:
    found, objects = {}, memo(module, "imported objects", dict)
    bound_here = _bound_counts(module.body)
    for statement in module.body:
        if not isinstance(statement, S.ImportFrom):
            continue
        source = _module_file(statement, filename)
        other = _parsed(source) if source is not None else None
        if other is None:
            continue
        definitions = _own_definitions(other)
        registered = _registered_classes(other)
        instances = _instances(other, definitions)
        for alias in statement.names:
            local = alias.asname or alias.name
            cls = instances.get(alias.name)
            if cls is not None and bound_here.get(local, 0) == 1 and (
                    cls.name not in registered) and _settled(cls, other, statement, bound_here):
                objects[local] = cls
            definition = definitions.get(alias.name)
            if definition is None or bound_here.get(local, 0) != 1 or (
                    alias.name in registered):  # a pytree by a call: lax carries it whole
                continue
            if _settled(definition, other, statement, bound_here):
                found[local] = definition
    return found


def _module_file(statement, filename: str) -> str | None:
    """The file Python would import for ``statement`` when it sits beside ``filename``:
    ``name.py`` or ``name/__init__.py`` in the file's directory (a script's first path
    entry), or for ``from .name import x`` in the file's package."""
    if not statement.module and not statement.level:
        return None
    directory = os.path.dirname(os.path.abspath(filename))
    for _ in range(max(statement.level - 1, 0)):
        directory = os.path.dirname(directory)
    parts = (statement.module or "").split(".") if statement.module else []
    base = os.path.join(directory, *parts)
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if parts and os.path.isfile(candidate):
            return candidate
    return None


def _parsed(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return S.parse_module(handle.read())
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


def _bound_counts(statements) -> dict[str, int]:
    """How many top-level statements bind each name (a ``def``, a ``class``, an import,
    an assignment)."""
    counts: dict[str, int] = {}
    for statement in statements:
        for name in module_bound(statement):
            counts[name] = counts.get(name, 0) + 1
    return counts


def module_bound(statement) -> set[str]:
    """The names a module-level statement binds."""
    if isinstance(statement, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
        return {statement.name}
    if isinstance(statement, (S.Import, S.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in statement.names}
    return {n.id for n in S.walk(statement) if isinstance(n, S.Name)
            and isinstance(n.ctx, (S.Store, S.Del))}


def _own_definitions(other) -> dict:
    """The module's plain ``def``s and ``class``es bound by that statement alone."""
    counts = _bound_counts(other.body)
    return {s.name: s for s in other.body
            if isinstance(s, (S.FunctionDef, S.ClassDef)) and counts.get(s.name) == 1}


def _instances(other, definitions: dict) -> dict:
    """The module's names bound once, at top level, to a call of one of its own classes
    (``SCALER = Scaler(0.5)``), with the class."""
    counts, found = _bound_counts(other.body), {}
    for statement in other.body:
        if (isinstance(statement, S.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], S.Name)
                and counts.get(statement.targets[0].id) == 1
                and isinstance(statement.value, S.Call)
                and isinstance(statement.value.func, S.Name)
                and isinstance(definitions.get(statement.value.func.id), S.ClassDef)):
            found[statement.targets[0].id] = definitions[statement.value.func.id]
    return found


def _registered_classes(other) -> set[str]:
    """Classes the module registers as pytrees by a top-level call naming them first."""
    found = set()
    for statement in other.body:
        value = statement.value if isinstance(statement, (S.Expr, S.Assign)) else None
        if isinstance(value, S.Call) and "register" in S.unparse(value.func) and (
                value.args and isinstance(value.args[0], S.Name)):
            found.add(value.args[0].id)
    return found


def _settled(definition, other, statement, bound_here) -> bool:
    """What ``definition`` is, read here, is what it is where it runs: a class with no
    base from elsewhere, no ``__slots__`` and only ``dataclass``/registration
    decorators; and neither it nor its methods call a function of its module by a name
    this file does not import from there under that name (``Acc(...)`` inside ``Acc``'s
    ``copy`` reads this file's ``Acc``, the same class only if imported as it is). The
    helpers a ``--standalone`` output defines (``_py2lax_numpy_given_traced``) read
    nothing of their module."""
    if isinstance(definition, S.ClassDef) and not _plain_class(definition):
        return False
    theirs = set(_bound_counts(other.body)) - output_helper_names()
    same = {a.name for a in statement.names
            if (a.asname or a.name) == a.name and bound_here.get(a.name) == 1}
    for node in S.walk(definition):
        if isinstance(node, S.Call) and isinstance(node.func, S.Name):
            if node.func.id in theirs and node.func.id not in same:
                return False
    return True


def _plain_class(cls) -> bool:
    """A class whose objects are what its body says: bases none, ``object`` or
    ``NamedTuple``; decorators ``dataclass`` (without slots) or a pytree registration;
    no ``__slots__`` (``vars`` would have no attributes to carry)."""
    if any(S.unparse(b).strip() not in _PYTREE_BASES and "namedtuple" not in S.unparse(b)
           for b in cls.bases) or cls.keywords:
        return False
    for decorator in cls.decorator_list:
        text = S.unparse(decorator).strip()
        head = text.split("(")[0]
        if "register" in text:
            continue
        if head not in _DATACLASS or "slots" in text:
            return False
    return not any(isinstance(s, S.Assign) and any(
        isinstance(t, S.Name) and t.id == "__slots__" for t in s.targets) for s in cls.body)

