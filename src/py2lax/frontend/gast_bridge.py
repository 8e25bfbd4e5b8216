"""Converting between standard ``ast`` trees and gast trees, fast.

Every conversion parses the user's function (``ast`` to gast) and compiles the result
(gast to ``ast``). gast's own translators visit every node through a generic
``NodeTransformer``; these do the same job with one table lookup per node, which makes
them several times faster on the trees py2lax builds. Only the node kinds that differ
between the two representations need code of their own: parameters (``ast.arg`` is a
gast ``Name`` in a ``Param`` context), ``except ... as name`` (a string in ``ast``, a
``Name`` in gast). Fields only one side has (gast's ``type_params`` before Python 3.12,
``Name.annotation``) are dropped or filled with their empty value.

gast's node classes come from :mod:`py2lax.frontend.syntax`, the one module that imports
gast, which hands them over once (``use``): the bridge imports nothing of py2lax.
"""

from __future__ import annotations

import ast

S = None  # gast's node classes: ``use`` receives them from ``syntax``, which imports gast

_LOCATION = ("lineno", "col_offset", "end_lineno", "end_col_offset")


# -- gast -> ast ----------------------------------------------------------------------

def to_ast(node: S.AST) -> ast.AST:
    """A standard ``ast`` tree for ``node``, with every missing location filled in from
    the nearest enclosing node (as ``ast.fix_missing_locations`` does)."""
    return _to_ast(node, (1, 0, 1, 0))


_AST_PLANS: dict[type, tuple] = {}  # gast type -> (ast type, fields, located, special)
_AST_LEAVES: dict[type, ast.AST] = {}  # contexts and operators: shared, as CPython's parser does


def _ast_plan(gast_type: type) -> tuple:
    plan = _AST_PLANS.get(gast_type)
    if plan is None:
        ast_type = getattr(ast, gast_type.__name__)
        plan = (ast_type, ast_type._fields, "lineno" in ast_type._attributes,
                _TO_AST_SPECIAL.get(gast_type))
        _AST_PLANS[gast_type] = plan
        if ast_type.__name__ in _LEAF_NAMES:
            _AST_LEAVES[gast_type] = ast_type()
    return plan


def _to_ast(node, location):
    gast_type = type(node)
    leaf = _AST_LEAVES.get(gast_type)
    if leaf is not None:
        return leaf
    plan = _AST_PLANS.get(gast_type)
    if plan is None:
        plan = _ast_plan(gast_type)
        if gast_type in _AST_LEAVES:
            return _AST_LEAVES[gast_type]
    ast_type, fields, located, special = plan
    new = ast_type()
    if located:
        lineno, col_offset, end_lineno, end_col_offset = location
        own = node.__dict__
        lineno = own.get("lineno") or lineno  # line numbers start at 1: 0 is "missing" too
        col = own.get("col_offset")
        col_offset = col_offset if col is None else col
        end_lineno = own.get("end_lineno") or end_lineno
        end_col = own.get("end_col_offset")
        end_col_offset = end_col_offset if end_col is None else end_col
        location = (lineno, col_offset, end_lineno, end_col_offset)
        new.lineno, new.col_offset, new.end_lineno, new.end_col_offset = location
    if special is not None:
        special(node, new, location)
        return new
    for field in fields:
        setattr(new, field, _value_to_ast(getattr(node, field, None), location))
    return new


def _value_to_ast(value, location):
    if type(value) is list:
        return [_to_ast(item, location) if isinstance(item, S.AST) else item
                for item in value]
    if isinstance(value, S.AST):
        return _to_ast(value, location)
    return value


def _parameter_to_ast(name, location) -> ast.arg | None:
    if name is None:
        return None
    new = _to_ast(name, location)  # a located ast.Name: reuse its location
    parameter = ast.arg(arg=name.id, annotation=_value_to_ast(name.annotation, location),
                        type_comment=name.type_comment)
    for attribute in _LOCATION:
        setattr(parameter, attribute, getattr(new, attribute))
    return parameter


def _arguments_to_ast(node, new, location) -> None:
    for field in ("posonlyargs", "args", "kwonlyargs"):
        setattr(new, field, [_parameter_to_ast(p, location) for p in getattr(node, field)])
    new.vararg = _parameter_to_ast(node.vararg, location)
    new.kwarg = _parameter_to_ast(node.kwarg, location)
    new.kw_defaults = _value_to_ast(node.kw_defaults, location)
    new.defaults = _value_to_ast(node.defaults, location)


def _name_to_ast(node, new, location) -> None:
    new.id = node.id
    new.ctx = _to_ast(node.ctx, location)


def _handler_to_ast(node, new, location) -> None:
    new.type = _value_to_ast(node.type, location)
    new.name = node.name.id if isinstance(node.name, S.Name) else node.name
    new.body = _value_to_ast(node.body, location)


_TO_AST_SPECIAL: dict = {}  # filled by `use`: the gast kinds that need code of their own
_LEAF_NAMES = frozenset(
    cls.__name__ for base in (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
    for cls in base.__subclasses__()
)


# -- ast -> gast ----------------------------------------------------------------------

def to_gast(node: ast.AST) -> S.AST:
    """The gast tree for a standard ``ast`` tree (locations copied as they are)."""
    return _to_gast(node)


_GAST_KIND: dict[type, tuple[type, tuple[str, ...], tuple[str, ...]]] = {}


def _gast_kind(ast_type: type):
    kind = _GAST_KIND.get(ast_type)
    if kind is None:
        gast_type = getattr(S, ast_type.__name__)
        attributes = tuple(a for a in ast_type._attributes if a in _LOCATION)
        kind = (gast_type, gast_type._fields, attributes)
        _GAST_KIND[ast_type] = kind
    return kind


def _to_gast(node):
    leaf = _GAST_LEAVES.get(type(node))
    if leaf is not None:
        return leaf
    special = _TO_GAST_SPECIAL.get(type(node))
    if special is not None:
        new = special(node)
        for attribute in _LOCATION:
            setattr(new, attribute, getattr(node, attribute, None))
        return new
    gast_type, fields, attributes = _gast_kind(type(node))
    new = gast_type()
    for field in fields:
        value = getattr(node, field, _MISSING)
        if value is _MISSING:  # a field only gast has
            value = [] if field == "type_params" else None
        elif type(value) is list:
            value = [_to_gast(item) if isinstance(item, ast.AST) else item for item in value]
        elif isinstance(value, ast.AST):
            value = _to_gast(value)
        setattr(new, field, value)
    for attribute in attributes:
        setattr(new, attribute, getattr(node, attribute, None))
    return new


_MISSING = object()
# Contexts and operators hold nothing and py2lax never changes one in place: share them.
_GAST_LEAVES: dict = {}  # filled by `use`


def _arg_to_gast(node: ast.arg) -> S.Name:
    annotation = None if node.annotation is None else _to_gast(node.annotation)
    return S.Name(id=node.arg, ctx=S.Param(), annotation=annotation,
                     type_comment=node.type_comment)


def _name_to_gast(node: ast.Name) -> S.Name:
    return S.Name(id=node.id, ctx=_GAST_LEAVES[type(node.ctx)], annotation=None,
                     type_comment=None)


def _handler_to_gast(node: ast.ExceptHandler) -> S.ExceptHandler:
    name = None
    if node.name is not None:
        name = S.Name(id=node.name, ctx=S.Store(), annotation=None, type_comment=None)
    return S.ExceptHandler(
        type=None if node.type is None else _to_gast(node.type), name=name,
        body=[_to_gast(statement) for statement in node.body])


_TO_GAST_SPECIAL = {
    ast.arg: _arg_to_gast,
    ast.Name: _name_to_gast,
    ast.ExceptHandler: _handler_to_gast,
}


def use(nodes) -> None:
    """Take gast's node classes (``nodes``: the gast module), once, from ``syntax``."""
    global S
    S = nodes
    _TO_AST_SPECIAL.update({nodes.arguments: _arguments_to_ast, nodes.Name: _name_to_ast,
                            nodes.ExceptHandler: _handler_to_ast})
    _GAST_LEAVES.update({getattr(ast, name): getattr(nodes, name)() for name in _LEAF_NAMES})
