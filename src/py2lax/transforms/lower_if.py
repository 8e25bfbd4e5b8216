"""LowerIf: ``if`` statements become branch functions and one ``py2lax.cond`` call.

Before::

    def clip_sign(x):
        if x > 0:
            y = x * 2
        else:
            y = -x
        return y

After::

    def clip_sign(x):
        def if_true_2():
            y = x * 2
            return (y,)
        def if_false_2():
            y = -x
            return (y,)
        y, = py2lax.cond(x > 0, if_true_2, if_false_2, ())
        return y

``py2lax.cond`` runs one branch as Python when the condition is concrete and becomes
``lax.cond`` when it is traced. The branches return the variables they assign that are
used later (live), and take those that must already hold a value on entry. An ``if``
without ``else`` whose false branch would only return what it receives has none:
``py2lax.cond(x > 0, if_true_2, None, (y,))``.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.backends.runtime_calls import emit_if
from py2lax.transforms.carried import finish, in_source_order, new_record

def lower_if(node: S.If, live, defined, context) -> list:
    assigned = context.shared.assigned(node.body + node.orelse)
    inputs = in_source_order(assigned & live.head_live, context)
    # A container or object updated in place (`r["k"] = v`, `self.n += 1`) is returned
    # even if its name is not read again: the caller's aliases must see the update.
    outputs = in_source_order(
        assigned & (live.live_out | (context.updated_roots & live.head_live)), context)
    true_name = context.names.new(f"if_true_{node.lineno}")
    # No `else` and nothing returned that is not received: the false branch would only
    # return its inputs, so there is none.
    functions = (true_name,) if not node.orelse and set(outputs) <= set(inputs) else (
        true_name, context.names.new(f"if_false_{node.lineno}"))
    lowered = new_record(context, "if", node, functions, inputs, outputs, test=node.test)
    generated = emit_if(lowered, node.body, node.orelse, context.runtime)
    return finish(lowered, generated, defined, node, context)
