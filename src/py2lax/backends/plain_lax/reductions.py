"""``sum``/``any``/``all``/``max``/``min`` of a filtered generator whose filter may be
traced, in plain jax.

The runtime's ``py2lax.masked(c)`` keeps every item and hands ``c`` to the reduction
(``runtime/masked.py``): a dropped item adds nothing to a sum, finds nothing for
``any``, no counterexample for ``all``, and is never the best for ``max``/``min``. The
number of items stays what the iterable gives, so the generator runs as Python (over an
array's rows, whose count is known when tracing), and the filter becomes a mask::

    sum(x * x for x in v if x > 0)
    -> sum((jnp.where(x > 0, x * x, 0) for x in v))
    min((x for x in v if x > t), default=-1.0)
    -> (lambda kept, items, default: jnp.where(jnp.any(kept), jnp.min(jnp.where(
        kept, items, jnp.inf), initial=jnp.inf), default))(jnp.asarray([x > t for x in v],
        bool), jnp.asarray([jnp.reshape(x, ()) for x in v]), -1.0)

``max``/``min`` without ``default=`` raise in Python when every item is dropped, which
plain jax cannot do: they are left to the caller's refusal. Items of ``max``/``min`` are
reshaped to scalars, so arrays (which Python cannot order) raise rather than compare
elementwise.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.backends.plain_lax.spelling import call, constant, lambda_of

REDUCTIONS = ("sum", "any", "all", "max", "min")


def masked_reduction(node: S.Call, records, spell, visit):
    """The plain-jax form of ``node`` (a call of a builtin reduction, the runtime's
    ``converted`` already unwrapped) when its one argument is a generator whose filters
    the pipeline masked; ``visit`` rewrites the parts. None: not such a call."""
    function = node.func
    if not (isinstance(function, S.Name) and function.id in REDUCTIONS and node.args
            and isinstance(node.args[0], S.GeneratorExp)):
        return None
    generator = node.args[0]
    keywords = {k.arg: k.value for k in node.keywords}
    name = function.id
    if not _masked(generator, records) or len(node.args) > (2 if name == "sum" else 1) or (
            set(keywords) != ({"default"} if name in ("max", "min") else set())):
        return None
    if any(isinstance(n, _DISPLAYS) for n in [generator.elt] + node.args[1:]):
        return None  # `sum(([x] for ...), [])` joins lists: no mask adds a list
    masks = _take_masks(generator, records)
    mask = masks[0] if len(masks) == 1 else spell.numpy("logical_and", masks[:2], None)
    for extra in masks[2:]:
        mask = spell.numpy("logical_and", [mask, extra], None)
    mask, element = visit(mask), visit(generator.elt)
    clauses = [visit(clause) for clause in generator.generators]
    if name == "sum":
        kept = spell.numpy("where", [mask, element, constant(0)], None)
        arguments = [S.GeneratorExp(elt=kept, generators=clauses)] + [
            visit(a) for a in node.args[1:]]
        return S.copy_location(call(S.load("sum"), arguments, None), node)
    if name in ("any", "all"):  # of scalars: Python's truth of an array raises
        element = spell.numpy("reshape", [element, S.Tuple(elts=[], ctx=S.Load())], None)
        item = (spell.numpy("logical_and", [mask, element], None) if name == "any" else
                spell.numpy("logical_or", [spell.numpy("logical_not", [mask], None),
                                           element], None))
        listed = S.ListComp(elt=item, generators=clauses)
        flags = call(_numpy(spell, "asarray"), [listed, S.load("bool")], None)
        return S.copy_location(spell.numpy(name, [flags], None), node)
    return S.copy_location(_extremum(name, mask, element, clauses,
                                     visit(keywords["default"]), spell), node)


_DISPLAYS = (S.List, S.Tuple, S.ListComp, S.Dict, S.Set, S.JoinedStr)


def _masked(generator: S.GeneratorExp, records) -> bool:
    return any(getattr(records.of_call(c), "helper", None) == "masked"
               for clause in generator.generators for c in clause.ifs
               if isinstance(c, S.Call))


def _take_masks(generator: S.GeneratorExp, records) -> list:
    """The conditions of the ``py2lax.masked(c)`` filters, taken out of the clauses."""
    masks = []
    for clause in generator.generators:
        kept = []
        for condition in clause.ifs:
            record = records.of_call(condition) if isinstance(condition, S.Call) else None
            if record is not None and record.helper == "masked":
                masks.append(record.operands["condition"])
            else:
                kept.append(condition)
        clause.ifs = kept
    return masks


def _extremum(name: str, mask, element, clauses, default, spell):
    """``jnp.where(any kept, best kept item, default)``."""
    infinity = S.Attribute(value=spell.numpy_module(), attr="inf", ctx=S.Load())
    worst = S.UnaryOp(op=S.USub(), operand=infinity) if name == "max" else S.deep_copy(
        infinity)
    kept = call(_numpy(spell, "asarray"), [S.ListComp(elt=mask, generators=clauses),
                                           S.load("bool")], None)
    scalar = spell.numpy("reshape", [element, S.Tuple(elts=[], ctx=S.Load())], None)
    items = call(_numpy(spell, "asarray"), [S.ListComp(elt=scalar, generators=[
        S.deep_copy(c) for c in clauses])], None)
    best = call(_numpy(spell, name), [spell.numpy("where", [S.load("kept"), S.load("items"),
                                                            worst], None)], None,
                keywords=[S.keyword(arg="initial", value=S.deep_copy(worst))])
    chosen = spell.numpy("where", [spell.numpy("any", [S.load("kept")], None), best,
                                   S.load("default")], None)
    # the lambda reads its parameters only: the user's names keep their meaning
    return call(lambda_of(["kept", "items", "default"], chosen), [kept, items, default],
                None)


def _numpy(spell, attribute: str):
    return S.Attribute(value=spell.numpy_module(), attr=attribute, ctx=S.Load())
