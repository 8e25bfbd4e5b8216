"""LowerWhile: ``while`` loops become condition and body functions and ``py2lax.while_loop``.

Before::

    def sum_up_to(x):
        s, n = 0.0, 1
        while n < x:
            s = s + n
            n = n + 1
        return s

After::

    def sum_up_to(x):
        s, n = (0.0, 1)
        def loop_cond_3(s, n):
            return n < x
        def loop_body_3(s, n):
            s = s + n
            n = n + 1
            return (s, n)
        s, n = py2lax.while_loop(loop_cond_3, loop_body_3, (s, n))
        return s

The carried tuple holds exactly the variables the loop assigns that are read again: by
the condition, by the next iteration, or after the loop. A ``while ... else`` without
``break`` runs its ``else`` after the loop, so it follows the call.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.backends.runtime_calls import emit_while
from py2lax.transforms.loop_options import LOOP_OPTIONS
from py2lax.transforms.carried import finish, in_source_order, new_record

def lower_while(node: S.While, live, defined, context) -> list:
    carried = in_source_order(context.shared.assigned(node.body) & live.head_live, context)
    cond_name = context.names.new(f"loop_cond_{node.lineno}")
    body_name = context.names.new(f"loop_body_{node.lineno}")
    lowered = new_record(context, "while", node, (cond_name, body_name), carried, carried,
                         test=node.test)
    lowered.options = {k.arg: k.value for k in getattr(node, LOOP_OPTIONS, [])}
    generated = emit_while(lowered, node.body, context.runtime)
    return finish(lowered, generated, defined, node, context) + node.orelse
