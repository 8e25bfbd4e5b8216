"""``match`` statements: on static subjects (run as Python), on traced subjects (literal
patterns), names bound in every case, and jumps inside cases.

Issue 13, item 3.
"""

import jax.numpy as jnp
import numpy as np

from case import Case

ISSUE = "source: py2lax issue 13 (match)"


def activation_by_name(x, name):
    match name:
        case "relu":
            y = jnp.maximum(x, 0.0)
        case "tanh":
            y = jnp.tanh(x)
        case _:
            y = x
    return y


def name_bound_in_every_case(x, mode):
    match mode:
        case 0:
            scale = 1.0
        case 1:
            scale = 2.0
        case _:
            scale = -1.0
    if x > 0:
        return x * scale
    return x


def match_on_traced_int(k, x):
    match k:
        case 0:
            y = x
        case 1:
            y = x * 2.0
        case 2:
            y = x * 3.0
        case _:
            y = -x
    return y


def return_inside_case(x, mode):
    match mode:
        case "abs":
            if x < 0:
                return -x
            return x
        case "square":
            return x * x
    return x + 100.0


def match_tuple_pattern(shape_kind, x):
    match shape_kind:
        case ("circle", r):
            area = 3.14159 * r * r
        case ("rect", w, h):
            area = w * h
        case _:
            area = 0.0
    if area > x:
        return area - x
    return x - area


def match_in_loop(x, ops):
    for op in ops:
        match op:
            case "double":
                x = x * 2.0
            case "half":
                x = x * 0.5
            case "neg":
                if x > 0:
                    x = -x
    return x


def break_inside_case(v, mode):
    total = 0.0
    for e in v:
        match mode:
            case "stop_negative":
                if e < 0:
                    break
                total = total + e
            case _:
                total = total + e
    return total


def match_mapping_pattern(x, pairs):
    match dict(pairs):
        case {"kind": "linear", "slope": s}:
            y = x * s
        case {"kind": "const", "value": c}:
            y = x * 0.0 + c
        case _:
            y = x
    if y > 10.0:
        y = 10.0
    return y


CASES = [
    Case(activation_by_name, [(-1.0, "relu"), (0.5, "tanh"), (2.0, "id")], static_argnums=(1,),
         note=ISSUE + "; static subject"),
    Case(name_bound_in_every_case, [(2.0, 0), (2.0, 1), (2.0, 5), (-2.0, 1)], static_argnums=(1,),
         note=ISSUE + "; a name bound in every case is defined after the match"),
    Case(match_on_traced_int, [(0, 1.5), (1, 1.5), (2, 1.5), (7, 1.5)],
         note=ISSUE + "; traced subject with literal patterns"),
    Case(return_inside_case, [(-3.0, "abs"), (3.0, "abs"), (3.0, "square"), (3.0, "other")],
         static_argnums=(1,), note=ISSUE + "; return inside a case, traced if inside"),
    Case(match_tuple_pattern, [(("circle", 1.0), 1.0), (("rect", 2.0, 3.0), 10.0), (("tri",), 1.0)],
         static_argnums=(0,), note=ISSUE + "; sequence patterns on a static subject"),
    Case(match_in_loop, [(3.0, ("double", "neg", "half")), (-3.0, ("neg", "double"))],
         static_argnums=(1,), note=ISSUE + "; match in a static loop, traced if in a case"),
    Case(break_inside_case, [(np.array([1.0, 2.0, -1.0, 4.0], np.float32), "stop_negative"),
                             (np.array([1.0, 2.0, -1.0, 4.0], np.float32), "all")],
         static_argnums=(1,), note=ISSUE + "; break inside a case inside a traced loop"),
    Case(match_mapping_pattern, [(2.0, (("kind", "linear"), ("slope", 3.0))),
                                 (2.0, (("kind", "const"), ("value", 20.0)))],
         static_argnums=(1,), note=ISSUE + "; mapping patterns (static pairs made a dict)"),
]
