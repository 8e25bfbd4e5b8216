"""Segments: the pieces of real code ``program_constructs.py`` mixes into programs.

``SegmentWriter`` writes one segment per call of ``seg_<class>``: it creates what it
updates in the block it is written in, updates it at a *site* (a loop and/or branch,
static or traced), reads it back into ``c`` and records what ``jax.jit`` must do with the
program (``Jit``). The grammar, the rules and the meaning of ``Jit`` are in
``program_constructs.py``'s docstring.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from program_generator import FLOAT_LITERALS, INDENT, ProgramWriter, Scope


class Jit(enum.IntEnum):
    """What ``jax.jit(py2lax.convert(f))`` must do (see the module docstring)."""

    VALUE = 0
    REFUSAL_OK = 1
    ERROR = 2


@dataclass
class Site:
    """Where a segment's update sits: header lines, the body's scope and level."""

    lines: list[str]
    scope: Scope
    level: int
    traced: bool                         # under a traced condition or trip count
    index: str | None = None             # the loop's int index, if any
    static_index: bool = False           # ... and whether it is a Python int under jit
    element: str | None = None           # the loop's float target (``for eN in w``)

    @property
    def target(self) -> str:
        return self.index or self.element


@dataclass
class SegmentWriter(ProgramWriter):
    """The core grammar's writer plus the segments; ``program_constructs.MixedWriter``
    decides where they go."""

    m: int = 0                           # the static argument's value in this program
    jit: Jit = Jit.VALUE                 # the most that jax.jit may do (see Jit)
    refusable: bool = False              # some segment is one a located refusal is fine for
    uses_global: bool = False            # some segment counts into the global HITS

    def expect(self, jit: Jit) -> None:
        self.jit = max(self.jit, jit)
        self.refusable |= jit == Jit.REFUSAL_OK

    # -- pieces -------------------------------------------------------------------
    def static_cond(self, names=("m",)) -> str:
        name = self.choose(list(names))
        form = self.choose(["{} > {}", "{} == {}", "{} % 2 == 0", "{} < {}", "{} >= {}"])
        return form.format(name, self.choose([1, 2, 0, 3]))

    def traced_cond(self, scope: Scope) -> str:
        first = self.choose(["x", "y", "w[1]", "jnp.sum(w) * 0.25", "x + y"])
        second = self.choose([self.choose(FLOAT_LITERALS), self.fexpr(scope, 0)])
        return f"{first} {self.choose(['<', '>', '<=', '>='])} {second}"

    def index(self, site: Site) -> str:
        options = ["0", "1", "3", "n % 4"] + [f"{site.index} % 4"] * bool(site.index)
        return self.choose(options)

    def loop(self, scope: Scope, level: int, *, traced: bool) -> Site:
        """A segment's own ``for`` loop: static range, ``m``, over ``w``, or ``range(n)``."""
        pad = INDENT * level
        kind = self.choose(["static", "m", "each_w"] + ["traced"] * traced)
        if kind == "each_w":
            element = self.fresh("e")
            inner = _quiet(scope.inner(floats=[element]))
            return Site([f"{pad}for {element} in w:"], inner, level + 1, False, element=element)
        index = self.fresh("i")
        bound = {"static": lambda: self.choose(["3", "2", "1", "5"]),
                 "m": lambda: self.choose(["m", "m + 1"]), "traced": lambda: "n"}[kind]()
        inner = _quiet(scope.inner(ints=[index], traced=kind == "traced"))
        return Site([f"{pad}for {index} in range({bound}):"], inner, level + 1,
                    kind == "traced", index, kind != "traced")

    def site(self, scope: Scope, level: int, *, traced: bool = True) -> Site:
        """Where a segment's update sits (``traced=False``: only static sites)."""
        pad = INDENT * level
        kinds = ["loop", "static_if", "none"] + ["traced_if", "loop_traced_if"] * traced
        kind = self.choose(kinds)
        if kind == "none":
            return Site([], scope, level, False)
        if kind == "loop":
            site = self.loop(scope, level, traced=traced)
        elif kind == "static_if":
            site = Site([f"{pad}if {self.static_cond()}:"], _quiet(scope.inner()), level + 1, False)
        elif kind == "traced_if":
            site = Site([f"{pad}if {self.traced_cond(scope)}:"],
                        _quiet(scope.inner(traced=True)), level + 1, True)
        else:
            index = self.fresh("i")
            inner = _quiet(scope.inner(ints=[index], traced=True))
            site = Site([f"{pad}for {index} in range(3):",
                         f"{pad}{INDENT}if {self.traced_cond(inner)}:"],
                        inner, level + 2, True, index, True)
        if site.lines and self.integer(0, 3) == 3 and self.budget > 0:
            site.lines += self.statement(site.scope.copy(), site.level)
        return site

    def array(self, scope: Scope, level: int) -> tuple[list[str], str]:
        """``v`` at the top level of ``f`` (updated in place), else a fresh NumPy copy."""
        if scope.depth == 0 and self.integer(0, 1):
            return [], "v"
        name = self.fresh("u")
        return [f"{INDENT * level}{name} = v.copy()"], name

    # -- segments -----------------------------------------------------------------
    def seg_closures(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        kind = self.choose(["reader", "in_body", "made_in_loop", "lambdas_in_loop", "nonlocal"])
        V = self.choose(["a", "b", "c"])
        if kind == "reader":
            name = self.fresh("rd")
            form = self.choose(["lambda", "def", "lambda_arg"])
            if form == "lambda":
                lines, call = [f"{pad}{name} = lambda: {V} * 0.5"], f"{name}()"
            elif form == "def":
                lines, call = [f"{pad}def {name}():", f"{pad}    return jnp.tanh({V})"], f"{name}()"
            else:
                lines = [f"{pad}{name} = lambda t: t * 0.5 + {V} * 0.25"]
                call = f"{name}({self.choose(['x', 'y', 'a', 'b'])})"
            loop = self.loop(scope, level, traced=True)
            lines += loop.lines + [
                f"{INDENT * loop.level}{V} = jnp.tanh({V} + {self.fexpr(loop.scope)})",
                f"{INDENT * loop.level}c = jnp.tanh(c + {call} * 0.5)"]
            scope.calls.append(call)
            return lines
        if kind == "nonlocal":
            name = self.fresh("bump")
            lines = [f"{pad}def {name}(t):", f"{pad}    nonlocal c",
                     f"{pad}    c = jnp.tanh(c + t)"]
            site = self.site(scope, level)
            self.expect(Jit.REFUSAL_OK if site.traced or scope.depth else Jit.VALUE)
            return lines + site.lines + [f"{INDENT * site.level}{name}({self.fexpr(site.scope)})"]
        if kind == "lambdas_in_loop":
            fns, h = self.fresh("fns"), self.fresh("h")
            loop = self.loop(scope, level, traced=tail)
            self.expect(Jit.ERROR if loop.traced else Jit.VALUE)
            body = INDENT * loop.level
            idx = loop.target
            form = self.choose(["late", "early", "def"])
            appended = {"late": [f"{body}{fns}.append(lambda: {idx} * 0.5 + {V})"],
                        "early": [f"{body}{fns}.append(lambda {idx}={idx}: {idx} * 0.5)"],
                        "def": [f"{body}def {h}():", f"{body}    return {idx} * 0.25 + {V}",
                                f"{body}{fns}.append({h})"]}[form]
            return ([f"{pad}{fns} = []"] + loop.lines + self.maybe_statement(loop) + appended
                    + [f"{pad}for {h} in {fns}:", f"{pad}    c = jnp.tanh(c + {h}())"])
        h = self.fresh("h")
        loop = self.loop(scope, level, traced=kind == "in_body" or tail)
        body = INDENT * loop.level
        if kind == "in_body":
            target = self.choose(["a", "b", "c"])
            return loop.lines + [f"{body}{h} = lambda t: jnp.tanh(t + {loop.target} * 0.5)",
                                 f"{body}{target} = {h}({target})"]
        self.expect(Jit.ERROR if loop.traced else Jit.VALUE)  # a traced trip count picks h
        if self.integer(0, 1):  # `h = None`, then a `def h()` in the loop, called if set
            return ([f"{pad}{h} = None"] + loop.lines
                    + [f"{body}def {h}():", f"{body}    return {loop.target} * 0.5 + {V}"]
                    + self.maybe_statement(loop)
                    + [f"{pad}if {h} is not None:", f"{pad}    c = jnp.tanh(c + {h}())"])
        return ([f"{pad}{h} = lambda: 0.0"] + loop.lines
                + [f"{body}{h} = lambda: {loop.target} * 0.5 + {V}"] + self.maybe_statement(loop)
                + [f"{pad}c = jnp.tanh(c + {h}())"])

    def maybe_statement(self, site: Site) -> list[str]:
        if self.integer(0, 1) and self.budget > 0:
            return self.statement(site.scope.copy(), site.level)
        return []

    def seg_mutation(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        # a global counts Python calls: only where no traced `return` may have left f
        kinds = ["list", "dict", "set", "box"] + ["global"] * (
            scope.depth == 0 and not self.returns_written)
        kind = self.choose(kinds)
        name = self.fresh({"list": "l", "dict": "d", "set": "s", "box": "bx", "global": "h"}[kind])
        init = {"list": f"{name} = [a, b, 0.5, {self.fexpr(scope)}]",
                "dict": f'{name} = {{"p": a, "q": 0.5}}', "set": f"{name} = {{0}}",
                "box": f"{name} = Box(a)", "global": None}[kind]
        lines = [pad + init] if init else []
        always_resizes = kind in ("set", "global")  # a set's items, a counter's value
        site = self.site(scope, level, traced=tail or not always_resizes)
        body, F = INDENT * site.level, self.fexpr(site.scope)
        resize = always_resizes or (kind != "box" and (not site.traced or tail)
                                    and self.integer(0, 1) == 1)
        update = getattr(self, f"update_{kind}")(name, F, body, resize, site)
        self.expect(Jit.ERROR if resize and site.traced else
                    Jit.REFUSAL_OK if site.traced else Jit.VALUE)
        self.uses_global |= kind == "global"
        digest = {"list": f"sum({name}) * 0.25 + len({name}) * 0.125",
                  "dict": f"sum({name}.values()) * 0.25 + len({name}) * 0.125",
                  "set": f"len({name}) * 0.125", "box": f"{name}.value",
                  "global": "HITS * 0.125"}[kind]
        return lines + site.lines + update + [f"{pad}c = jnp.tanh(c + {digest})"]

    def update_list(self, name, F, body, resize, site) -> list[str]:
        if not resize:
            return [body + self.choose([f"{name}[{self.choose([0, 1, 3])}] = {F}",
                                        f"{name}[-1] += jnp.tanh({F}) * 0.5",
                                        f"{name}.reverse()"])]
        kind = self.choose(["append", "insert", "extend", "pop", "pop0", "del", "clear"])
        if kind in ("pop", "pop0", "del"):
            take = {"pop": f"c = jnp.tanh(c + {name}.pop())", "pop0": f"{name}.pop(0)",
                    "del": f"del {name}[0]"}[kind]
            return [f"{body}if len({name}) > 1:", f"{body}{INDENT}{take}"]
        return {"append": [f"{body}{name}.append({F})"],
                "insert": [f"{body}{name}.insert(0, {F})"],
                "extend": [f"{body}{name}.extend([{F}, {self.choose(FLOAT_LITERALS)}])"],
                "clear": [f"{body}{name}.clear()", f"{body}{name}.append({F})"]}[kind]

    def update_dict(self, name, F, body, resize, site) -> list[str]:
        if not resize:
            return [body + self.choose([f'{name}["p"] = {F}', f'{name}["q"] += jnp.tanh({F}) * 0.5',
                                        f"{name}.update(p={F})", f'{name}.update({{"q": {F}}})'])]
        return [body + self.choose([f'{name}["r"] = {F}', f'{name}.setdefault("r", {F})',
                                    f"{name}.update(r={F})", f'{name}.pop("p", None)'])]

    def update_set(self, name, F, body, resize, site) -> list[str]:
        item = self.choose(["1", "2"] + [f"{site.index} % 3"] * site.static_index)
        return [body + self.choose([f"{name}.add({item})", f"{name}.discard(0)"])]

    def update_box(self, name, F, body, resize, site) -> list[str]:
        return [body + self.choose([f"{name}.value = jnp.tanh({name}.value + {F})",
                                    f"{name}.value += jnp.tanh({F}) * 0.5"])]

    def update_global(self, name, F, body, resize, site) -> list[str]:
        return [f"{body}HITS += 1"]

    def seg_helpers(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        if self.integer(0, 3) == 3:  # a list argument: push changes its length
            name = self.fresh("l")
            site = self.site(scope, level, traced=tail)
            self.expect(Jit.ERROR if site.traced else Jit.VALUE)
            return ([f"{pad}{name} = [a]"] + site.lines
                    + [f"{INDENT * site.level}push({name}, {self.fexpr(site.scope)})",
                       f"{pad}c = jnp.tanh(c + sum({name}) * 0.25 + len({name}) * 0.125)"])
        if self.integer(0, 4) == 4:
            return self.helper_in_its_own_loop(scope, level)
        lines, A = self.array(scope, level)
        site = self.site(scope, level)
        body, F, i = INDENT * site.level, self.fexpr(site.scope), self.index(site)
        call = self.choose([f"put({A}, {i}, {F})", f"bump_at({A}, {i}, jnp.tanh({F}) * 0.5)",
                            f"swap_items({A}, {i}, {self.index(site)})", f"scale_all({A}, 0.5)",
                            f"c = jnp.tanh(c + put_and_get({A}, {i}, {F}))"])
        self.expect(Jit.REFUSAL_OK)
        return lines + site.lines + [body + call, f"{pad}c = jnp.tanh(c + jnp.sum({A}) * 0.125)"]

    def helper_in_its_own_loop(self, scope: Scope, level: int) -> list[str]:
        """``for e in u: ... bump_at(u, K, ...)``: NumPy's loop reads each item when it
        gets there, after the helper's earlier writes (never ``v``: no loop iterates it
        while it is updated in place)."""
        pad, name, element = INDENT * level, self.fresh("u"), self.fresh("e")
        inner = _quiet(scope.inner(floats=[element]))
        self.expect(Jit.REFUSAL_OK)
        return [f"{pad}{name} = v.copy()", f"{pad}for {element} in {name}:",
                f"{pad}{INDENT}c = jnp.tanh(c + {element} * 0.25 + {self.fexpr(inner)})",
                f"{pad}{INDENT}bump_at({name}, {self.choose(['0', '1', '3'])}, 0.25)",
                f"{pad}c = jnp.tanh(c + jnp.sum({name}) * 0.125)"]

    def seg_ranges(self, scope: Scope, level: int, tail: bool) -> list[str]:
        """``for i in ticks(n)``: a range a helper made, whose bound may be traced (the
        ``for`` then runs ``fori_loop`` over the bounds the range kept)."""
        pad, index = INDENT * level, self.fresh("i")
        bound = self.choose(["n", "3", "m + 1", "n + 2"])
        inner = _quiet(scope.inner(ints=[index], traced="n" in bound))
        V = self.choose(["a", "b", "c"])
        return [f"{pad}for {index} in {self.choose(['ticks', 'odds'])}({bound}):",
                f"{pad}{INDENT}{V} = jnp.tanh({V} + {index} * 0.25 + {self.fexpr(inner)})",
                f"{pad}c = jnp.tanh(c + {V} * 0.5)"]

    def seg_strings(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        name = self.fresh("s")
        traced = tail and self.integer(0, 1) == 1
        test = self.traced_cond(scope) if traced else self.static_cond()
        kind = self.choose(["branch", "ternary", "loop"])
        if kind == "loop":  # a string that grows in a traced loop has no finite choices
            self.expect(Jit.ERROR if traced else Jit.VALUE)
            bound = "n" if traced else self.choose(["3", "m", "1"])
            index = self.fresh("i")
            return [f'{pad}{name} = ""', f"{pad}for {index} in range({bound}):",
                    f'{pad}{INDENT}{name} = {name} + "ab"',
                    f"{pad}c = jnp.tanh(c + len({name}) * 0.125)"]
        if kind == "ternary":
            lines = [f'{pad}{name} = "hi" if {test} else "lo"']
        else:
            lines = [f'{pad}{name} = "lo"', f"{pad}if {test}:", f'{pad}{INDENT}{name} = "hi"']
            if self.integer(0, 1):
                lines += [f"{pad}else:", f'{pad}{INDENT}{name} = "mid"']
        use = self.choose(["equal", "lookup", "len", "method"])
        # a traced choice between strings converts (runtime/choices), as a dict key too
        # (runtime/chosen_containers: the values the keys select, chosen alike)
        self.expect(Jit.VALUE)
        F = self.fexpr(scope)
        return lines + {
            "equal": [f'{pad}if {name} == "hi":', f"{pad}{INDENT}c = jnp.tanh(c + {F})"],
            "lookup": [f"{pad}c = jnp.tanh(c + SCALES[{name}] * {F})"],
            "len": [f"{pad}c = jnp.tanh(c + len({name}) * 0.125)"],
            "method": [f'{pad}if {name}.startswith("h"):', f"{pad}{INDENT}c = jnp.tanh(c - {F})"],
        }[use]

    def seg_exits(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        kinds = ["with", "try_finally", "try_except"]
        if scope.depth == 0 and self.returns_written == 0:
            kinds.append("raise")
        kind = self.choose(kinds)
        inner = scope.inner()
        if kind == "raise":
            return [f"{pad}if {self.static_cond()}:",
                    f'{pad}{INDENT}raise ValueError("m is {{}}".format(m))']
        if kind == "with":
            manager = self.choose([f'jax.named_scope("{self.fresh("s")}")',
                                   "contextlib.nullcontext()",
                                   "Guard()", f"Guard() as {self.fresh('gd')}"])
            return [f"{pad}with {manager}:"] + self.block(inner, level + 1, may_jump=True)
        lines = [f"{pad}try:"]
        if kind == "try_finally":
            lines += self.block(inner, level + 1, may_jump=True)
            return lines + [f"{pad}finally:"] + self.statement(scope.inner(), level + 1)
        if self.integer(0, 1):
            lines += [f"{pad}{INDENT}if {self.static_cond()}:",
                      f'{pad}{INDENT * 2}raise ValueError("caught")']
        lines += self.block(inner, level + 1, may_jump=True)
        lines += [f"{pad}except ValueError:", f"{pad}{INDENT}c = jnp.tanh(c - 0.5)"]
        if self.integer(0, 1):
            lines += [f"{pad}else:"] + self.statement(scope.inner(), level + 1)
        return lines

    def seg_match(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        kind = self.choose(["m", "index", "n"])
        lines = []
        if kind == "index":
            index = self.fresh("i")
            lines, level = [f"{pad}for {index} in range(3):"], level + 1
            pad, scope, subject = INDENT * level, scope.inner(ints=[index], loop=True), index
        else:
            subject = kind
        traced = kind == "n"
        lines.append(f"{pad}match {subject}:")
        cases = [f"case {self.choose([0, 1, 2])}:",
                 f"case {self.choose(['1 | 2', '0 | 3', '2 | 4'])}:"]
        if self.integer(0, 2):
            cases.append("case _:")
        for case in cases:
            lines.append(f"{pad}{INDENT}{case}")
            lines += self.block(scope.inner(traced=traced), level + 2, may_jump=True)
        return lines

    def seg_methods(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        name = self.fresh("acc")
        make = self.choose(["Acc", "Acc.make"])
        site = self.site(scope, level)
        body, F = INDENT * site.level, self.fexpr(site.scope)
        update = self.choose([f"{name}.add({F})", f"{name}.update({F})",
                              f"c = jnp.tanh(c + {name}.pop())", f"{name} = {name}.copy()"])
        return ([f"{pad}{name} = {make}({self.choose(['0.5', '1.5', '0.25'])})"] + site.lines
                + [body + update, f"{pad}c = jnp.tanh(c + {name}.get() + {name}.count())"])

    def seg_swaps(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        kind = self.choose(["array", "bubble", "list", "names"])
        if kind == "bubble":
            lines, A = self.array(scope, level)
            i = self.fresh("i")
            return lines + [f"{pad}for {i} in range(3):",
                            f"{pad}{INDENT}if {A}[{i}] > {A}[{i} + 1]:",
                            f"{pad}{INDENT * 2}{A}[{i}], {A}[{i} + 1] = {A}[{i} + 1], {A}[{i}]",
                            f"{pad}c = jnp.tanh(c + {A}[0] - {A}[3] * 0.5)"]
        if kind == "names":
            site = self.site(scope, level)
            swap = self.choose(["a, b = b, a", "a, b, c = c, a, b", "b, c = c * 0.5, b"])
            return site.lines + [INDENT * site.level + swap]
        if kind == "list":
            name = self.fresh("l")
            site = self.site(scope, level)
            return ([f"{pad}{name} = [a, b, c]"] + site.lines
                    + [f"{INDENT * site.level}{name}[0], {name}[2] = {name}[2], {name}[0]",
                       f"{pad}c = jnp.tanh({name}[0] * 0.5 + {name}[1] * 0.25 - {name}[2])"])
        lines, A = self.array(scope, level)
        site = self.site(scope, level)
        i, j = self.index(site), self.index(site)
        swap = f"{A}[{i}], {A}[{j}] = {A}[{j}], {A}[{i}]"
        return lines + site.lines + [INDENT * site.level + swap,
                                     f"{pad}c = jnp.tanh(c + {A}[0] - {A}[3] * 0.5)"]

    def seg_masks(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        lines, A = self.array(scope, level)
        site = self.site(scope, level)
        L, F = self.choose(FLOAT_LITERALS), self.fexpr(site.scope)
        update = self.choose([f"{A}[{A} < {L}] += {L}", f"{A}[{A} > {F}] -= 0.5",
                              f"{A}[{A} < 0.0] = {F}", f"{A}[{A} >= {L}] *= 0.5"])
        return lines + site.lines + [INDENT * site.level + update,
                                     f"{pad}c = jnp.tanh(c + jnp.sum({A}) * 0.25)"]

    def seg_walrus(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        r, V = self.fresh("r"), self.choose(["a", "b", "c"])
        L = self.choose(FLOAT_LITERALS)
        form = self.integer(0, 2)
        if form == 2:  # a walrus in a comprehension's `if`, read by its element, in a loop
            loop = self.loop(scope, level, traced=True)
            body = INDENT * loop.level
            return loop.lines + [f"{body}c = jnp.tanh(c + sum([{r} * 0.5 for t in (a, b) "
                                 f"if ({r} := jnp.tanh(t + {self.fexpr(loop.scope)})) > -2.0]))"]
        if form:
            k = self.fresh("k")
            bound = self.choose(["3", "n", "m + 1"])
            inner = _quiet(scope.inner(ints=[k], loop=True, traced=True))
            test = f"({r} := jnp.tanh({V} - {k} * 0.5)) > {L} and {k} < {bound}"
            lines = [f"{pad}{k} = 0", f"{pad}while {test}:",
                     f"{pad}{INDENT}{k} = {k} + 1",
                     f"{pad}{INDENT}{V} = jnp.tanh({V} + {self.fexpr(inner)})"]
            lines += self.maybe_statement(Site([], inner, level + 1, True))
        else:
            test = f"({r} := {self.fexpr(scope)}) > {L}"
            lines = [f"{pad}if {test}:"] + self.block(scope.inner(), level + 1, may_jump=True)
            if self.integer(0, 1):
                lines += [f"{pad}else:"] + self.block(scope.inner(), level + 1, may_jump=True)
        scope.floats.append(r)
        return lines + [f"{pad}c = jnp.tanh(c + {r})"]

    def seg_shared(self, scope: Scope, level: int, tail: bool) -> list[str]:
        """Two values held by a list or dict and by a ``Pair`` whose method rebinds one of
        its attributes (its own ``if`` on the argument may be traced): Python leaves the
        list or dict as it was."""
        pad = INDENT * level
        pair, held = self.fresh("pr"), self.fresh("l")
        holder, read = self.choose([("[a, b]", f"{held}[1]"),
                                    ('{"p": a, "q": b}', f'{held}["q"]')])
        site = self.site(scope, level, traced=False)
        return ([f"{pad}{held} = {holder}", f"{pad}{pair} = Pair(a, b)"]
                + site.lines + [f"{INDENT * site.level}{pair}.shift({self.fexpr(site.scope)})"]
                + [f"{pad}c = jnp.tanh(c + {read} + {pair}.q)"])

    def seg_dataclasses(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        name = self.fresh("st")
        site = self.site(scope, level)
        F = self.fexpr(site.scope)
        update = self.choose([f"{name} = State(jnp.tanh({name}.p + {F}), {name}.q * 0.5)",
                              f"{name} = dataclasses.replace({name}, p=jnp.tanh({F}))",
                              f"{name}.q = jnp.tanh({name}.q + {F})"])
        return ([f"{pad}{name} = State({self.choose(['a', 'b'])}, 0.5)"] + site.lines
                + [INDENT * site.level + update, f"{pad}c = jnp.tanh(c + {name}.p + {name}.q)"])

    def seg_numpy(self, scope: Scope, level: int, tail: bool) -> list[str]:
        pad = INDENT * level
        name = self.fresh("u")
        make = self.choose(["np.zeros(4, np.float32)", "np.full(4, 0.5, np.float32)",
                            "np.ones(4, np.float32)", "np.arange(4, dtype=np.float32) * 0.25"])
        site = self.site(scope, level)
        body = INDENT * site.level
        if site.static_index and not site.traced and self.integer(0, 1):
            update = f"{name}[{site.index} % 4] = {site.index} * 0.5"  # static values only
        else:
            F, i = self.fexpr(site.scope), self.index(site)
            update = self.choose([f"{name}[{i}] = {F}", f"{name}[{i}] += jnp.tanh({F}) * 0.5"])
        return ([f"{pad}{name} = {make}"] + site.lines + [body + update,
                f"{pad}c = jnp.tanh(c + {name}[{self.choose([0, 2])}] + jnp.sum({name}) * 0.125)"])


def _quiet(scope: Scope) -> Scope:
    """A segment body's scope: no ``break``/``continue``/``return`` written in it."""
    scope.loop_depth, scope.jumps = 0, False
    return scope
