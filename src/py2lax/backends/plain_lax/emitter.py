"""The plain-jax backend of ``py2lax --standalone``: converted code that needs only jax.

The pipeline's output calls the py2lax runtime (``py2lax.cond``, ``py2lax.while_loop``,
...), which chooses between Python and lax at trace time from the actual values. Here
the command line has made that choice from the code already: a statement the pipeline
lowered has a condition it could not prove static, so it becomes the lax primitive
itself, with the carried tuple passed the way lax passes it::

    def loop_cond_5(carry):
        n, s = carry
        return n < x
    def loop_body_5(carry):
        n, s = carry
        s = s + n
        n = n + 1
        return (n, s)
    n, s = jax.lax.while_loop(loop_cond_5, loop_body_5, (n, s))

This module walks the statements and handles ``py2lax.cond`` (``jax.lax.cond``), item
and attribute assignment, ``append`` and what is refused; :mod:`loops
<py2lax.backends.plain_lax.loops>` rewrites the loops (``while_loop``, ``fori_loop``, ``scan``,
and ``while_loop`` again for a ``for`` with ``break``), and :mod:`expressions
<py2lax.backends.plain_lax.expressions>` conditions, ternaries, ``print`` and calls. Helpers the
function calls (through ``py2lax.converted``) are converted too: nested ones here, the
module's own by the command. Outside lax bodies, item and attribute assignments and
``append`` are written back as the Python statements they came from.

What the runtime does that lax cannot be told without it is refused with a located
error that says what to write instead: a variable that may be unassigned when a lowered
statement starts, a list grown in a loop of unknown length,
``assert`` on a traced value, ``py2lax.loop_options``, an attribute assigned inside a
lax body.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.names import parameter_names
from py2lax.analysis.static_values import is_static
from py2lax.diagnostics.errors import Location, UnsupportedSyntaxError
from py2lax.pipeline import convert_function_tree, new_context
from py2lax.backends.plain_lax.expressions import Expressions
from py2lax.backends.plain_lax.loops import Loops, flag
from py2lax.transforms.context import ConversionContext

_AUGMENTED = {"+=": S.Add, "-=": S.Sub, "*=": S.Mult, "/=": S.Div, "//=": S.FloorDiv,
              "%=": S.Mod, "**=": S.Pow, "@=": S.MatMult, "&=": S.BitAnd, "|=": S.BitOr,
              "^=": S.BitXor, "<<=": S.LShift, ">>=": S.RShift}
_AT_METHODS = {"+=": "add", "*=": "multiply", "/=": "divide", "**=": "power"}
_CONTAINERS = (S.List, S.Tuple, S.Dict, S.Set, S.ListComp, S.DictComp, S.SetComp)
# Where the generated functions are among each lowered call's arguments.
_FUNCTION_ARGUMENTS = {"cond": slice(1, 3), "while_loop": slice(0, 2), "fori_loop": slice(2, 3),
                       "for_each": slice(1, 2)}


def to_plain_jax(function: S.FunctionDef, context: ConversionContext, jax_name: str,
                 numpy_name: str | None = None) -> set[str]:
    """Rewrite ``function`` (already through the pipeline) in place so that it calls jax,
    not the py2lax runtime; return the names it called through ``py2lax.converted``.

    ``jax_name``/``numpy_name``: what the module calls ``jax`` and ``jax.numpy`` (``jnp``);
    without a name for ``jax.numpy``, ``jax.numpy`` is written out.
    """
    backend = _PlainJax(function, context, jax_name, numpy_name)
    function.body = backend.block(function.body, in_lax=False)
    return backend.called


class _PlainJax:
    def __init__(self, function: S.FunctionDef, context: ConversionContext, jax_name: str,
                 numpy_name: str | None):
        self.function, self.context = function, context
        self.jax, self.numpy_name = jax_name, numpy_name
        self.called: set[str] = set()
        # Names the function binds to a list, tuple, dict or set display.
        self.python_containers = {
            target.id for node in S.walk_same_scope_statements(function.body)
            if isinstance(node, S.Assign) and isinstance(node.value, _CONTAINERS)
            for target in node.targets if isinstance(target, S.Name)}
        # Nested defs it calls through `py2lax.converted`: converted here too.
        nested = {node.name for node in S.walk(function)
                  if isinstance(node, S.FunctionDef) and node is not function}
        self.local_helpers = nested & {
            node.args[0].id for node in S.walk(function)
            if self.runtime_call(node) is not None and node.func.attr == "converted"
            and len(node.args) == 1 and isinstance(node.args[0], S.Name)}
        self.loops = Loops(self)
        self.expressions = Expressions(self)

    # -- statement lists ---------------------------------------------------------------
    def block(self, statements: list, in_lax: bool) -> list:
        """``statements`` rewritten; ``in_lax``: they run inside a lax branch or body."""
        definitions = {s.name: s for s in statements if isinstance(s, S.FunctionDef)}
        lax_bodies, loop_tests = set(), set()
        for statement in statements:
            call = self.runtime_call(getattr(statement, "value", None))
            if call is not None and call[0] in _FUNCTION_ARGUMENTS:
                named = call[1].args[_FUNCTION_ARGUMENTS[call[0]]]
                lax_bodies |= {a.id for a in named if isinstance(a, S.Name)}
                if call[0] == "while_loop" and isinstance(named[0], S.Name):
                    loop_tests.add(named[0].id)
        out: list = []
        for statement in statements:
            if isinstance(statement, S.FunctionDef):
                if statement.name in loop_tests:  # ends in `return <condition>`
                    final = statement.body[-1]
                    statement.body = self.block(statement.body[:-1], in_lax=True) + [final]
                    final.value = self.condition(final.value)
                elif statement.name in lax_bodies:
                    statement.body = self.block(statement.body, in_lax=True)
                elif statement.name in self.local_helpers:
                    self._convert_helper(statement)
                out.append(statement)  # other nested functions of the user stay as written
                continue
            if isinstance(statement, (S.AsyncFunctionDef, S.ClassDef)):
                out.append(statement)
                continue
            self._inner_blocks(statement, in_lax)
            out += self.statement(statement, in_lax, definitions)
        return out

    def _convert_helper(self, function: S.FunctionDef) -> None:
        """A nested ``def`` the function calls: converted here, as the runtime would convert
        it when called (its parameters are traced; the outer static names stay static)."""
        static = self.context.static_names - set(parameter_names(function.args))
        context = new_context(function, self.context.filename, static)
        if convert_function_tree(function, context):
            self.called |= to_plain_jax(function, context, self.jax, self.numpy_name)

    def _inner_blocks(self, statement, in_lax: bool) -> None:
        for field, inner in list(S.statement_lists(statement)):
            setattr(statement, field, self.block(inner, in_lax))
        for part in getattr(statement, "handlers", []) + getattr(statement, "cases", []):
            part.body = self.block(part.body, in_lax)

    # -- one statement -----------------------------------------------------------------
    def statement(self, statement, in_lax: bool, definitions: dict) -> list:
        call = self.runtime_call(getattr(statement, "value", None))
        handler = getattr(self, f"_statement_{call[0]}", None) if call is not None else None
        if handler is None:
            return [self._own_expressions(statement)]
        return handler(statement, call[1], in_lax, definitions)

    def _statement_cond(self, statement, call, in_lax, definitions) -> list:
        test, true_fn, false_fn, operands = call.args
        if isinstance(false_fn, S.Constant) and false_fn.value is None:
            false_fn = _unchanged(definitions[true_fn.id], statement)
        arguments = [self.condition(test), true_fn, false_fn] + _elements(operands)
        statement.value = self.lax("cond", arguments, call)
        return [statement]

    def _statement_while_loop(self, statement, call, in_lax, definitions) -> list:
        return self.loops.while_loop(statement, call, definitions)

    def _statement_fori_loop(self, statement, call, in_lax, definitions) -> list:
        return self.loops.fori_loop(statement, call, definitions)

    def _statement_for_each(self, statement, call, in_lax, definitions) -> list:
        return self.loops.for_each(statement, call, definitions)

    def _statement_Undefined(self, statement, call, in_lax, definitions) -> list:
        name = call.args[0].value if call.args and isinstance(call.args[0], S.Constant) else "?"
        if any(k.arg == "fill" for k in call.keywords):
            # The value of a `return` inside a converted statement, carried through lax
            # before any `return` ran. Every path assigns it before the function returns
            # it, so the placeholder is never returned; it only needs the returned type.
            statement.value = S.set_location(
                _placeholder([s.value for s in S.walk(self.function) if _assigns(s, name)
                              and s is not statement]),
                statement)
            return [statement]
        raise self.refuse(
            statement, f"`{name}` may be unassigned when the next converted statement "
            "starts; lax needs a value of the right type on every path", names=(name,),
            fix=f"assign `{name}` before it (e.g. `{name} = 0.0` or `jnp.zeros_like(...)`), "
            "or drop --standalone")

    def _statement_append(self, statement, call, in_lax, definitions) -> list:
        return self._list_method(statement, call, in_lax, "append")

    def _statement_extend(self, statement, call, in_lax, definitions) -> list:
        return self._list_method(statement, call, in_lax, "extend")

    def _list_method(self, statement, call, in_lax, method) -> list:
        """``rows.append(v)`` as written; a loop that grows a carried list stacks the items
        (see ``Loops``)."""
        target, value = (self.expression(a) for a in call.args)
        method_call = S.Call(func=S.Attribute(value=target, attr=method, ctx=S.Load()),
                             args=[value], keywords=[])
        return [S.copy_location(S.Expr(value=method_call), statement)]

    def _statement_setitem(self, statement, call, in_lax, definitions) -> list:
        target, index, value = (self.expression(a) for a in call.args)
        op = _keyword_text(call, "op")
        # Written back as Python outside lax bodies (a list or dict stays one, as in the
        # user's code), and for a string key (a dict carried through lax is rebuilt for
        # every trace of the body, so changing it there is safe); `.at[]` for arrays.
        if not in_lax or (isinstance(index, S.Constant) and isinstance(index.value, str)):
            place = S.Subscript(value=_as_store(target), slice=index, ctx=S.Store())
            return [S.copy_location(_assignment(place, value, op), statement)]
        at = S.Subscript(value=S.Attribute(value=target, attr="at", ctx=S.Load()), slice=index,
                         ctx=S.Load())
        if op is not None and op not in _AT_METHODS:
            current = S.Subscript(value=S.deep_copy(target), slice=S.deep_copy(index),
                                  ctx=S.Load())
            value, method = S.BinOp(left=current, op=_AUGMENTED[op](), right=value), "set"
        else:
            method = _AT_METHODS[op] if op is not None else "set"
        statement.value = S.Call(func=S.Attribute(value=at, attr=method, ctx=S.Load()),
                                 args=[value], keywords=[])
        return [S.set_location(statement, statement)]

    def _statement_setattr_(self, statement, call, in_lax, definitions) -> list:
        if in_lax:
            raise self.refuse(
                statement, "an attribute assigned inside a converted `if` or loop needs the "
                "py2lax runtime (it carries the object's fields through lax)",
                fix="carry the value in a local variable and assign the attribute after the "
                "statement, or drop --standalone")
        owner, attribute, value = (self.expression(a) for a in call.args)
        place = S.Attribute(value=_as_store(owner), attr=attribute.value, ctx=S.Store())
        return [S.copy_location(_assignment(place, value, _keyword_text(call, "op")), statement)]

    def _statement_assert_(self, statement, call, in_lax, definitions) -> list:
        raise self.refuse(
            statement, "an `assert` on a traced value is checked at run time by the py2lax "
            "runtime; plain jax has no such check",
            fix="use `jax.experimental.checkify.check`, make the condition static, or drop "
            "--standalone")

    # -- expressions -------------------------------------------------------------------
    def condition(self, node):
        return self.expressions.condition(node)

    def expression(self, node):
        return self.expressions.expression(node)

    def _own_expressions(self, statement):
        return self.expressions.own_expressions(statement)

    def is_static(self, node) -> bool:
        return is_static(node, self.context.static_names)

    def no_options(self, call) -> dict:
        """The call's keywords; those only the runtime understands are refused."""
        options = {k.arg: k.value for k in call.keywords}
        if "max_iterations" in options:
            raise self.refuse(call, "`py2lax.loop_options(max_iterations=...)` needs the "
                               "py2lax runtime (a masked scan)",
                               fix="write the masked `jax.lax.scan` by hand, or drop --standalone")
        if flag(options.get("unroll")):
            raise self.refuse(call, "this loop changes objects outside the function, which "
                               "only a Python loop can do; the py2lax runtime unrolls it",
                               fix="return the values instead of storing them outside, or "
                               "drop --standalone")
        return options

    # -- building blocks ---------------------------------------------------------------
    def runtime_call(self, node):
        """``(name, call)`` if ``node`` is ``py2lax.<name>(...)``."""
        if (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
                and isinstance(node.func.value, S.Name)
                and node.func.value.id == self.context.runtime):
            return node.func.attr, node
        return None

    def attribute(self, *path: str):
        node = S.load(self.jax)
        for part in path:
            node = S.Attribute(value=node, attr=part, ctx=S.Load())
        return node

    def lax(self, function: str, arguments: list, location):
        call = S.Call(func=self.attribute("lax", function), args=arguments, keywords=[])
        return S.set_location(call, location)

    def numpy(self, function: str, arguments: list, location):
        call = S.Call(func=S.Attribute(value=self.numpy_module(), attr=function, ctx=S.Load()),
                      args=arguments, keywords=[])
        return S.set_location(call, location)

    def numpy_module(self):
        return S.load(self.numpy_name) if self.numpy_name else self.attribute("numpy")

    def refuse(self, node, problem: str, names=(), fix: str = "") -> UnsupportedSyntaxError:
        location = Location(self.context.filename, getattr(node, "lineno", 1),
                            getattr(node, "col_offset", 0))
        return UnsupportedSyntaxError(
            f"--standalone: {problem}", location=location, names=names,
            rule="--standalone output calls jax only, so what the py2lax runtime decides at "
            "trace time has to be written in the code.", fix=fix)


def _unchanged(true_fn: S.FunctionDef, statement):
    """The false branch of an ``if`` without ``else``: ``lambda a, b: (a,)``, returning
    what the statement assigns, as received."""
    targets = statement.targets[0] if isinstance(statement, S.Assign) else None
    outputs = [S.load(t.id) for t in getattr(targets, "elts", [])]
    arguments = S.arguments(args=[S.param(p.id) for p in true_fn.args.args], posonlyargs=[],
                            vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
    body = S.Tuple(elts=outputs, ctx=S.Load())
    return S.set_location(S.Lambda(args=arguments, body=body), statement)


def _assigns(node, name: str) -> bool:
    return (isinstance(node, S.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], S.Name) and node.targets[0].id == name)


def _placeholder(values: list):
    """A value shaped like every one of ``values`` (``return`` values): a tuple if they are
    tuples of one length; ``0`` if they look like integers (``i * 10 + j``, ``-1``) and none
    looks like a float, else ``0.0``. A wrong guess is a JAX type error when tracing, never
    a wrong result: the placeholder itself is never returned."""
    if values and all(isinstance(v, S.Tuple) for v in values) and len(
            {len(v.elts) for v in values}) == 1:
        slots = zip(*(v.elts for v in values))
        return S.Tuple(elts=[_placeholder(list(slot)) for slot in slots], ctx=S.Load())
    kinds = {_number_kind(value) for value in values}
    integral = "int" in kinds and "float" not in kinds
    return S.Constant(value=0 if integral else 0.0, kind=None)


def _number_kind(node) -> str | None:
    """``"int"``/``"float"`` when the expression's literals say so, ``None`` when unknown
    (a name, a call): ``i * 10 + j`` is an int, ``x / 2`` a float."""
    if isinstance(node, S.Constant):
        return {int: "int", float: "float"}.get(type(node.value))
    if isinstance(node, S.UnaryOp) and isinstance(node.op, (S.USub, S.UAdd)):
        return _number_kind(node.operand)
    if isinstance(node, S.BinOp):
        if isinstance(node.op, S.Div):
            return "float"
        if isinstance(node.op, (S.Add, S.Sub, S.Mult, S.FloorDiv, S.Mod)):
            kinds = {_number_kind(node.left), _number_kind(node.right)}
            return "float" if "float" in kinds else ("int" if "int" in kinds else None)
    return None


def _elements(node) -> list:
    if isinstance(node, S.Tuple):
        return list(node.elts)
    return [S.Starred(value=node, ctx=S.Load())]


def _keyword_text(call, name: str) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == name and isinstance(keyword.value, S.Constant):
            return keyword.value.value
    return None


def _as_store(node):
    copied = S.deep_copy(node)
    if hasattr(copied, "ctx"):
        copied.ctx = S.Store()
    return copied


def _assignment(place, value, op: str | None):
    if op is None:
        return S.Assign(targets=[place], value=value, type_comment=None)
    return S.AugAssign(target=place, op=_AUGMENTED[op](), value=value)
