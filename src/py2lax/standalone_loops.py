"""Loops for ``--standalone``: ``py2lax.while_loop``/``fori_loop``/``for_each`` as lax.

The pipeline's loop functions take the carried variables one by one (``def body(i, a,
b)``); lax passes one carried tuple, so each gets a ``carry`` parameter that it unpacks
first (``a, b = carry``). Then:

* ``while_loop`` -> ``jax.lax.while_loop(cond, body, (a, b))``;
* ``fori_loop`` -> ``jax.lax.fori_loop(start, stop, body, (a, b))``; a step other than 1
  counts iterations (``fori_loop(0, count, ...)``) and the body computes its index;
* ``for_each`` -> ``jax.lax.scan(body, (a, b), jnp.asarray(xs))[0]``, the body taking
  ``(carry, item)`` and returning ``((a, b), None)``; ``enumerate``/``zip`` slice a tuple
  of arrays;
* a ``for`` with ``break`` (the pipeline carries the break flag last) -> a
  ``jax.lax.while_loop`` over ``(index, carry)`` that stops at the end or at the flag.
"""

from __future__ import annotations

from py2lax import syntax as S
from py2lax.templates import fill

UNTIL_BREAK = """
def cond_name(state):
    index, carry = state
    return numpy.logical_and(index < stop, numpy.logical_not(carry[-1]))
def step_name(state):
    index, carry = state
    return (index + step, body_name(item, carry))
"""


class Loops:
    """Rewrites the loop statements of one function for :class:`~py2lax.standalone._PlainJax`."""

    def __init__(self, backend):
        self.backend = backend
        self.names = backend.context.names
        self._carry: str | None = None

    @property
    def carry(self) -> str:
        if self._carry is None:
            self._carry = self.names.new("carry")
        return self._carry

    def while_loop(self, statement, call, definitions) -> list:
        backend = self.backend
        backend.no_options(call)
        cond_name, body_name, carried = call.args
        self.take_carry(definitions[cond_name.id], leading=0)
        self.take_carry(definitions[body_name.id], leading=0)
        statement.value = backend.lax("while_loop",
                                      [cond_name, body_name, backend.expression(carried)], call)
        return [statement]

    def fori_loop(self, statement, call, definitions) -> list:
        backend = self.backend
        options = backend.no_options(call)
        start, stop, body_name, carried = call.args
        start, stop, carried = (backend.expression(a) for a in (start, stop, carried))
        body = definitions[body_name.id]
        unpacked = self.take_carry(body, leading=1)
        step = 1 if options.get("step") is None else self._step(statement, options["step"])
        if flag(options.get("has_break")):
            return self._until_break(statement, call, body_name, carried, start, step, stop=stop)
        before = []
        if step != 1:
            start, stop, before = self._counted(statement, body, unpacked, start, stop, step)
        statement.value = backend.lax("fori_loop", [start, stop, body_name, carried], call)
        return before + [statement]

    def for_each(self, statement, call, definitions) -> list:
        backend = self.backend
        options = backend.no_options(call)
        iterable, body_name, carried = call.args
        body, carried = definitions[body_name.id], backend.expression(carried)
        if flag(options.get("has_break")):
            self.take_carry(body, leading=1)
            return self._until_break(statement, call, body_name, carried,
                                     S.Constant(value=0, kind=None), 1,
                                     items=self._items(iterable))
        self.take_carry(body, leading=1, scan=True)
        scan = backend.lax("scan", [body_name, carried, self._items(iterable)[0]], call)
        statement.value = S.copy_location(
            S.Subscript(value=scan, slice=S.Constant(value=0, kind=None), ctx=S.Load()), call)
        return [statement]

    # -- pieces ------------------------------------------------------------------------
    def take_carry(self, function: S.FunctionDef, leading: int, scan: bool = False) -> int:
        """``def body(i, a, b)`` -> ``def body(i, carry): a, b = carry`` (``(carry, i)``
        for a scan body, which also returns ``(carried, None)``); returns the number of
        statements put in front of the body."""
        parameters = function.args.args
        first, carried = parameters[:leading], parameters[leading:]
        carry = S.copy_location(S.param(self.carry), function)
        function.args.args = [carry] + first if scan else first + [carry]
        if carried:
            unpack = S.Assign(targets=[S.Tuple(elts=[S.store(p.id) for p in carried],
                                               ctx=S.Store())],
                              value=S.load(self.carry), type_comment=None)
            function.body.insert(0, S.set_location(unpack, function))
        if scan:
            final = function.body[-1]
            final.value = S.set_location(
                S.Tuple(elts=[final.value, S.Constant(value=None, kind=None)], ctx=S.Load()),
                final)
        return 1 if carried else 0

    def _step(self, statement, step) -> int:
        amount = _integer(step)
        if not amount:
            raise self.backend.refuse(
                statement, "a `range` step that is not a non-zero integer literal cannot be "
                "counted without the py2lax runtime",
                fix="write the step as a number, or drop --standalone")
        return amount

    def _counted(self, statement, body: S.FunctionDef, unpacked: int, start, stop, step: int):
        """``range(start, stop, step)`` as ``fori_loop(0, count, ...)``: lax's loop counts
        up by one, so the body computes its index from the iteration number (reading
        ``start`` inside the body, where a carried name means its new value: hoisted)."""
        start, before = self._hoisted(statement, start, "start", names_too=True)
        low, high = _integer(start), _integer(stop)
        if low is not None and high is not None:
            count = S.Constant(value=len(range(low, high, step)), kind=None)
        else:
            distance = (S.BinOp(left=stop, op=S.Sub(), right=S.deep_copy(start)) if step > 0
                        else S.BinOp(left=S.deep_copy(start), op=S.Sub(), right=stop))
            rounded = S.BinOp(left=distance, op=S.Add(),
                              right=S.Constant(value=abs(step) - 1, kind=None))
            steps = S.BinOp(left=rounded, op=S.FloorDiv(),
                            right=S.Constant(value=abs(step), kind=None))
            count = self.backend.numpy("maximum", [S.Constant(value=0, kind=None), steps],
                                       statement)
        index = body.args.args[0].id
        position = S.BinOp(left=S.deep_copy(start), op=S.Add(), right=S.BinOp(
            left=S.load(index), op=S.Mult(), right=S.Constant(value=step, kind=None)))
        set_index = S.Assign(targets=[S.store(index)], value=position, type_comment=None)
        body.body.insert(unpacked, S.set_location(set_index, body))
        return S.Constant(value=0, kind=None), S.set_location(count, statement), before

    def _until_break(self, statement, call, body_name, carried, start, step: int,
                     stop=None, items=None) -> list:
        """A loop that may ``break``: ``while_loop`` over ``(index, carry)`` that stops at
        the end of the range (``stop``) or of ``items`` (``(items, length)``), or when the
        break flag is set."""
        if items is not None:
            items, stop = items
        # The test reads `stop` from the enclosing function, as it was before the loop; only
        # a call (other than `len`) is worth evaluating once in front.
        before = []
        if any(isinstance(n, S.Call) and not (isinstance(n.func, S.Name) and n.func.id == "len")
               for n in S.walk(stop)):
            stop, before = self._hoisted(statement, stop, "stop")
        start, hoisted = self._hoisted(statement, start, "start")
        index = self.names.new("index")
        item = _item(items, index) if items is not None else S.load(index)
        backend = self.backend
        generated = fill(
            UNTIL_BREAK.replace("index < stop", "index < stop" if step > 0 else "index > stop"),
            cond_name=self.names.new(f"loop_cond_{statement.lineno}"),
            step_name=self.names.new(f"loop_step_{statement.lineno}"),
            state=self.names.new("state"), index=index, carry=self.carry, stop=stop,
            step=S.Constant(value=step, kind=None), body_name=body_name.id, item=item,
            numpy=backend.numpy_module())
        cond_name, step_name = (S.load(function.name) for function in generated)
        loop = backend.lax("while_loop", [cond_name, step_name,
                                          S.Tuple(elts=[start, carried], ctx=S.Load())], call)
        statement.value = S.copy_location(
            S.Subscript(value=loop, slice=S.Constant(value=1, kind=None), ctx=S.Load()), call)
        return before + hoisted + [S.set_location(s, call) for s in generated] + [statement]

    def _items(self, iterable):
        """What the loop slices, and how many items there are: the iterable as an array;
        ``enumerate``/``zip`` (nested too) as tuples of arrays, as the loop unpacks them."""
        backend = self.backend
        call = backend.runtime_call(iterable)
        kind, node = call if call is not None else (self._builtin(iterable), iterable)
        if kind == "enumerate" and node.args and not node.keywords[1:]:
            items, length = self._items(node.args[0])
            numbers = backend.numpy("arange", [length], iterable)
            offset = node.args[1:] or [k.value for k in node.keywords if k.arg == "start"]
            if offset:
                numbers = S.BinOp(left=numbers, op=S.Add(), right=backend.expression(offset[0]))
            return S.Tuple(elts=[numbers, items], ctx=S.Load()), S.deep_copy(length)
        if kind == "zip" and node.args and not node.keywords:
            parts = [self._items(argument) for argument in node.args]
            return S.Tuple(elts=[items for items, _ in parts], ctx=S.Load()), parts[0][1]
        sequence = backend.expression(iterable)
        length = S.Call(func=S.load("len"), args=[S.deep_copy(sequence)], keywords=[])
        return backend.numpy("asarray", [sequence], iterable), length

    def _builtin(self, node) -> str | None:
        """``"zip"``/``"enumerate"`` for a call of the builtin (not a local of that name)."""
        if (isinstance(node, S.Call) and isinstance(node.func, S.Name)
                and node.func.id in ("zip", "enumerate")
                and node.func.id not in self.backend.context.local_names):
            return node.func.id
        return None

    def _hoisted(self, statement, value, base: str, names_too: bool = False):
        """``value`` evaluated once before the loop: itself if it is a constant (or a
        name), else a fresh variable assigned in front; returns ``(value, statements)``."""
        if _integer(value) is not None or isinstance(value, S.Constant) or (
                isinstance(value, S.Name) and not names_too):
            return value, []
        name = self.names.new(f"{base}_{statement.lineno}")
        assign = S.Assign(targets=[S.store(name)], value=value, type_comment=None)
        return S.load(name), [S.set_location(assign, statement)]


def _item(items, index: str):
    if isinstance(items, S.Tuple):
        return S.Tuple(elts=[_item(element, index) for element in items.elts], ctx=S.Load())
    return S.Subscript(value=S.deep_copy(items), slice=S.load(index), ctx=S.Load())


def _integer(node) -> int | None:
    if isinstance(node, S.Constant) and type(node.value) is int:
        return node.value
    if (isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub)
            and isinstance(node.operand, S.Constant) and type(node.operand.value) is int):
        return -node.operand.value
    return None


def flag(node) -> bool:
    """Whether a keyword's value is the literal ``True``."""
    return isinstance(node, S.Constant) and node.value is True
