"""Code templates: generated code is written as Python and filled in, not glued from strings.

A template is a snippet whose placeholder names are replaced by :func:`fill`. A value may be

* a ``str``: renames the placeholder (a variable, a function name, a parameter);
* a ``list`` of ``str``: expands a parameter into several, or a name into a tuple of names;
* an expression node: replaces the placeholder name;
* a ``list`` of statements: replaces a placeholder that stands alone as a statement.

Every placeholder given must occur in the template, so a typo fails loudly at the
first conversion instead of producing wrong code.

>>> from py2lax.frontend import syntax as S
>>> out = fill("target = rt.cond(test, a, b, params)", target=["y"], rt="py2lax",
...            test=S.parse_module("x > 0").body[0].value, a="f", b="g", params=["y"])
>>> S.unparse(out)
'y, = py2lax.cond(x > 0, f, g, (y,))'
"""

from __future__ import annotations

import functools

from py2lax.frontend import syntax as S


@functools.lru_cache(maxsize=None)
def _parse(template: str) -> S.Module:
    """Parse once; template nodes carry no location so they take the user's statement's."""
    module = S.parse_module(template)
    for node in S.walk(module):
        for attribute in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if attribute in node._attributes:
                setattr(node, attribute, None)
    return module


def fill(template: str, **replacements) -> list:
    """Return the template's statements with every placeholder replaced."""
    module = S.deep_copy(_parse(template))
    filler = _Filler(replacements)
    statements = []
    for statement in module.body:
        result = filler.visit(statement)
        statements.extend(result if isinstance(result, list) else [result])
    unused = set(replacements) - filler.used
    if unused:
        raise ValueError(f"template placeholders not found: {sorted(unused)}\n{template}")
    return [_drop_empty_assignment(s) for s in statements]


def _drop_empty_assignment(statement):
    """``() = call()`` is legal but odd; write the call as a statement instead."""
    if (
        isinstance(statement, S.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], S.Tuple)
        and not statement.targets[0].elts
    ):
        return S.copy_location(S.Expr(value=statement.value), statement)
    return statement


class _Filler(S.NodeTransformer):
    def __init__(self, replacements: dict):
        self.replacements = replacements
        self.used: set[str] = set()

    def _take(self, key: str):
        self.used.add(key)
        return self.replacements[key]

    def visit_Expr(self, node):
        if isinstance(node.value, S.Name) and node.value.id in self.replacements:
            value = self.replacements[node.value.id]
            if isinstance(value, list) and (not value or isinstance(value[0], S.stmt)):
                self._take(node.value.id)
                return list(value)
        return self.generic_visit(node)

    def visit_FunctionDef(self, node):
        if node.name in self.replacements:
            node.name = self._take(node.name)
        self.generic_visit(node)
        node.body = node.body or [S.Pass()]
        return node

    def visit_arguments(self, node):
        expanded = []
        for argument in node.args:
            value = self.replacements.get(argument.id)
            if isinstance(value, list):
                self._take(argument.id)
                expanded += [S.param(identifier) for identifier in value]
            elif isinstance(value, str):
                expanded.append(S.param(self._take(argument.id)))
            else:
                expanded.append(argument)
        node.args = expanded
        return node

    def visit_Name(self, node):
        if node.id not in self.replacements:
            return node
        value = self._take(node.id)
        if isinstance(value, str):
            return S.copy_location(S.name(value, node.ctx), node)
        if isinstance(value, list):
            elements = [S.name(identifier, type(node.ctx)()) for identifier in value]
            return S.copy_location(S.Tuple(elts=elements, ctx=type(node.ctx)()), node)
        replacement = S.deep_copy(value)
        _set_context(replacement, node.ctx)
        return replacement


def _set_context(node, ctx):
    if isinstance(node, (S.Name, S.Attribute, S.Subscript, S.Starred, S.Tuple, S.List)):
        node.ctx = type(ctx)()
    if isinstance(node, (S.Tuple, S.List)):
        for element in node.elts:
            _set_context(element, ctx)
    if isinstance(node, S.Starred):
        _set_context(node.value, ctx)
