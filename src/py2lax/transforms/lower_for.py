"""LowerFor: ``for`` loops become a body function and ``py2lax.fori_loop``/``for_each``.

``for i in range(...)`` becomes ``py2lax.fori_loop(start, stop, body, carried[, step=])``;
any other iterable becomes ``py2lax.for_each(iterable, body, carried)``, with ``enumerate``
and ``zip`` spelled ``py2lax.enumerate``/``py2lax.zip`` so the runtime can scan arrays.

Before::

    def repeat_add(x, n):
        y = x
        for i in range(n):
            y = y + x
        return y

After::

    def repeat_add(x, n):
        y = x
        def loop_body_3(i, y):
            y = y + x
            return (y,)
        y, = py2lax.fori_loop(0, n, loop_body_3, (y,))
        return y

A target that is not a plain name (``for i, row in enumerate(xs)``) arrives as one
``item`` and is unpacked first. A ``for ... else`` without ``break`` runs its ``else``
after the loop.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.liveness import BREAK_FLAG
from py2lax.analysis.names import CHANGING_METHODS, OUTSIDE_EFFECT_METHODS, bound_names
from py2lax.backends.runtime_calls import emit_for
from py2lax.transforms.loop_options import LOOP_OPTIONS
from py2lax.transforms.carried import finish, in_source_order, new_record
from py2lax.transforms.partial_carry import is_partial_carry_wrapper
from py2lax.transforms.records import Items, Range, Records

SEE_THROUGH = {"enumerate", "zip"}


def range_arguments(node: S.For, local_names: set[str] = frozenset()):
    """``(start, stop, step)`` of ``for _ in range(...)``, or None for other iterables.

    ``reversed(range(a, b[, k]))`` with a constant positive ``k`` is the range
    ``range(a + (b - a - 1) // k * k, a - 1, -k)`` (``range(b - 1, a - 1, -1)`` for
    ``k == 1``), so a traced bound converts as it does counting down. A function that
    defines its own ``range`` or ``reversed`` is not calling the builtin.
    """
    call = node.iter
    if _is_builtin_call(call, "reversed", local_names) and len(call.args) == 1:
        bounds = _range_call_arguments(call.args[0], local_names)
        return _reversed(*bounds) if bounds is not None else None
    return _range_call_arguments(call, local_names)


def _is_builtin_call(call, name: str, local_names) -> bool:
    return (isinstance(call, S.Call) and isinstance(call.func, S.Name)
            and call.func.id == name and name not in local_names and not call.keywords
            and not any(isinstance(a, S.Starred) for a in call.args))


def _range_call_arguments(call, local_names):
    if not _is_builtin_call(call, "range", local_names) or not 1 <= len(call.args) <= 3:
        return None
    args = list(call.args)
    if len(args) == 1:
        args.insert(0, S.Constant(value=0, kind=None))
    return args[0], args[1], (args[2] if len(args) == 3 else None)


def _reversed(start, stop, step):
    """The bounds of ``reversed(range(start, stop, step))``, or None where writing them
    would evaluate a bound twice or out of order (a call), or the step is not a
    positive constant."""
    k = 1 if step is None else step.value if (
        isinstance(step, S.Constant) and type(step.value) is int) else None
    if k is None or k <= 0 or not all(_evaluates_freely(b) for b in (start, stop)):
        return None

    def minus(left, right):
        return S.BinOp(left=left, op=S.Sub(), right=right)

    last = minus(S.deep_copy(stop), S.Constant(value=1, kind=None)) if k == 1 else S.BinOp(
        left=S.deep_copy(start), op=S.Add(), right=S.BinOp(
            left=S.BinOp(left=minus(minus(S.deep_copy(stop), S.deep_copy(start)),
                                    S.Constant(value=1, kind=None)),
                         op=S.FloorDiv(), right=S.Constant(value=k, kind=None)),
            op=S.Mult(), right=S.Constant(value=k, kind=None)))
    before_first = minus(S.deep_copy(start), S.Constant(value=1, kind=None))
    for bound in (last, before_first):
        S.copy_location(bound, stop)
        S.fix_missing_locations(bound)
    return last, before_first, S.Constant(value=-k, kind=None)


def _evaluates_freely(expression) -> bool:
    """Names, constants, attributes and arithmetic on them: reading them twice, or in
    another order, computes the same and changes nothing."""
    return all(isinstance(n, (S.Name, S.Constant, S.Attribute, S.BinOp, S.UnaryOp,
                              S.operator, S.unaryop, S.expr_context))
               for n in S.walk(expression))


def target_names(node: S.For) -> set[str]:
    return bound_names([S.Assign(targets=[node.target], value=None, type_comment=None)])


def lower_for(node: S.For, live, defined, context) -> list:
    targets = target_names(node)
    assigned = context.shared.assigned(node.body) | targets
    carried = in_source_order(assigned & live.head_live, context)
    break_flag = getattr(node, BREAK_FLAG, None)
    if break_flag is not None:  # the runtime reads the flag: it goes last
        carried = [name for name in carried if name != break_flag] + [break_flag]
    body_name = context.names.new(f"loop_body_{node.lineno}")
    lowered = new_record(context, "for", node, (body_name,), carried, carried)
    body, parameter = _bind_target(node, carried, context)
    lowered.item, lowered.break_flag = parameter, break_flag
    bounds = range_arguments(node, context.local_names)
    options = []
    iterable = None
    if bounds is not None:
        start, stop, step = bounds
        lowered.iteration = Range(start, stop, step)
        options = [("step", step)] if step is not None else []
    else:
        iterable = _see_through(node.iter, context)
        see_through = node.iter.func.id if iterable is not node.iter else None
        lowered.iteration = Items(node.iter, see_through)
    if break_flag is not None:
        options.append(("has_break", S.Constant(value=True, kind=None)))
        if isinstance(node.iter, S.Name) and node.iter.id in live.live_out:
            # `for ln in it: ... break` then `rest = list(it)`: where `it` stands after
            # the loop is Python's business; with a traced `break` the runtime refuses
            options.append(("iterator_read_later", S.Constant(value=True, kind=None)))
    if bounds is None and _items_updated(node, carried, context.records):
        options.append(("items_updated", S.Constant(value=True, kind=None)))
        if see_through == "enumerate" and iterable.args:  # `enumerate(zip(a, b))`: the
            iterable.args[0] = _see_through(iterable.args[0], context)  # zip's arrays too
    if context.shared.outer_names(carried) or catches_exceptions(node.body) or (
            mutates_outer_objects(node.body, context.local_names, context.runtime)):
        options.append(("unroll", S.Constant(value=True, kind=None)))
    options += [(k.arg, k.value) for k in getattr(node, LOOP_OPTIONS, [])]
    lowered.options = dict(options)
    generated = emit_for(lowered, body, iterable, context.runtime)
    return finish(lowered, generated, defined, node, context) + node.orelse

def catches_exceptions(statements: list) -> bool:
    """A ``try`` with handlers, or a ``with`` that is not one of JAX's own (which never
    suppress errors): Python may catch an error raised in one iteration, such as the
    ``IndexError`` of an index past the end, which a compiled loop would not raise.
    A static loop over such a body runs as Python."""
    for node in S.walk_same_scope_statements(statements):
        if isinstance(node, (S.Try, S.TryStar)) and node.handlers and (
                not is_partial_carry_wrapper(node)):
            return True
        if isinstance(node, (S.With, S.AsyncWith)) and not all(
                is_jax_context(item.context_expr) for item in node.items):
            return True
    return False


def is_jax_context(expression) -> bool:
    root = expression.func if isinstance(expression, S.Call) else expression
    while isinstance(root, S.Attribute):
        root = root.value
    return isinstance(root, S.Name) and root.id in {"jax", "lax", "jnp"}


_OUTSIDE_CHANGES = CHANGING_METHODS | OUTSIDE_EFFECT_METHODS


def mutates_outer_objects(statements: list, local_names: set[str], runtime: str) -> bool:
    """Whether the statements mutate objects that live outside the function.

    Such a body must run exactly once per iteration, so a static loop over it is unrolled
    rather than traced once with a symbolic index (a trace that might be discarded).
    py2lax's own ``append``/``setitem`` calls return the new value instead, so they count
    as assignments, not as outside mutations.
    """
    for node in S.walk_same_scope_statements(statements):
        if isinstance(node, S.Call) and isinstance(node.func, S.Attribute):
            owner = node.func.value
            if (isinstance(owner, S.Name) and owner.id not in local_names
                    and owner.id != runtime and node.func.attr in _OUTSIDE_CHANGES):
                return True
        targets = node.targets if isinstance(node, S.Assign) else (
            [node.target] if isinstance(node, (S.AugAssign, S.AnnAssign)) else [])
        for target in targets:
            if isinstance(target, (S.Subscript, S.Attribute)):
                root = target
                while isinstance(root, (S.Subscript, S.Attribute)):
                    root = root.value
                if isinstance(root, S.Name) and root.id not in local_names:
                    return True
    return False


def _items_updated(node: S.For, carried: list[str], records: Records) -> bool:
    """The body assigns items of the array it loops over (``for v in u: ... u[4] += v``),
    and nothing else to that name: NumPy's loop reads the items as they are then, so
    the runtime loops over positions of the carried array (not a copy taken before)."""
    iterable = node.iter
    if (isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name)
            and iterable.func.id == "enumerate" and len(iterable.args) >= 1
            and isinstance(iterable.args[0], S.Call)):
        iterable = iterable.args[0]  # `enumerate(zip(a, b))`
    if (isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name)
            and iterable.func.id == "zip" and not iterable.keywords):
        # `for u, v in zip(a, b): ... a[i + 1] += u`: zip reads `a` as it is then, too
        return any(_items_updated(S.For(target=node.target, iter=argument, body=node.body,
                                        orelse=[], type_comment=None), carried, records)
                   for argument in iterable.args)
    if (isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name)
            and iterable.func.id == "enumerate" and len(iterable.args) >= 1):
        iterable = iterable.args[0]
    if not isinstance(iterable, S.Name) or iterable.id not in carried:
        return False
    name = iterable.id
    # Statements already lowered inside the body are generated functions and a runtime
    # call whose results are unpacked (`u, = py2lax.cond(...)`): look inside them.
    assignments = [statement for body_node in node.body for statement in S.walk(body_node)
                   if isinstance(statement, (S.Assign, S.AugAssign, S.AnnAssign))
                   and name in bound_names([statement])]
    updates = [a for a in assignments if not records.is_lowered_call(a)]
    # (`u = py2lax.written_through(u)` after `bump(u, 1, 0.1)`: a helper assigned items
    # of `u` in place, as `u[1] += 0.1` would; `--standalone`'s `u = bump_written(u, 1,
    # 0.1)[1]` stands for the same write)
    return bool(updates) and all(S.is_in_place_write(a) or (
        isinstance(a, S.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], S.Name)
        and records.writes(a.value, name, ("setitem", "written_through"))) for a in updates)


def _bind_target(node: S.For, carried: list[str], context):
    """The body statements and the name of the parameter that receives each item.

    A plain-name target that is not carried is the parameter itself; otherwise the item
    arrives under a fresh name and is assigned to the target first.
    """
    target = node.target
    if isinstance(target, S.Name) and target.id not in carried:
        return list(node.body), target.id
    parameter = context.names.new(f"{target.id}_item" if isinstance(target, S.Name) else "item")
    unpack = S.Assign(targets=[target], value=S.load(parameter), type_comment=None)
    return [S.generated(S.set_location(unpack, node))] + list(node.body), parameter


def _see_through(iterable, context):
    """``enumerate(xs)``/``zip(xs, ys)`` -> ``py2lax.enumerate(xs)``/``py2lax.zip(xs, ys)``."""
    if isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name) and (
        iterable.func.id in SEE_THROUGH and iterable.func.id not in context.local_names
    ):
        call = context.call(iterable.func.id, *iterable.args, line=iterable.lineno,
                            arguments=iterable.args)
        call.keywords = iterable.keywords
        S.copy_location(call.func, iterable.func)
        return S.copy_location(call, iterable)
    return iterable
