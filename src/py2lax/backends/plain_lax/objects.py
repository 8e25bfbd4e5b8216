"""Objects of the user's classes a lowered statement changes, carried through lax as the
dicts of their attributes.

``st.vel = v`` or ``acc.add(v)`` under a traced condition: the runtime watches the
traced functions and carries what they change in an object. lax carries pytrees only,
so an object the statement changes (``st = State(...)``, ``acc = Acc(...)`` in this
function) travels as ``dict(vars(acc))``: each function lax calls loads the dict it is
given into the object first and returns the object's dict, and the statement loads what
lax gives back::

    acc_state = dict(vars(acc))
    def if_true_12(s, acc_state):
        vars(acc).update(acc_state)
        acc.add(s)
        return (s, dict(vars(acc)))
    s, acc_state = jax.lax.cond(x > 0, if_true_12, lambda s, acc_state: (s, acc_state), s, acc_state)
    vars(acc).update(acc_state)

The object stays the one every other name reaches: its attributes change in place, as
in Python. An attribute lax cannot carry (a string, another object) is lax's own type
error; an object the statement rebinds, or a closure shares, stays Python.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.backends.plain_lax.python_form import callee
from py2lax.backends.plain_lax.spelling import assign, call


class ObjectCarry:
    """The object side of :class:`~py2lax.backends.plain_lax.emitter.PlainJax`."""

    def __init__(self, backend):
        self.backend = backend
        self.records = backend.records
        self.written: dict[int, tuple[list, list]] = {}  # record id -> (before, after)

    # -- which objects -------------------------------------------------------------------
    def changed(self, record) -> list[str]:
        """The function's objects (bound only to a call of one of the module's or the
        function's classes) that ``record`` carries or its functions change: an
        attribute assigned, or a method called that changes something."""
        objects = self._objects()
        if not objects:
            return []
        found = [name for name in record.carried if name in objects]  # lax passes them
        for definition in record.definitions:
            for node in S.walk(definition):
                name = self._changed_object(node, objects)
                if name is not None and name not in found:
                    found.append(name)
        return [name for name in found if self._can_carry(record, name)]

    def _objects(self) -> dict[str, S.ClassDef]:
        backend = self.backend
        classes = {node.name: node for tree in (backend.module, backend.function)
                   if tree is not None for node in S.walk(tree)
                   if isinstance(node, S.ClassDef)}
        objects = {}
        for name, values in backend.facts.bindings.items():
            made = [callee(v, self.records) if isinstance(v, S.Call) else None
                    for v in values if not self._written_through(v)]
            kinds = {m.id if isinstance(m, S.Name) else None for m in made}
            if made and len(kinds) == 1 and None not in kinds and next(iter(kinds)) in classes:
                objects[name] = classes[next(iter(kinds))]
        owner = self._method_owner(classes.values())
        if owner is not None:
            objects[owner[0]] = owner[1]
        return self._with_second_names(objects)

    def _with_second_names(self, objects: dict) -> dict:
        """``q = p`` (its only bindings are such names): ``q`` is ``p``'s object, and its
        attribute dict is that object's, updated in place wherever lax gives it back."""
        found = dict(objects)
        changed = True
        while changed:
            changed = False
            for name, values in self.backend.facts.bindings.items():
                if name in found or not values:
                    continue
                kinds = {found.get(v.id) if isinstance(v, S.Name) else None for v in values
                         if not self._written_through(v)}
                if len(kinds) == 1 and None not in kinds:
                    found[name] = next(iter(kinds))
                    changed = True
        return found

    def _method_owner(self, classes) -> tuple[str, S.ClassDef] | None:
        """``("self", the class)`` when the function is a method of one of the classes
        (matched by name and line: the function is a converted copy): its ``self`` is an
        object of that class, whose attributes a lowered statement may change."""
        function = self.backend.function
        parameters = function.args.args
        if not parameters or any(isinstance(d, S.Name) and d.id in ("staticmethod",
                                                                     "classmethod")
                                 for d in function.decorator_list):
            return None
        for cls in classes:
            if any(isinstance(m, S.FunctionDef) and m.name == function.name
                   and m.lineno == function.lineno for m in cls.body):
                return parameters[0].id, cls
        return None

    def _changed_object(self, node, objects) -> str | None:
        if isinstance(node, S.Assign):
            record = self.records.of_call(node.value)
            if record is not None and record.helper == "setattr_":
                target = record.operands["target"]
                return target.id if isinstance(target, S.Name) and target.id in objects else None
        targets = (node.targets if isinstance(node, S.Assign) else [node.target]
                   if isinstance(node, (S.AugAssign, S.AnnAssign)) else [])
        for target in targets:  # `st.vel = v` as a first run wrote it
            if (isinstance(target, S.Attribute) and isinstance(target.value, S.Name)
                    and target.value.id in objects):
                return target.value.id
        function = callee(node, self.records) if isinstance(node, S.Call) else None
        if (isinstance(function, S.Attribute) and isinstance(function.value, S.Name)
                and function.value.id in objects
                and not self._pure_method(objects[function.value.id], function.attr)):
            return function.value.id
        return None

    def _pure_method(self, cls: S.ClassDef, name: str) -> bool:
        methods = [n for n in cls.body if isinstance(n, S.FunctionDef) and n.name == name]
        return len(methods) == 1 and self.backend.expressions.changes_nothing(methods[0])

    def _written_through(self, value) -> bool:
        """``acc = py2lax.written_through(acc)``: the same object (see ``Statements``)."""
        return getattr(self.records.of_call(value), "helper", None) == "written_through"

    def _can_carry(self, record, name: str) -> bool:
        """Nothing in the statement rebinds ``name`` (but the runtime's ``setattr_``,
        which stays an attribute assignment) nor shares it with a closure."""
        if name in record.unbound:
            return False
        for definition in record.definitions:
            for node in S.walk(definition):
                if isinstance(node, (S.Nonlocal, S.Global)) and name in node.names:
                    return False
                if isinstance(node, S.Assign):
                    helper = getattr(self.records.of_call(node.value), "helper", None)
                    if helper == "setattr_" or id(node) in self.backend.by_call or (
                            self._written_through(node.value)):
                        continue
                    if any(isinstance(n, S.Name) and n.id == name
                           for t in node.targets for n in S.walk(t)):
                        return False
                elif isinstance(node, (S.AugAssign, S.AnnAssign, S.For, S.NamedExpr)) and any(
                        isinstance(n, S.Name) and n.id == name
                        for n in S.walk(node.target)):
                    return False
        return True

    # -- the plumbing --------------------------------------------------------------------
    def carry(self, record, names: list[str]) -> None:
        """Pass ``names``' attribute dicts through the statement (see the module's
        docstring); the statements around it are kept for ``around``."""
        if not names:
            return
        before, after = [], []
        location = record.call
        for name in names:
            state = self.backend.context.names.new(f"{name}_state")
            self._through_functions(record, name, state)
            before.append(assign(state, _attributes(name), location))
            after.append(S.set_location(S.Expr(value=call(S.Attribute(
                value=call(S.load("vars"), [S.load(name)], None), attr="update",
                ctx=S.Load()), [S.load(state)], None)), location))
        self.written[id(record)] = (before, after)

    def around(self, record, written: list) -> list:
        before, after = self.written.pop(id(record), ([], []))
        return before + written + after

    def _through_functions(self, record, name: str, state: str) -> None:
        functions = [d for d in record.definitions if isinstance(d, S.FunctionDef)]
        carried = list(record.carried)
        position = carried.index(name) if name in carried else (
            len(carried) - (1 if record.break_flag is not None else 0))
        returning = functions if record.kind == "if" else functions[-1:]
        for function in functions:
            parameters = function.args.args
            names = [p.id for p in parameters]
            if name in names:
                parameters[names.index(name)].id = state
            elif record.kind == "if":
                parameters.append(S.copy_location(S.param(state), function))
            else:  # a loop's functions take (item,) + carried
                leading = len(parameters) - len(carried)
                parameters.insert(leading + position, S.copy_location(S.param(state), function))
            loaded = S.Expr(value=call(S.Attribute(value=call(S.load("vars"), [
                S.load(name)], None), attr="update", ctx=S.Load()), [S.load(state)], None))
            function.body.insert(0, S.set_location(loaded, function))
            final = function.body[-1]
            if function in returning and isinstance(final, S.Return) and isinstance(
                    final.value, S.Tuple):
                _put(final.value.elts, name, _attributes(name), position)
        if record.kind == "if":
            inputs = list(record.inputs)
            record.inputs = tuple(_replaced(inputs, name, state, len(inputs)))
        else:
            record.inputs = tuple(_replaced(list(record.inputs), name, state, position))
        record.carried = tuple(_replaced(carried, name, state, position))
        self._assigned_by_call(record, name, state, position)

    def _assigned_by_call(self, record, name: str, state: str, position: int) -> None:
        statement = record.call
        if isinstance(statement, S.Expr):  # carried nothing: now the state
            statement = S.copy_location(S.Assign(targets=[S.Tuple(elts=[], ctx=S.Store())],
                                                 value=statement.value, type_comment=None),
                                        statement)
            record.call = statement
        target = statement.targets[0]
        if not isinstance(target, S.Tuple):
            target = statement.targets[0] = S.Tuple(elts=[target], ctx=S.Store())
        _put(target.elts, name, S.store(state), position)


def _attributes(name: str):
    """``dict(vars(name))``: a copy, which the object's later changes do not reach."""
    return call(S.load("dict"), [call(S.load("vars"), [S.load(name)], None)], None)


def _put(elements: list, name: str, value, position: int) -> None:
    """``name``'s element replaced by ``value``, or ``value`` put in at ``position``."""
    for index, element in enumerate(elements):
        if isinstance(element, S.Name) and element.id == name:
            elements[index] = value
            return
    elements.insert(position, value)


def _replaced(names: list, name: str, state: str, position: int) -> list:
    if name in names:
        return [state if n == name else n for n in names]
    return names[:position] + [state] + names[position:]
