"""The runtime emitter: a lowering record and the user's statements become the branch or
body functions and the one runtime call the decorator runs.

The lowering (``transforms.lower_if``/``lower_while``/``lower_for``) decides what a
statement takes and carries and how it iterates, as a :class:`Lowered` record; this
module writes the code for it, from templates::

    def if_true_3(y):              def loop_cond_4(s, n):         def loop_body_7(i, y):
        ...                            return n < x                   ...
        return (y,)                def loop_body_4(s, n):             return (y,)
    y, = py2lax.cond(test,             ...                        y, = py2lax.fori_loop(0, n,
        if_true_3, None, (y,))         return (s, n)                  loop_body_7, (y,))
                                   s, n = py2lax.while_loop(
                                       loop_cond_4, loop_body_4, (s, n))

The plain-lax emitter (``backends.plain_lax``) starts from this code and the same
records, and writes ``jax.lax`` calls instead.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.records import Lowered, Range
from py2lax.transforms.templates import fill

IF_TEMPLATE = """
def true_name(inputs):
    body
    return outputs
def false_name(inputs):
    orelse
    return outputs
outputs = runtime.cond(test, true_name, false_name, inputs)
"""

# No `else`, and every variable the `if` returns is one it receives: the false branch
# would return its inputs unchanged, so it is not written (`None`).
IF_ONLY_TEMPLATE = """
def true_name(inputs):
    body
    return outputs
outputs = runtime.cond(test, true_name, None, inputs)
"""

WHILE_TEMPLATE = """
def cond_name(carried):
    return test
def body_name(carried):
    body
    return carried
carried = runtime.while_loop(cond_name, body_name, carried)
"""

RANGE_TEMPLATE = """
def body_name(target, carried):
    body
    return carried
carried = runtime.fori_loop(start, stop, body_name, carried)
"""

EACH_TEMPLATE = """
def body_name(target, carried):
    body
    return carried
carried = runtime.for_each(iterable, body_name, carried)
"""


def emit_if(record: Lowered, body: list, orelse: list, runtime: str) -> list:
    common = dict(true_name=record.functions[0], inputs=list(record.inputs),
                  outputs=list(record.carried), body=body, test=record.test, runtime=runtime)
    if len(record.functions) == 1:
        return fill(IF_ONLY_TEMPLATE, **common)
    return fill(IF_TEMPLATE, false_name=record.functions[1], orelse=orelse, **common)


def emit_while(record: Lowered, body: list, runtime: str) -> list:
    cond_name, body_name = record.functions
    generated = fill(WHILE_TEMPLATE, cond_name=cond_name, body_name=body_name,
                     carried=list(record.carried), test=record.test, body=body, runtime=runtime)
    return _with_options(generated, record)


def emit_for(record: Lowered, body: list, iterable, runtime: str) -> list:
    """``iterable``: the expression the runtime iterates (``py2lax.enumerate(xs)`` when it
    sees through ``enumerate``); a ``Range`` record gives ``fori_loop``'s bounds."""
    common = dict(body_name=record.functions[0], carried=list(record.carried), body=body,
                  target=record.item, runtime=runtime)
    if isinstance(record.iteration, Range):
        generated = fill(RANGE_TEMPLATE, start=record.iteration.start,
                         stop=record.iteration.stop, **common)
    else:
        generated = fill(EACH_TEMPLATE, iterable=iterable, **common)
    return _with_options(generated, record)


def _with_options(generated: list, record: Lowered) -> list:
    """The loop's options (``step=``, ``has_break=``, ``unroll=``, ``max_iterations=``) as
    the call's keywords, in the record's order."""
    generated[-1].value.keywords += [S.keyword(arg=name, value=value)
                                     for name, value in record.options.items()]
    return generated
