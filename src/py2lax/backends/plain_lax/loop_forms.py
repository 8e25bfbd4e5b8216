"""The loop shapes plain lax needs beyond one primitive call.

* A ``for`` with ``break``: ``jax.lax.while_loop`` over ``(index, carried)`` that stops at
  the end of the range or of the items, or once the record's break flag is set::

      def loop_cond_7(state):
          index, (total, broke_7) = state
          return jnp.logical_and(index < len(xs), jnp.logical_not(broke_7))
      def loop_step_7(state):
          index, carry = state
          return (index + 1, loop_body_7(jnp.asarray(xs)[index], carry))

* A ``for`` of known length that appends to a carried list: ``jax.lax.scan`` whose
  stacked outputs are the items each iteration appended; the list is extended with them
  after the loop, in Python's order.
* ``range(start, stop, step)``: ``fori_loop(0, count, ...)``, the body computing its
  index (lax's loop counts up by one).
* What a ``scan`` slices: the iterable as an array; ``enumerate``/``zip`` as tuples of
  arrays, as the loop unpacks them.
"""

from __future__ import annotations

import functools

from py2lax.frontend import syntax as S
from py2lax.backends.plain_lax.expressions import shadows_builtin
from py2lax.backends.plain_lax.python_form import reversed_array
from py2lax.backends.plain_lax.spelling import assign, constant, method, tuple_of
from py2lax.transforms.templates import fill

GROWS = "py2lax_grows"  # set on the statement that extends a list after a loop: its name
# Set on the numbers ``enumerate`` gives (``jnp.arange(len(xs))``, plus its start): the
# value is the start's node or None. Their item at a position is the position itself,
# (plus the start): a loop's own counter, weakly typed like Python's int, where an item
# of the int32 ``arange`` would widen what it meets (``acc = jnp.int8(100); acc + i``).
ENUMERATED = "py2lax_enumerated"
UNTIL_BREAK = """
def cond_name(state):
    index, carried = state
    return numpy.logical_and(index < stop, numpy.logical_not(flag))
def step_name(state):
    index, carry = state
    return (index + step, body_name(item, carry))
"""


class LoopForms:
    def __init__(self, loops):
        self.loops = loops
        self.backend, self.spell = loops.backend, loops.spell
        self.names = loops.backend.context.names

    def until_break(self, record, body: S.FunctionDef, start, step: int, stop,
                    items=None, promoted=()) -> list:
        """A loop that may ``break``: ``while_loop`` over ``(index, carried)`` that stops
        at ``stop`` (the range's end or the number of ``items``) or at the break flag."""
        call, line = record.call, record.line
        before = []
        # The test reads `stop` from the enclosing function, as it was before the loop;
        # only a call (other than `len`) is worth evaluating once in front.
        if any(isinstance(n, S.Call) and not (isinstance(n.func, S.Name) and n.func.id == "len")
               for n in S.walk(stop)):
            stop, before = self.hoisted(call, stop, f"stop_{line}")
        start, hoisted = self.hoisted(call, start, f"start_{line}")
        index = self.names.new("index")
        item = _item(items, index) if items is not None else S.load(index)
        template = UNTIL_BREAK if step > 0 else UNTIL_BREAK.replace("index < stop",
                                                                   "index > stop")
        carried = S.Tuple(elts=[S.store(n) for n in record.carried], ctx=S.Store())
        generated = fill(
            template, cond_name=self.names.new(f"loop_cond_{line}"),
            step_name=self.names.new(f"loop_step_{line}"), state=self.names.new("state"),
            index=index, carried=carried, carry=self.loops.carry, stop=stop,
            step=constant(step), body_name=body.name, item=item, flag=record.break_flag,
            numpy=self.spell.numpy_module())
        condition, stepping = (S.load(function.name) for function in generated)
        state = S.Tuple(elts=[start, tuple_of(record.carried)], ctx=S.Load())
        loop = self.spell.lax("while_loop", [condition, stepping, state], call)
        call.value = S.copy_location(S.Subscript(value=loop, slice=constant(1), ctx=S.Load()),
                                     call)
        return before + hoisted + [body] + [S.set_location(s, call) for s in generated] + list(
            promoted) + [call]

    def growing_scan(self, record, body: S.FunctionDef, items, grown: list[str]) -> list:
        """A loop that appends to lists: ``jax.lax.scan`` whose stacked outputs are the
        items each iteration appended; the lists are extended with them afterwards, in
        Python's order. Inside the body each list starts empty."""
        call = record.call
        kept = [name for name in record.carried if name not in grown]
        self.loops.take_carry(body, leading=1, scan=True, grown=grown)
        # one name for each list's stacked items (`appended_5`), unpacked: read by index
        # (`appended_5[0]`) inside a `try`, a second run took them for the user's item
        # reads and checked them (jax's util.py was no fixed point)
        stacked = [self.names.new(f"appended_{record.line}") for _ in grown]
        targets = S.Tuple(elts=[S.store(n) for n in stacked], ctx=S.Store())
        scan = self.spell.lax("scan", [S.load(body.name), tuple_of(kept), items], call)
        if kept:
            call.targets = [S.Tuple(elts=[tuple_of(kept, S.Store), targets], ctx=S.Store())]
            call.value = scan
        else:
            call.targets = [targets]
            call.value = S.Subscript(value=scan, slice=constant(1), ctx=S.Load())
        after = []
        for index, name in enumerate(grown):
            column = S.load(stacked[index])
            flattened = (self._unstacked_structures(column) if self._appends_structures(
                body, name) else _unstacked_arrays(column))
            # extended in place: another name may reach the list (`hist = results["h"]`)
            extend = S.set_location(S.Expr(value=method(S.load(name), "extend", [flattened])),
                                    call)
            setattr(extend, GROWS, name)
            after.append(extend)
        return [body, S.set_location(call, call)] + after

    def _appends_structures(self, body: S.FunctionDef, name: str) -> bool:
        """Whether the loop appends to ``name`` a tuple, list or dict (``pairs.append((i,
        x))``, or a name bound to one), which ``scan`` stacks leaf by leaf: an item of a
        step is then no row of one stacked array."""
        bindings = self.backend.facts.bindings
        structures = (S.Tuple, S.List, S.Dict)
        for node in S.walk(body):
            if not (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
                    and node.func.attr == "append" and isinstance(node.func.value, S.Name)
                    and node.func.value.id == name and len(node.args) == 1):
                continue
            item = node.args[0]
            if isinstance(item, structures) or isinstance(item, S.Name) and any(
                    isinstance(value, structures) for value in bindings.get(item.id, [])):
                return True
        return False

    def _unstacked_structures(self, column):
        """``[jax.tree.map(lambda leaf: leaf[step], item) for step in range(count) for
        item in column]``: the items each step appended, in Python's order, where they are
        tuples, lists or dicts that ``scan`` stacked leaf by leaf (``count``: the length of
        the first leaf, the loop's trip count)."""
        leaves = S.Call(func=self.spell.attribute("tree", "leaves"), args=[column],
                        keywords=[])
        count = S.Call(func=S.load("len"), args=[S.Subscript(
            value=leaves, slice=constant(0), ctx=S.Load())], keywords=[])
        row = S.Lambda(args=S.arguments(args=[S.param("leaf")], posonlyargs=[], vararg=None,
                                        kwonlyargs=[], kw_defaults=[], kwarg=None,
                                        defaults=[]),
                       body=S.Subscript(value=S.load("leaf"), slice=S.load("step"),
                                        ctx=S.Load()))
        element = S.Call(func=self.spell.attribute("tree", "map"),
                         args=[row, S.load("item")], keywords=[])
        return S.ListComp(elt=element, generators=[
            S.comprehension(target=S.store("step"), iter=S.Call(
                func=S.load("range"), args=[count], keywords=[]), ifs=[], is_async=0),
            S.comprehension(target=S.store("item"), iter=S.deep_copy(column), ifs=[],
                            is_async=0)])

    def counted(self, location, body: S.FunctionDef, unpacked: int, start, stop, step: int):
        """``range(start, stop, step)`` as ``fori_loop(0, count, ...)``: lax's loop counts
        up by one, so the body computes its index from the iteration number (reading
        ``start`` inside the body, where a carried name means its new value: hoisted)."""
        start, before = self.hoisted(location, start, f"start_{location.lineno}",
                                     names_too=True)
        low, high = integer(start), integer(stop)
        if low is not None and high is not None:
            count = constant(len(range(low, high, step)))
        else:
            distance = (S.BinOp(left=stop, op=S.Sub(), right=S.deep_copy(start)) if step > 0
                        else S.BinOp(left=S.deep_copy(start), op=S.Sub(), right=stop))
            rounded = S.BinOp(left=distance, op=S.Add(), right=constant(abs(step) - 1))
            steps = S.BinOp(left=rounded, op=S.FloorDiv(), right=constant(abs(step)))
            count = self.spell.numpy("maximum", [constant(0), steps], location)
        index = body.args.args[0].id
        position = S.BinOp(left=S.deep_copy(start), op=S.Add(), right=S.BinOp(
            left=S.load(index), op=S.Mult(), right=constant(step)))
        body.body.insert(unpacked, assign(index, position, body))
        return constant(0), S.set_location(count, location), before

    def items(self, iterable, see_through: str | None):
        """What the loop slices, and how many items there are: the iterable as an array;
        ``enumerate``/``zip`` (nested too) as tuples of arrays, as the loop unpacks them."""
        spell, value = self.spell, self.backend.expressions.value
        if see_through == "enumerate" and iterable.args and not iterable.keywords[1:]:
            items, length = self.items(iterable.args[0], _builtin(iterable.args[0], self))
            numbers = spell.numpy("arange", [length], iterable)
            offset = iterable.args[1:] or [k.value for k in iterable.keywords
                                           if k.arg == "start"]
            if offset:
                numbers = S.BinOp(left=numbers, op=S.Add(), right=value(offset[0]))
            setattr(numbers, ENUMERATED, value(offset[0]) if offset else None)
            return S.Tuple(elts=[numbers, items], ctx=S.Load()), S.deep_copy(length)
        if see_through == "zip" and iterable.args and not iterable.keywords:
            parts = [self.items(a, _builtin(a, self)) for a in iterable.args]
            if len(parts) == 1:
                return S.Tuple(elts=[parts[0][0]], ctx=S.Load()), parts[0][1]
            # as many items as the shortest has (`zip(v, v[1:])`): lax scans equal
            # lengths, so each is cut to the others' lengths (`a[:len(b)]`), which a
            # second run reads as static, as it does `min` of lengths
            lengths = [n for _, n in parts]
            cut = [functools.reduce(_first, lengths[:k] + lengths[k + 1:], items)
                   for k, (items, _) in enumerate(parts)]
            length = S.Call(func=S.load("min"), args=lengths, keywords=[])
            return S.Tuple(elts=cut, ctx=S.Load()), length
        if reversed_array(iterable, self.backend):  # `reversed(v)`: v's rows, last first
            sequence = value(iterable.args[0])
            length = S.Call(func=S.load("len"), args=[S.deep_copy(sequence)], keywords=[])
            flipped = spell.numpy("flip", [spell.numpy("asarray", [sequence], iterable),
                                           constant(0)], iterable)
            return flipped, length
        sequence = value(iterable)
        length = S.Call(func=S.load("len"), args=[S.deep_copy(sequence)], keywords=[])
        return spell.numpy("asarray", [sequence], iterable), length

    def hoisted(self, location, value, base: str, names_too: bool = False):
        """``value`` evaluated once before the loop: itself if it is a constant (or a
        name), else a fresh variable assigned in front; returns ``(value, statements)``."""
        if integer(value) is not None or isinstance(value, S.Constant) or (
                isinstance(value, S.Name) and not names_too):
            return value, []
        name = self.names.new(base)
        return S.load(name), [assign(name, value, location)]


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


def _builtin(node, forms) -> str | None:
    """``"zip"``/``"enumerate"`` for a call of the builtin (not a local of that name)."""
    if (isinstance(node, S.Call) and isinstance(node.func, S.Name)
            and node.func.id in ("zip", "enumerate")
            and not shadows_builtin(forms.backend, node.func.id)):
        return node.func.id
    return None


def first_item(items):
    """The first item a scan over ``items`` gives (for ``jax.eval_shape`` of its body)."""
    if hasattr(items, ENUMERATED):
        return counted(constant(0), getattr(items, ENUMERATED))
    if isinstance(items, S.Tuple):
        return S.Tuple(elts=[first_item(element) for element in items.elts], ctx=S.Load())
    return S.Subscript(value=S.deep_copy(items), slice=constant(0), ctx=S.Load())


def _first(items, count):
    """``items[:count]`` (each array of a tuple of them)."""
    if isinstance(items, S.Tuple):
        return S.Tuple(elts=[_first(element, count) for element in items.elts], ctx=S.Load())
    return S.Subscript(value=items, slice=S.Slice(lower=None, upper=S.deep_copy(count),
                                                  step=None), ctx=S.Load())


def counted(position, start):
    """``position + start``: an item of ``enumerate``'s numbers (``ENUMERATED``)."""
    if start is None:
        return position
    return S.BinOp(left=position, op=S.Add(), right=S.deep_copy(start))


def _item(items, index: str):
    if hasattr(items, ENUMERATED):
        return counted(S.load(index), getattr(items, ENUMERATED))
    if isinstance(items, S.Tuple):
        return S.Tuple(elts=[_item(element, index) for element in items.elts], ctx=S.Load())
    return S.Subscript(value=S.deep_copy(items), slice=S.load(index), ctx=S.Load())


def integer(node) -> int | None:
    if isinstance(node, S.Constant) and type(node.value) is int:
        return node.value
    if (isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub)
            and isinstance(node.operand, S.Constant) and type(node.operand.value) is int):
        return -node.operand.value
    return None


def _unstacked_arrays(column):
    """``[item for step in zip(*column) for item in step]``: the arrays each step
    appended (rows of the stacked arrays of ``column``), in Python's order."""
    steps = S.Call(func=S.load("zip"), args=[S.Starred(value=column, ctx=S.Load())],
                   keywords=[])
    return S.ListComp(elt=S.load("item"), generators=[
        S.comprehension(target=S.store("step"), iter=steps, ifs=[], is_async=0),
        S.comprehension(target=S.store("item"), iter=S.load("step"), ifs=[], is_async=0)])
