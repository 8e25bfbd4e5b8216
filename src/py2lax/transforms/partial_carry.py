"""Lowered statements whose partial work an exception handler can see keep it.

Python keeps every assignment made before an exception: after ::

    s = 0.0
    try:
        for x in xs:
            s += 1.0 / x
    except ZeroDivisionError:
        pass

``s`` holds the sum up to the zero. The lowered loop assigns ``s`` only from what its
body function returns, so where the variables can be seen after an exception (the
statement is inside a ``try`` with handlers or a ``finally``, or a ``with`` whose
manager may suppress it) the runtime call is wrapped::

    try:
        s, = py2lax.for_each(xs, loop_body_5, (s,))
    except BaseException as raised_5:
        s, = py2lax.partial_carry(raised_5, loop_body_5, s=s)
        raise

``py2lax.partial_carry`` gives the values Python has at the raise (see
``py2lax.runtime.partial_carry``). An exception that leaves the function is seen by no
one, so statements outside such blocks are not wrapped. The record keeps the wrapper
(``Lowered.partial_carry``): another emitter writes the statement its own way and
replaces the wrapper by its body.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.records import Lowered
from py2lax.transforms.templates import fill

WRAPPER = "py2lax_partial_carry"  # set on the generated `try`: it is not the user's

PARTIAL_CARRY_TEMPLATE = """
try:
    call
except BaseException as raised:
    carried = runtime.partial_carry(raised, function)
    raise
"""


def keep_partial_carry(record: Lowered, statements: list, defined, context) -> list:
    """``statements`` (a lowering's output) with ``record``'s runtime call wrapped so an
    exception leaving it leaves the carried variables as Python would."""
    if not record.carried or record.call is None:
        return statements
    raised = context.names.new(f"raised_{record.line}")
    wrapper = fill(PARTIAL_CARRY_TEMPLATE, call=[record.call], raised=raised,
                   carried=list(record.carried), runtime=context.runtime,
                   function=_noted_function(record))[0]
    partial = wrapper.handlers[0].body[0].value
    partial.keywords = [S.keyword(arg=name, value=_value_before(name, record, defined, context))
                        for name in record.carried]
    setattr(wrapper, WRAPPER, True)
    record.partial_carry = wrapper
    located = S.set_location(wrapper, record.call)
    return [located if statement is record.call else statement for statement in statements]


def is_partial_carry_wrapper(node) -> bool:
    return getattr(node, WRAPPER, False)


def _noted_function(record: Lowered) -> str:
    """The generated function the runtime notes the statement's values under: a
    ``while``'s body, a loop's body, an ``if``'s true branch."""
    return record.functions[1] if record.kind == "while" else record.functions[0]


def _value_before(name: str, record: Lowered, defined, context):
    """The variable's value before the statement, as an expression that cannot fail:
    an output of an ``if`` that its branches assign but do not receive may be unbound
    (the branch that raised may not have assigned it either)."""
    if name in record.inputs or name in defined.certainly:
        return S.load(name)
    context.may_return_undefined = True
    marker = context.call("Undefined", S.Constant(value=name, kind=None),
                          line=record.line, name=name, fill=False)
    if name not in defined.possibly:
        return marker
    return fill("locals().get(key, marker)", key=S.Constant(value=name, kind=None),
                marker=marker)[0].value
