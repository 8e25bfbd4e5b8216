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
  ``jax.lax.while_loop`` over ``(index, carry)`` that stops at the end or at the flag;
* a ``for`` of known length that appends to a carried list -> a ``scan`` whose stacked
  outputs are each iteration's appended items, added to the list after the loop.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.templates import fill

GROWS = "py2lax_grows"  # set on the statement that extends a list after a loop: its name
UNTIL_BREAK = """
def cond_name(state):
    index, carry = state
    return numpy.logical_and(index < stop, numpy.logical_not(carry[-1]))
def step_name(state):
    index, carry = state
    return (index + step, body_name(item, carry))
"""


class Loops:
    """Rewrites the loop statements of one function for :class:`~py2lax.backends.plain_lax.emitter._PlainJax`."""

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
        self._no_growth(statement, definitions[body_name.id], "a `while` loop", leading=0)
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
        step = 1 if options.get("step") is None else self._step(statement, options["step"])
        grown = grown_lists(body)
        if grown and not flag(options.get("has_break")):
            if not all(_integer(b) is not None or backend.is_static(b) for b in (start, stop)):
                raise backend.refuse(
                    statement, "a list grown in a loop whose trip count is traced needs the "
                    "py2lax runtime (lax stacks only a known number of items)",
                    fix="make the bounds static (`static_argnames`), or drop --standalone")
            numbers = backend.numpy("arange", [start, stop, S.Constant(value=step, kind=None)]
                                    if step != 1 else [start, stop], call)
            return self._growing_scan(statement, call, body, numbers, grown)
        static = all(_integer(b) is not None or backend.is_static(b) for b in (start, stop))
        if static and not flag(options.get("has_break")) and self._indexes_python_values(body):
            return [self._python_loop(statement, body, start, stop, step)]
        unpacked = self.take_carry(body, leading=1)
        if flag(options.get("has_break")):
            self._no_growth(statement, body, "a loop with `break`")
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
            self._no_growth(statement, body, "a loop with `break`")
            self.take_carry(body, leading=1)
            return self._until_break(statement, call, body_name, carried,
                                     S.Constant(value=0, kind=None), 1,
                                     items=self._items(iterable))
        grown = grown_lists(body)
        if grown:
            return self._growing_scan(statement, call, body, self._items(iterable)[0], grown)
        self.take_carry(body, leading=1, scan=True)
        scan = backend.lax("scan", [body_name, carried, self._items(iterable)[0]], call)
        statement.value = S.copy_location(
            S.Subscript(value=scan, slice=S.Constant(value=0, kind=None), ctx=S.Load()), call)
        return [statement]

    def _growing_scan(self, statement, call, body: S.FunctionDef, items,
                      grown: list[str]) -> list:
        """A loop that appends to lists: ``jax.lax.scan`` whose stacked outputs are the
        items each iteration appended; the lists are extended with them afterwards, in
        Python's order. Inside the body each list starts empty."""
        backend = self.backend
        kept = [p.id for p in body.args.args[1:] if p.id not in grown]
        self.take_carry(body, leading=1, scan=True, grown=grown)
        stacked = self.names.new(f"appended_{statement.lineno}")
        scan = backend.lax("scan", [S.load(body.name), _tuple(kept), items], call)
        if kept:
            statement.targets = [S.Tuple(elts=[_tuple(kept, S.Store), S.store(stacked)],
                                         ctx=S.Store())]
            statement.value = scan
        else:
            statement.targets = [S.store(stacked)]
            statement.value = S.Subscript(value=scan, slice=S.Constant(value=1, kind=None),
                                          ctx=S.Load())
        after = []
        for index, name in enumerate(grown):
            # rows = rows + [item for step in zip(*appended[0]) for item in step]
            steps = S.Call(func=S.load("zip"), args=[S.Starred(value=S.Subscript(
                value=S.load(stacked), slice=S.Constant(value=index, kind=None),
                ctx=S.Load()), ctx=S.Load())], keywords=[])
            flattened = S.ListComp(elt=S.load("item"), generators=[
                S.comprehension(target=S.store("step"), iter=steps, ifs=[], is_async=0),
                S.comprehension(target=S.store("item"), iter=S.load("step"), ifs=[],
                                is_async=0)])
            extend = S.Assign(targets=[S.store(name)], value=S.BinOp(
                left=S.load(name), op=S.Add(), right=flattened), type_comment=None)
            setattr(extend, GROWS, name)
            after.append(S.set_location(extend, statement))
        return [S.set_location(statement, statement)] + after

    def _indexes_python_values(self, body: S.FunctionDef) -> bool:
        """Whether the body indexes one of the function's Python lists, tuples or dicts
        with the loop index (``vals[i]``): a traced index cannot do that."""
        index = body.args.args[0].id
        indices = {index} | {  # `i = i_item` when the target is carried
            s.targets[0].id for s in body.body[:1] if isinstance(s, S.Assign)
            and isinstance(s.value, S.Name) and s.value.id == index
            and isinstance(s.targets[0], S.Name)}
        containers = self.backend.python_containers
        return any(
            isinstance(node, S.Subscript) and isinstance(node.value, S.Name)
            and node.value.id in containers
            and any(isinstance(n, S.Name) and n.id in indices for n in S.walk(node.slice))
            for node in S.walk(body))

    def _python_loop(self, statement, body: S.FunctionDef, start, stop, step: int):
        """The loop kept as a Python loop over the body (unrolled when traced), as the
        runtime keeps a static loop whose index must be a Python int."""
        index = body.args.args[0].id
        bounds = [start, stop] + ([S.Constant(value=step, kind=None)] if step != 1 else [])
        call = S.Call(func=S.load(body.name),
                      args=[S.load(index)] + [S.load(p.id) for p in body.args.args[1:]],
                      keywords=[])
        step_statement = (S.Assign(targets=statement.targets, value=call, type_comment=None)
                          if isinstance(statement, S.Assign) else S.Expr(value=call))
        loop = S.For(target=S.store(index), iter=S.Call(func=S.load("range"), args=bounds,
                                                        keywords=[]),
                     body=[step_statement], orelse=[], type_comment=None)
        return S.set_location(loop, statement)

    def _no_growth(self, statement, body: S.FunctionDef, loop: str, leading: int = 1) -> None:
        if grown_lists(body, leading):
            raise self.backend.refuse(
                statement, f"a list grown with `.append` inside {loop} needs the py2lax "
                "runtime (lax stacks only a known number of items)",
                fix="append inside a `for` loop of known length, or return the items "
                "from a `jax.lax.scan` body, or drop --standalone")

    # -- pieces ------------------------------------------------------------------------
    def take_carry(self, function: S.FunctionDef, leading: int, scan: bool = False,
                   grown: list[str] = ()) -> int:
        """``def body(i, a, b)`` -> ``def body(i, carry): a, b = carry`` (``(carry, i)``
        for a scan body, which also returns ``(carried, None)``, or ``(carried,
        (appended lists))`` when it grows the lists ``grown``: those start empty instead);
        returns the number of statements put in front of the body."""
        parameters = function.args.args
        first = parameters[:leading]
        carried = [p for p in parameters[leading:] if p.id not in grown]
        carry = S.copy_location(S.param(self.carry), function)
        function.args.args = [carry] + first if scan else first + [carry]
        front = []
        if carried:
            front.append(S.Assign(targets=[_tuple([p.id for p in carried], S.Store)],
                                  value=S.load(self.carry), type_comment=None))
        front += [S.Assign(targets=[S.store(name)], value=S.List(elts=[], ctx=S.Load()),
                           type_comment=None) for name in grown]
        function.body[:0] = [S.set_location(s, function) for s in front]
        if scan:
            final = function.body[-1]
            output = _tuple(list(grown)) if grown else S.Constant(value=None, kind=None)
            state = _tuple([p.id for p in carried]) if grown else final.value
            final.value = S.set_location(S.Tuple(elts=[state, output], ctx=S.Load()), final)
        return len(front)

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


def grown_lists(function: S.FunctionDef, leading: int = 1) -> list[str]:
    """The carried lists (the parameters of the loop body ``function`` after ``leading``
    ones) it makes longer: ``rows.append(v)``/``rows.extend(vs)`` anywhere in it, or an
    inner loop's appends."""
    carried = {p.id for p in function.args.args[leading:]}
    found = []
    for node in S.walk(function):
        name = getattr(node, GROWS, None) or _appended_to(node)
        if name in carried and name not in found:
            found.append(name)
    return found


def _appended_to(node) -> str | None:
    if (isinstance(node, S.Expr) and isinstance(node.value, S.Call)
            and isinstance(node.value.func, S.Attribute)
            and node.value.func.attr in ("append", "extend")
            and isinstance(node.value.func.value, S.Name)):
        return node.value.func.value.id
    return None


def _tuple(names: list[str], context=S.Load):
    return S.Tuple(elts=[S.name(name, context()) for name in names], ctx=context())


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
