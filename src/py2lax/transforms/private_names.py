"""Private names of a method, mangled as Python mangles them in its class.

Python rewrites ``self.__total`` written in ``class _Acc`` to ``self._Acc__total`` when it
compiles the class body. A converted method is compiled on its own, outside any class, and
py2lax's own calls name attributes by string (``py2lax.setattr_(self, "__total", ...)``),
which Python never mangles: so the converted tree carries the mangled names itself, before
any pass reads them. The result is ordinary Python that means the same inside the class
and outside it (``_Acc__total`` starts with one underscore, so it is not mangled again).

Python's rule (``_Py_Mangle``): an identifier that starts with two underscores, does not
end with two, and has no dot, used in a class body or in any function nested in it
(until another class), becomes ``_<class name without its leading underscores><name>``;
a class whose name is all underscores mangles nothing.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S


def mangling_class(qualname: str) -> str | None:
    """The class whose name Python mangles a function's private names with: the innermost
    class around it, read from its code's ``co_qualname`` (``Outer.Inner.method``;
    ``Model.step.<locals>.helper``: a name followed by ``<locals>`` is a function's).

    >>> mangling_class("Model.step.<locals>.helper"), mangling_class("step")
    ('Model', None)
    """
    parts = qualname.split(".")[:-1]
    while parts:
        if parts[-1] == "<locals>":
            parts = parts[:-2]  # a function around it: keep looking outwards
        else:
            return parts[-1] if parts[-1].isidentifier() else None
    return None


def mangle(name: str, class_name: str) -> str:
    """``name`` as Python spells it inside ``class class_name``.

    >>> mangle("__t", "_Acc"), mangle("__init__", "A"), mangle("__t", "__")
    ('_Acc__t', '__init__', '__t')
    """
    stripped = class_name.lstrip("_")
    if not name.startswith("__") or name.endswith("__") or "." in name or not stripped:
        return name
    return f"_{stripped}{name}"


def mangle_private_names(function: S.FunctionDef, class_name: str | None) -> bool:
    """Mangle the private names of ``function`` (a method of ``class_name``) in place;
    return whether any changed. A class defined inside it mangles its own body with its
    own name, as Python does."""
    if not class_name:
        return False
    return _Mangler(class_name).run(function)


class _Mangler:
    def __init__(self, class_name: str):
        self.class_name = class_name
        self.changed = False

    def run(self, function: S.FunctionDef) -> bool:
        self._visit(function, self.class_name)
        return self.changed

    def _rename(self, node, field: str, owner: str) -> None:
        value = getattr(node, field, None)
        if isinstance(value, str):
            renamed = mangle(value, owner)
            if renamed != value:
                setattr(node, field, renamed)
                self.changed = True

    def _visit(self, node, owner: str) -> None:
        kind = type(node)
        if kind is S.Name:
            self._rename(node, "id", owner)
        elif kind is S.Attribute or kind is S.keyword:
            self._rename(node, "attr" if kind is S.Attribute else "arg", owner)
        elif kind in (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef):
            own_name = node.name
            self._rename(node, "name", owner)
        elif kind is S.alias:
            # Python mangles both: `from m import __y` imports and binds `_C__y`.
            self._rename(node, "name", owner)
            self._rename(node, "asname", owner)
        elif kind is S.Global or kind is S.Nonlocal:
            renamed = [mangle(n, owner) for n in node.names]
            self.changed |= renamed != node.names
            node.names = renamed
        elif kind in (S.MatchAs, S.MatchStar):
            self._rename(node, "name", owner)
        elif kind is S.MatchMapping:
            self._rename(node, "rest", owner)
        if kind is S.ClassDef:
            # Its bases, keywords and decorators run in the enclosing scope; its body in its own.
            for child in (*node.bases, *node.keywords, *node.decorator_list):
                self._visit(child, owner)
            for statement in node.body:
                self._visit(statement, own_name)
            return
        for child in S.iter_child_nodes(node):
            self._visit(child, owner)


# The runtime helpers whose second argument names an attribute (`py2lax.setattr_(self,
# "__total", v)`): a string, which Python never mangles.
ATTRIBUTE_NAME_HELPERS = frozenset({"setattr_", "getattr_"})


def mangle_attribute_strings(function: S.FunctionDef, class_name: str | None,
                             runtime: str) -> bool:
    """Mangle the attribute names that ``function``'s runtime calls pass as strings, as
    Python mangles the ``self.__total`` they stand for; return whether any changed.

    The command line writes a converted method back into its class, where Python mangles
    the names the code spells (``self.__total``) but not the string in
    ``py2lax.setattr_(self, "__total", v)``, which would then set a different attribute.
    (The decorator mangles the whole tree instead: it compiles the method outside the
    class.) A class defined inside the method uses its own name, as Python does.
    """
    if not class_name:
        return False
    return _StringMangler(runtime).visit(function, class_name)


class _StringMangler:
    def __init__(self, runtime: str):
        self.runtime = runtime

    def visit(self, node, owner: str) -> bool:
        changed = False
        if type(node) is S.ClassDef:
            for child in (*node.bases, *node.keywords, *node.decorator_list):
                changed |= self.visit(child, owner)
            for statement in node.body:
                changed |= self.visit(statement, node.name)
            return changed
        if type(node) is S.Call:
            changed |= self._mangle_name_argument(node, owner)
        for child in S.iter_child_nodes(node):
            changed |= self.visit(child, owner)
        return changed

    def _mangle_name_argument(self, call: S.Call, owner: str) -> bool:
        function = call.func
        if not (isinstance(function, S.Attribute) and function.attr in ATTRIBUTE_NAME_HELPERS
                and isinstance(function.value, S.Name) and function.value.id == self.runtime
                and len(call.args) >= 2 and isinstance(call.args[1], S.Constant)
                and isinstance(call.args[1].value, str)):
            return False
        renamed = mangle(call.args[1].value, owner)
        if renamed == call.args[1].value:
            return False
        call.args[1].value = renamed
        return True
