"""Lists a loop with a traced ``break`` grows, in plain jax: a buffer and a count.

Python's list has the length the ``break`` decided; jitted, nothing of that shape can
exist. The loop carries the list as a ``_py2lax_GrowingList`` (an output helper, a
pytree): rows with room for every item the loop could append (its static trip count
times what one iteration may append, and their type, from ``jax.eval_shape`` of one
iteration given a ``_py2lax_ListProbe`` that records each ``append``, in both branches
of a traced ``if`` too) and a count of the rows that hold items; ``append`` writes the
row at the count::

    losses = _py2lax_list_room(losses, len(range(0, 50)), loop_body_5, (0,),
                               (x, losses, broke_5), 1, 'prog.py:5', 'losses')
    ...   # the while_loop, as for any loop with `break`
    losses = _py2lax_list_grown(losses)

After the loop the list is a Python list again where the count is known (run on Python
values; a new list: a list another name reaches keeps the loop Python, ``objects``);
where it is traced, ``len``/``sum``/``max``/``min`` of it (rewritten to
``_py2lax_list_read``) and ``v[k]`` read the rows below the count, and anything that
needs the items as a list (``jnp.stack(losses)``) is a TypeError naming the loop and
saying what to write: decided when tracing, as the runtime's ``GrowingBuffer`` does.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.backends.plain_lax.expressions import shadows_builtin
from py2lax.backends.plain_lax.loop_forms import integer
from py2lax.backends.plain_lax.python_form import _user_loop as user_loop
from py2lax.backends.plain_lax.python_form import checked_at
from py2lax.backends.plain_lax.shared_definitions import PREFIX, helper_name
from py2lax.backends.plain_lax.spelling import assign, constant, tuple_of
from py2lax.transforms.records import Range

_READERS = ("len", "sum", "max", "min")


class StoppedGrowth:
    """The lists the loops of one function grow before a traced ``break``."""

    def __init__(self, loops):
        self.loops, self.backend, self.spell = loops, loops.backend, loops.spell
        self._pending: dict[int, tuple] = {}  # id(record) -> (lists, trip count)
        self.names: set[str] = set()  # the lists, for `rewrite_reads`
        self.ends: dict[str, int] = {}  # each list's last line of a loop that grows it
        self.lines: dict[str, int] = {}  # ... and that loop's first line

    def read(self, node) -> bool:
        """``len(hist)`` (``sum``, ``max``, ``min``) of one of the lists, made
        ``_py2lax_list_read(len, hist)`` in place: the length is no Python int, so what
        reads it is no Python ``and``/``if`` either."""
        return bool(rewrite_builtin_reads(self.backend, S.Expr(value=node), self.names))

    def until_break(self, record, body: S.FunctionDef, grown: list, live) -> list:
        """The loop ``record`` with ``break`` that grows the lists ``grown``: the usual
        ``while_loop`` carrying each as a ``_py2lax_GrowingList``, made Python's list
        again after it where its length is known."""
        iteration = record.iteration
        if _appends_text(body, grown) or not isinstance(iteration, Range) and (
                self.loops._may_be_a_list(iteration.iterable)):
            # (strings, or the items of what may be a Python list: Python's loop, as before)
            raise self.spell.refuse(
                record.call, "a list grown with `.append` inside a loop with `break` over "
                "Python items, or of strings, needs the py2lax runtime",
                "append inside a `for` loop without `break`, or return the items from a "
                "`jax.lax.scan` body, or drop --standalone", names=tuple(grown))
        steps = self._steps(record, grown)
        self._pending[id(record)] = (grown, steps)
        written = self.loops._for_written(record, body, [], live)
        self._pending.pop(id(record), None)
        self.names |= set(grown)
        loop = user_loop(record, self.backend)
        end = max([getattr(n, "lineno", 0) or 0 for n in S.walk(body)]
                  + [getattr(loop, "end_lineno", 0) or 0, record.line])
        for name in grown:
            self.ends[name] = max(self.ends.get(name, 0), end)
            self.lines[name] = record.line
        finished = helper_name(self.backend, "list_grown", record.call)
        return written + [assign(name, S.Call(func=S.load(finished), args=[S.load(name)],
                                              keywords=[]), record.call) for name in grown]

    def _steps(self, record, grown: list):
        """The loop's trip count, known when tracing (``len(range(0, 50))``,
        ``len(xs)``); refused where it is not: the rows need a number."""
        iteration, expressions = record.iteration, self.loops.expressions
        if isinstance(iteration, Range):
            bounds = [b for b in (iteration.start, iteration.stop, iteration.step)
                      if b is not None]
            if all(integer(b) is not None or expressions.static(b) for b in bounds):
                return S.Call(func=S.load("len"), args=[S.Call(func=S.load("range"), args=[
                    expressions.value(S.deep_copy(b)) for b in bounds], keywords=[])],
                    keywords=[])
        else:
            _, length = self.loops.forms.items(iteration.iterable, iteration.see_through)
            from py2lax.backends.plain_lax.loops import _known_length
            if _known_length(length):
                return length
            display = length.args[0] if isinstance(length, S.Call) and isinstance(
                length.func, S.Name) and length.func.id == "len" and length.args else None
            if isinstance(display, (S.List, S.Tuple)) and not any(
                    isinstance(e, S.Starred) for e in display.elts):
                return constant(len(display.elts))  # `for rate in [0.9, 0.5]:`
        raise self.spell.refuse(
            record.call, f"the list `{grown[0]}` grows in a loop with `break` whose trip "
            "count is not known when tracing, so lax cannot keep room for its items",
            "make the loop's bounds static (`static_argnames`), or preallocate "
            f"`{grown[0]} = jnp.zeros(N)` and write `{grown[0]} = "
            f"{grown[0]}.at[count].set(v)` with a count you carry", names=tuple(grown))

    def rooms(self, record, body: S.FunctionDef, first: list) -> list:
        """Before the ``while_loop`` (after its body's ``def``): each list the loop
        grows as a ``_py2lax_GrowingList``, typed by ``jax.eval_shape`` of one iteration
        (the arguments ``first`` and the carry, that list a probe)."""
        pending = self._pending.get(id(record))
        if pending is None:
            return []
        grown, steps = pending
        room = helper_name(self.backend, "list_room", record.call)
        where = f"{self.spell.filename}:{record.line}"
        written = []
        for name in grown:
            arguments = [S.load(name), S.deep_copy(steps), S.load(body.name),
                         S.Tuple(elts=[S.deep_copy(a) for a in first], ctx=S.Load()),
                         tuple_of(record.carried), constant(record.carried.index(name)),
                         constant(where), constant(name)]
            written.append(assign(name, S.Call(func=S.load(room), args=arguments,
                                               keywords=[]), record.call))
        return written


def rewrite_reads(backend, function: S.FunctionDef) -> None:
    """``len(losses)`` (``sum``, ``max``, ``min``) of a list a loop with a traced
    ``break`` grew -> ``_py2lax_list_read(len, losses)``: a traced length has no Python
    int, so the builtin cannot read it (the helper calls the builtin for anything else).
    Any other read of the list after the loop but ``losses[k]`` is
    ``_py2lax_list_whole(losses)``, which raises where the length is traced: returned,
    stored or stacked, the list itself would need it."""
    growth = backend.loops.growth
    names = growth.names
    if not names:
        return
    safe = {id(node.value) for node in S.walk(function) if isinstance(node, S.Subscript)
            and isinstance(node.value, S.Name) and integer(node.slice) is not None}
    safe |= rewrite_builtin_reads(backend, function, names)
    _checked_python_tests(backend, function, growth)
    for node in S.walk(function):
        for field, value in S.iter_fields(node):
            values = value if isinstance(value, list) else [value]
            for index, read in enumerate(values):
                if not (isinstance(read, S.Name) and isinstance(read.ctx, S.Load)
                        and read.id in names and id(read) not in safe
                        and (getattr(read, "lineno", 0) or 0) > growth.ends[read.id]):
                    continue
                at = constant(f"{backend.spell.filename}:{read.lineno}")
                whole = S.copy_location(S.Call(func=S.load(helper_name(
                    backend, "list_whole", read)), args=[read, at], keywords=[]), read)
                safe.add(id(read))
                if isinstance(value, list):
                    value[index] = whole
                else:
                    setattr(node, field, whole)


def rewrite_builtin_reads(backend, function, names) -> set[int]:
    """``len(v)`` (``sum``, ``max``, ``min``) of the lists ``names`` in ``function`` ->
    ``_py2lax_list_read(len, v)``; returns the ids of the names read so. Done to a loop's
    body before it is written too: ``len(hist) > 2 and ...`` is no Python bool there."""
    read = set()
    for node in S.walk(function):
        if isinstance(node, S.Call) and isinstance(node.func, S.Name) and (
                node.func.id == PREFIX + "list_read") and len(node.args) == 2:
            read.add(id(node.args[1]))
        if not (isinstance(node, S.Call) and isinstance(node.func, S.Name)
                and node.func.id in _READERS and len(node.args) == 1 and not node.keywords
                and isinstance(node.args[0], S.Name) and node.args[0].id in names
                and not shadows_builtin(backend, node.func.id)):
            continue
        reader = helper_name(backend, "list_read", node)
        node.args = [S.load(node.func.id), node.args[0]]
        node.func = S.load(reader)
        read.add(id(node.args[1]))
    return read


def _checked_python_tests(backend, function, growth) -> None:
    """A Python ``if``/``while``/``assert``/ternary whose test reads one of the lists'
    length (``if len(hist) > 3:``, static to the pipeline, where ``len`` is a Python
    int): run by ``_py2lax_python_test``, whose error, where the length is traced, names
    the user's line and what to write (JAX's names neither)."""
    reads = PREFIX + "list_read"
    for node in S.walk(function):
        if not isinstance(node, (S.If, S.While, S.IfExp, S.Assert)):
            continue
        read = next((n.args[1].id for n in S.walk(node.test) if isinstance(n, S.Call)
                     and isinstance(n.func, S.Name) and n.func.id == reads
                     and isinstance(n.args[1], S.Name)), None)
        if read is None:
            continue
        reason = (f"it reads the length of `{read}`, which the traced `break` of the loop "
                  f"at line {growth.lines.get(read, '?')} decides")
        node.test = checked_at(node.test, node, getattr(node, "lineno", None) or 0, backend,
                               reason)


def _appends_text(body: S.FunctionDef, grown: list) -> bool:
    """The loop appends to one of ``grown`` a string (an f-string, a literal, ``str(...)``
    or ``.format``), which no array holds."""
    for node in S.walk(body):
        if not (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
                and node.func.attr in ("append", "extend")
                and isinstance(node.func.value, S.Name) and node.func.value.id in grown):
            continue
        for part in S.walk(S.Expr(value=S.Tuple(elts=list(node.args), ctx=S.Load()))):
            if isinstance(part, S.JoinedStr) or isinstance(part, S.Constant) and isinstance(
                    part.value, str) or isinstance(part, S.Call) and (
                    isinstance(part.func, S.Name) and part.func.id in ("str", "repr")
                    or isinstance(part.func, S.Attribute) and part.func.attr == "format"):
                return True
    return False
