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
from py2lax.backends.plain_lax.imported import imported_definitions, imported_objects
from py2lax.backends.plain_lax.module_memo import memo
from py2lax.backends.plain_lax.python_form import _written_parameters, callee
from py2lax.backends.plain_lax.shared_definitions import helper_name
from py2lax.backends.plain_lax.spelling import assign, call, constant


class ObjectCarry:
    """The object side of :class:`~py2lax.backends.plain_lax.emitter.PlainJax`."""

    def __init__(self, backend):
        self.backend = backend
        self.records = backend.records
        self.written: dict[int, tuple[list, list]] = {}  # record id -> (before, after)
        # (record id, name): objects the statement rebinds only (`c = replace(c, ...)`),
        # carried as fresh objects built from their attribute dicts
        self.rebuilt: set[tuple[int, str]] = set()
        # (record id, name): lists and dicts carried as their contents (shared_containers)
        self.containers: set[tuple[int, str]] = set()
        self.fresh: dict[int, set[str]] = {}  # record id -> made_inside(record)

    # -- which objects -------------------------------------------------------------------
    def changed(self, record) -> list[str]:
        """The function's objects (bound only to a call of one of the module's or the
        function's classes) that ``record`` carries or its functions change: an
        attribute assigned, or a method called that changes something."""
        objects = self._objects()
        shared = self.shared_containers(record)
        if not objects:
            return shared
        found = [name for name in record.carried if name in objects]  # lax passes them
        for definition in record.definitions:
            for node in S.walk(definition):
                name = self._changed_object(node, objects)
                if name is not None and name not in found:
                    found.append(name)
        carried = []
        for name in found:
            if self._can_carry(record, name):
                carried.append(name)
            elif self._rebound_only(record, name, objects):
                self.rebuilt.add((id(record), name))
                carried.append(name)
        return carried + [n for n in shared if n not in carried]

    def shared_containers(self, record) -> list[str]:
        """The lists and dicts ``record`` carries and changes in place (``e["k"] = x``,
        ``r.append(x)``) that another name may reach (``e = d``, ``for r in rows:``): lax
        would hand back copies, and the other name would keep the old object. They travel
        as their contents (``_py2lax_contents(d)``), which each function lax calls puts
        back into the object itself first (``_py2lax_refill(d, d_state)``), as objects'
        attribute dicts do: every name reaching the object sees the change."""
        facts, found, through = self.backend.facts, [], False
        handed = []  # `bump(d, "a", x)`, `info.update({...})`: a local container changed by a call
        local = self.backend.context.local_names
        for definition in record.definitions:
            for node in S.walk(definition):
                if isinstance(node, S.Assign) and getattr(self.records.of_call(node.value),
                                                          "helper", None) == "written_through":
                    through = True  # `e = d; e["k"] = x`: both names reach the one dict
                if isinstance(node, S.Expr) and isinstance(node.value, S.Call) and (
                        self.records.of_call(node.value) is None):
                    function = callee(node.value, self.records)
                    written = _written_parameters(function.id, self.backend) if isinstance(
                        function, S.Name) and not node.value.keywords else None
                    if written is not None:
                        handed += [node.value.args[i].id for i in written
                                   if i < len(node.value.args)
                                   and isinstance(node.value.args[i], S.Name)]
                    elif isinstance(function, S.Attribute) and function.attr in (
                            "update", "reverse") and isinstance(function.value, S.Name):
                        handed.append(function.value.id)
        handed = [n for n in dict.fromkeys(handed) if n in local and n not in record.carried
                  and facts.is_container(S.load(n))]
        for name in list(record.carried) + handed:
            if name in record.unbound or not facts.is_container(S.load(name)):
                continue
            changed, aliased = name in handed, False
            rebound = False
            for definition in record.definitions:
                for node in S.walk(definition):
                    if isinstance(node, (S.Nonlocal, S.Global)) and name in node.names:
                        return []
                    if isinstance(node, S.Assign) and any(
                            isinstance(t, S.Name) and t.id == name for t in node.targets):
                        called = self.records.of_call(node.value)
                        helper = getattr(called, "helper", None)
                        if helper == "setitem" and _is_name(
                                called.operands.get("target"), name):
                            changed = True
                            aliased = aliased or "view_of" in called.options
                        elif helper == "written_through":
                            changed = aliased = True
                        elif id(node) not in self.backend.by_call:
                            rebound = True  # not one object
                    elif isinstance(node, (S.AugAssign, S.AnnAssign, S.For, S.NamedExpr)) and any(
                            isinstance(n, S.Name) and n.id == name for n in S.walk(node.target)):
                        rebound = True
            if rebound:
                if name in record.carried:
                    return []
                continue
            if changed and (name in handed or aliased or through
                            or facts.may_be_aliased(name)):
                found.append(name)
        for name in found:
            self.containers.add((id(record), name))
        return found

    def outside_change(self, record) -> str | None:
        """Why ``record`` stays Python: one of its functions calls a method that changes
        an object of the user's class the module binds (``METER = Meter(1.0)``;
        ``METER.step(v)``). lax cannot carry a global: tracing would run the method for
        every branch (or once for every iteration), whatever the condition."""
        outside = self._module_objects()
        for definition in record.definitions:
            for node in S.walk(definition):
                function = callee(node, self.records) if isinstance(node, S.Call) else None
                state = self._changed_module_state(function)
                if state is not None:
                    return state
                if not (isinstance(function, S.Attribute) and isinstance(function.value, S.Name)):
                    continue
                cls = outside.get(function.value.id)
                if (cls is not None and function.value.id not in self.backend.context.local_names
                        and not self._pure_method(cls, function.attr)):
                    return (f"`{function.value.id}.{function.attr}(...)` changes "
                            f"`{function.value.id}`, an object of the module, which lax does not carry")
        return None

    def _changed_module_state(self, function) -> str | None:
        """Why a call of ``function`` changes state lax does not carry: a function of
        the module that rebinds a global (``global calls; calls += 1``) or a class's own
        data (``Meter.reads += 1``), a method of that name that does, or ``.send()`` /
        ``next()`` advancing a generator. Tracing would make the change once, whatever
        the condition (or once for every iteration)."""
        if isinstance(function, S.Attribute) and function.attr in ("send", "throw"):
            return f"`.{function.attr}(...)` advances a generator, which lax does not carry"
        if isinstance(function, S.Name) and function.id == "next":
            return "`next(...)` advances an iterator, which lax does not carry"
        name = (function.id if isinstance(function, S.Name) else function.attr
                if isinstance(function, S.Attribute) else None)
        if name is None or self.backend.module is None:
            return None
        changing = memo(self.backend.module, "state changing functions",
                        lambda: _state_changing_functions(self.backend.module))
        if name in changing:
            return f"`{name}(...)` changes {changing[name]}, which lax does not carry"
        return None

    def called_object(self, node) -> str | None:
        """The object ``node`` calls (``e(x)``, ``c(target - y)``) where the class's
        ``__call__`` may change it (``self.v = x``): lax would trace the call once, so
        the object's change would be made once, with a traced value, for every branch
        or iteration."""
        function = callee(node, self.records) if isinstance(node, S.Call) else None
        if not isinstance(function, S.Name):
            return None
        cls = self._objects().get(function.id)
        if cls is None or self._pure_method(cls, "__call__"):
            return None
        return function.id

    def none_attribute(self, record, names) -> str | None:
        """``e.v`` where ``e`` is one of ``names`` (objects lax would carry through
        ``record``), the statement may change ``v``, and the class gives ``v`` the value
        None (``self.v = None``, ``v: float | None = None``): lax carries arrays, and a
        None that becomes an array changes the carry's structure (the runtime runs such
        a statement as Python)."""
        objects = self._objects()
        for name in names:
            cls = objects.get(name)
            if cls is None or (id(record), name) in self.containers:
                continue
            written = self._written_attributes(record, name)
            for attribute in _none_attributes(cls):
                if written is None or attribute in written:
                    return f"{name}.{attribute}"
        return None

    def _module_objects(self) -> dict[str, S.ClassDef]:
        """The module's names bound to a call of one of its classes (``METER = Meter(1.0)``),
        and those it imports from a module beside it that binds them so (``imported``)."""
        module, classes = self.backend.module, self._classes()
        found = dict(imported_objects(module, self.backend.context.filename))
        for statement in (module.body if module is not None else []):
            if isinstance(statement, S.Assign) and isinstance(statement.value, S.Call):
                function = statement.value.func
                if isinstance(function, S.Name) and function.id in classes:
                    for target in statement.targets:
                        if isinstance(target, S.Name):
                            found[target.id] = classes[function.id]
        return found

    def _written_attributes(self, record, name: str) -> list[str] | None:
        """The attributes of ``name``'s object the statement may change: those it names
        (``p.x = ...``, and ``p.buf[i] = x``, ``p.hist.append(x)``, which change what an
        attribute holds), and those the methods it calls on the object name. None where
        that is not known (the object handed to another function): the whole attribute
        dict is carried."""
        cls = self._objects().get(name)
        found: set[str] = set()
        for definition in record.definitions:
            for node in S.walk(definition):
                called = self.records.of_call(node) if isinstance(node, S.Call) else None
                if called is not None and called.helper == "setattr_" and _is_name(
                        called.operands.get("target"), name):
                    found.add(called.operands["name"])
                elif isinstance(node, S.Attribute) and _is_name(node.value, name):
                    if node.attr == "__dict__":
                        return None  # `s.__dict__["a"] = x`: any attribute
                    found.add(node.attr)  # read too: `p.buf[i] = x` writes into `p.buf`
                elif called is None and isinstance(node, S.Call):
                    function = callee(node, self.records)
                    if isinstance(function, S.Attribute) and _is_name(function.value, name):
                        assigned = None if cls is None else _assigned_by(
                            cls, function.attr, set(), self.records)
                        if assigned is None:
                            return None
                        found |= assigned
                    elif _handed_on(node, name, self.records):
                        return None
        if cls is not None:
            found -= _class_members(cls)
        return sorted(found) or None

    def plain_class(self, value) -> str | None:
        """The name of the class ``value`` (a call) makes when it is the user's class and
        not a pytree lax can carry: no ``NamedTuple`` base, no ``register_...``
        decorator."""
        function = callee(value, self.records) if isinstance(value, S.Call) else None
        if not isinstance(function, S.Name):
            return None
        cls = self._classes().get(function.id)
        return None if cls is None or _pytree_class(cls) else cls.name

    def made_inside(self, record) -> set[str]:
        """Names the statement's own functions bind to a new object of the user's class
        (``acc9 = Acc(1.5)``, ``acc = Acc.make(1.5)``, ``twin = acc.copy()``) or to a
        new list, dict or set (``l3 = [a]``), by their only bindings there, before any
        read of them there: a method changing that object (``acc9.pop()``), or a helper
        given it (``push(l3, x)``), changes nothing the statement does not return."""
        if id(record) in self.fresh:
            return self.fresh[id(record)]
        classes, objects = self._classes(), self._objects()
        found = self.fresh[id(record)] = set()
        for function in record.definitions:
            if not isinstance(function, S.FunctionDef):
                continue
            first_read, fresh, other = {}, {}, set()
            for node in S.walk(function):
                if isinstance(node, S.Name) and not isinstance(node.ctx, (S.Store, S.Param)):
                    # (a lax function's parameter passes the variable on, as it is)
                    place = _place(node)  # a read the pipeline wrote: first of all
                    first_read[node.id] = min(first_read.get(node.id, place), place)
                if (isinstance(node, S.Assign) and len(node.targets) == 1
                        and isinstance(node.targets[0], S.Name)
                        and getattr(node, "lineno", None) is not None
                        and not isinstance(node.value, S.Name)
                        and (isinstance(node.value, _DISPLAYS)
                             or self._class_of(node.value, classes, objects) is not None)):
                    place = _place(node)
                    name = node.targets[0].id
                    fresh[name] = min(fresh.get(name, place), place)
                    continue
                if isinstance(node, S.Assign) and self._passes_on(node):
                    continue
                targets = (node.targets if isinstance(node, S.Assign) else [node.target]
                           if isinstance(node, (S.AugAssign, S.AnnAssign, S.For, S.NamedExpr))
                           else [node.optional_vars] if isinstance(node, S.withitem) else [])
                other |= {n.id for t in targets if t is not None for n in _bound_names(t)}
            found |= {name for name, place in fresh.items()  # (not one lax carries out)
                      if name not in other and name not in record.carried
                      and first_read.get(name, place) >= place}
        return found

    def _passes_on(self, node) -> bool:
        """An assignment that gives its names the objects they held: a lowered
        statement's ``st, = lax.fori_loop(...)``, the runtime's ``st =
        py2lax.setattr_(st, ...)``, a lax function's ``st, = carry`` (made by the
        pipeline, where the user's file has no line)."""
        helper = getattr(self.records.of_call(node.value), "helper", None)
        return (id(node) in self.backend.by_call or helper in ("setattr_", "written_through")
                or getattr(node, "lineno", None) is None)

    def _rebound_only(self, record, name: str, objects) -> bool:
        """The statement gives ``name`` other objects of its class (``c =
        dataclasses.replace(c, ...)``, ``best = Vec(...)``) and changes none in place:
        lax may carry it as a fresh object built from its attributes, since no other
        name sees a change of the object it held. Not a name that enters the statement
        as a placeholder (``return_value`` before a loop that may ``return obj``): it
        holds no object whose class and attributes could be read."""
        if name in record.unbound or name not in record.carried or name in (
                self._placeholders()):
            return False
        for definition in record.definitions:
            for node in S.walk(definition):
                if isinstance(node, (S.Nonlocal, S.Global)) and name in node.names:
                    return False
                if self._changed_object(node, objects) == name or _handed_on(
                        node, name, self.records):
                    return False
        return True

    def _placeholders(self) -> set[str]:
        """The names the function starts with a placeholder (``return_value =
        py2lax.Undefined('return_value', fill=True)``, or a guard's ``locals().get``)."""
        found = set()
        for node in S.walk(self.backend.function):
            marker = self.records.of_call(node) if isinstance(node, S.Call) else None
            if marker is not None and marker.helper == "Undefined" and marker.operands.get(
                    "fill"):
                found.add(marker.operands["name"])
        return found

    def classes(self) -> dict[str, S.ClassDef]:
        """The user's classes the function may name (see ``_classes``)."""
        return self._classes()

    def _classes(self) -> dict[str, S.ClassDef]:
        """The classes the module and the function define, by name, and those the module
        imports from a module of the user's beside it (``from helpers import State``:
        ``imported``), by the name the module gives them."""
        backend, module = self.backend, self.backend.module
        classes = {name: node for name, node in imported_definitions(
            module, backend.context.filename).items() if isinstance(node, S.ClassDef)}
        if module is not None:
            classes.update(memo(module, "classes", lambda: {
                node.name: node for node in S.walk(module) if isinstance(node, S.ClassDef)}))
        classes.update((node.name, node) for node in S.walk(backend.function)
                       if isinstance(node, S.ClassDef))
        return classes

    def _objects(self) -> dict[str, S.ClassDef]:
        backend = self.backend
        classes = self._classes()
        objects = {}
        owner = self._method_owner(classes.values())
        if owner is not None:
            objects[owner[0]] = owner[1]
        changed = True
        while changed:  # `q = p`, `c = replace(c, ...)`: of the class another name holds
            changed = False
            for name, values in backend.facts.bindings.items():
                if name in objects or not values:
                    continue
                own = [callee(v, self.records) for v in values]  # `acc = acc.copy()`
                own = [f for f in own if isinstance(f, S.Attribute) and _is_name(f.value, name)]
                kinds = {self._class_of(v, classes, objects) for v in values
                         if not self._written_through(v) and _source(v) != name
                         and not any(callee(v, self.records) is f for f in own)}
                if len(kinds) == 1 and None not in kinds and all(
                        _returns_own_class(next(iter(kinds)), f.attr) for f in own):
                    objects[name] = next(iter(kinds))
                    changed = True
        return objects

    def _class_of(self, value, classes: dict, objects: dict):
        """The class of the object ``value`` gives: a call of the class, another name of
        one (``q = p``: the same object), or a copy (``dataclasses.replace(c, ...)``,
        ``copy.copy(c)``)."""
        if isinstance(value, S.Name):
            return objects.get(value.id)
        if isinstance(value, S.BinOp):  # `p * 0.5 + Vec(1.0, -1.0)`: the class's operator
            owner = self._class_of(value.left, classes, objects)
            return owner if owner is not None and _returns_own_class(
                owner, _OPERATORS.get(type(value.op))) else None
        if not isinstance(value, S.Call):
            return None
        function = callee(value, self.records)
        if isinstance(function, S.Name) and function.id in classes:
            made = classes[function.id]
            return None if _pytree_class(made) else made  # a NamedTuple: lax carries it
        if isinstance(function, S.Attribute) and isinstance(function.value, S.Name):
            # `Acc.make(1.5)`, `acc.copy()`: a method every return of which makes a new
            # object of its class
            owner = classes.get(function.value.id) if (
                function.value.id not in self.backend.context.local_names) else None
            owner = owner or objects.get(function.value.id)
            if owner is not None and not _pytree_class(owner) and _returns_own_class(
                    owner, function.attr):
                return owner
        name = function.attr if isinstance(function, S.Attribute) else getattr(
            function, "id", None)
        if name in _COPIES and value.args and isinstance(value.args[0], S.Name):
            return objects.get(value.args[0].id)
        return None

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
            if isinstance(target, S.Subscript):  # `vars(s)["a"] = x`
                owner = _attribute_dict_of(target.value)
                if owner in objects:
                    return owner
        function = callee(node, self.records) if isinstance(node, S.Call) else None
        if isinstance(function, S.Attribute) and _attribute_dict_of(function.value) in objects:
            return _attribute_dict_of(function.value)  # `vars(s).update(...)`
        if (isinstance(function, S.Attribute) and isinstance(function.value, S.Name)
                and function.value.id in objects
                and not self._pure_method(objects[function.value.id], function.attr)):
            return function.value.id
        return None

    def _pure_method(self, cls: S.ClassDef, name: str) -> bool:
        methods = [n for n in cls.body if isinstance(n, S.FunctionDef) and n.name == name]
        return len(methods) == 1 and self.backend.expressions.changes_nothing(
            methods[0], making=True)

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
                           for t in node.targets if not _writes_attribute_dict(t)
                           for n in S.walk(t)):
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
            kind = None
            if (id(record), name) in self.rebuilt:
                kind = self.backend.context.names.new(f"{name}_class")
                before.append(assign(kind, call(S.load("type"), [S.load(name)], None),
                                     location))
            if (id(record), name) in self.containers:
                self._through_functions(record, name, state, None, None, container=True)
                before.append(assign(state, self._contents(name, location), location))
                after += self._refilled(name, state, location)
                continue
            written = None if kind is not None else self._written_attributes(record, name)
            self._through_functions(record, name, state, kind, written)
            before.append(assign(state, _attributes(name, written), location))
            after += _loaded(name, state, kind, location)
        self.written[id(record)] = (before, after)

    def around(self, record, written: list) -> list:
        before, after = self.written.pop(id(record), ([], []))
        return before + written + after

    def _contents(self, name: str, location):
        helper = helper_name(self.backend, "contents", location)
        return call(S.load(helper), [S.load(name)], None)

    def _refilled(self, name: str, state: str, location) -> list:
        helper = helper_name(self.backend, "refill", location)
        refill = S.Expr(value=call(S.load(helper), [S.load(name), S.load(state)], None))
        return [S.set_location(refill, location)]

    def _through_functions(self, record, name: str, state: str, kind: str | None,
                           written: list[str] | None, container: bool = False) -> None:
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
            function.body[:0] = (self._refilled(name, state, function) if container
                                 else _loaded(name, state, kind, function))
            final = function.body[-1]
            if function in returning and isinstance(final, S.Return) and isinstance(
                    final.value, S.Tuple):
                _put(final.value.elts, name, self._contents(name, function) if container
                     else _attributes(name, written), position)
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


def _handed_on(node, name: str, records) -> bool:
    """A call given the object ``name`` holds (``bump(c)``), which may change it: only
    copies and Python's readers (``replace(c, ...)``, ``getattr(c, "n")``) leave it as
    it was."""
    if not isinstance(node, S.Call) or not any(
            isinstance(a, S.Name) and a.id == name
            for a in node.args + [k.value for k in node.keywords]):
        return False
    function = callee(node, records)
    if function is None:  # a runtime call: `setattr_`, `written_through` read it as given
        return records.of_call(node) is None
    called = function.attr if isinstance(function, S.Attribute) else getattr(
        function, "id", None)
    return called not in _COPIES | _READERS


_READERS = {"getattr", "hasattr", "isinstance", "type", "vars", "dict", "len", "repr",
            "str", "print", "id"}


_OPERATORS = {S.Add: "__add__", S.Sub: "__sub__", S.Mult: "__mul__",
              S.Div: "__truediv__", S.MatMult: "__matmul__"}


def _returns_own_class(cls: S.ClassDef, method: str | None) -> bool:
    """``cls`` defines ``method`` (``__add__``, a ``copy``, a classmethod ``make``), and
    every ``return`` of it makes a new object of ``cls``: ``return Vec(...)``, ``return
    cls(...)`` in a classmethod, or ``return twin`` of a name the method binds only to
    such a call (``twin = Acc(self.scale)``)."""
    methods = [m for m in cls.body if isinstance(m, S.FunctionDef) and m.name == method]
    if len(methods) != 1:
        return False
    function = methods[0]
    makers = {cls.name}
    if any(isinstance(d, S.Name) and d.id == "classmethod" for d in function.decorator_list):
        makers |= {function.args.args[0].id} if function.args.args else set()
    bindings: dict[str, list] = {}
    for node in S.walk(function):
        targets = (node.targets if isinstance(node, S.Assign) else [node.target] if isinstance(
            node, (S.AugAssign, S.AnnAssign, S.For, S.NamedExpr)) else [])
        for target in targets:  # names only: `twin.total = x` changes, not rebinds
            for name in _bound_names(target):
                bindings.setdefault(name.id, []).append(
                    node.value if isinstance(node, S.Assign) and target is name else None)

    def made(value) -> bool:
        if isinstance(value, S.Name):
            values = bindings.get(value.id, [])
            return (value.id not in makers and len(values) == 1
                    and values[0] is not None and made(values[0]))
        return (isinstance(value, S.Call) and isinstance(value.func, S.Name)
                and value.func.id in makers)

    returns = [n.value for n in S.walk(function) if isinstance(n, S.Return)]
    return bool(returns) and all(made(r) for r in returns)


_DISPLAYS = (S.List, S.Dict, S.Set, S.ListComp, S.DictComp, S.SetComp)


def _place(node) -> tuple[int, int]:
    """Where ``node`` is in the user's file; (0, 0) for one the pipeline made."""
    return (getattr(node, "lineno", None) or 0, getattr(node, "col_offset", None) or 0)


def _bound_names(target) -> list:
    """The names an assignment target binds (``a``, ``a, *b``), not those it only reads
    (``twin`` of ``twin.total = x``)."""
    if isinstance(target, S.Name):
        return [target]
    if isinstance(target, (S.Tuple, S.List)):
        return [n for e in target.elts for n in _bound_names(e)]
    if isinstance(target, S.Starred):
        return _bound_names(target.value)
    return []


def _pytree_class(cls: S.ClassDef) -> bool:
    """A ``NamedTuple`` or a class registered with ``jax.tree_util``: lax carries its
    objects whole (and ``vars`` has none to give)."""
    return any("NamedTuple" in S.unparse(b) or "namedtuple" in S.unparse(b)
               for b in cls.bases) or any("register" in S.unparse(d)
                                          for d in cls.decorator_list)


def _class_members(cls: S.ClassDef) -> set[str]:
    """What the class itself holds: its methods and its plain class attributes
    (``LIMIT = 10``; a dataclass field, ``total: float = 0.0``, is its objects')."""
    found = set()
    for statement in cls.body:
        if isinstance(statement, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            found.add(statement.name)
        elif isinstance(statement, S.Assign):
            found |= {t.id for t in statement.targets if isinstance(t, S.Name)}
    return found


def _attribute_dict_of(node) -> str | None:
    """``s`` of ``vars(s)`` or ``s.__dict__``: a write into it changes ``s``'s attributes."""
    if (isinstance(node, S.Call) and isinstance(node.func, S.Name) and node.func.id == "vars"
            and len(node.args) == 1 and isinstance(node.args[0], S.Name)):
        return node.args[0].id
    if (isinstance(node, S.Attribute) and node.attr == "__dict__"
            and isinstance(node.value, S.Name)):
        return node.value.id
    return None


def _writes_attribute_dict(target) -> bool:
    """``vars(s)["a"]`` as a target: it changes ``s``'s attributes, not the name ``s``."""
    return isinstance(target, S.Subscript) and _attribute_dict_of(target.value) is not None


def _none_attributes(cls: S.ClassDef) -> list[str]:
    """The attributes ``cls`` gives the value None: ``self.v = None`` in a method, ``v =
    None`` or ``v: T = None`` in the class body."""
    found = []
    for statement in cls.body:
        if isinstance(statement, S.Assign) and _is_none(statement.value):
            found += [t.id for t in statement.targets if isinstance(t, S.Name)]
        elif isinstance(statement, S.AnnAssign) and isinstance(statement.target, S.Name) and (
                _is_none(statement.value)):
            found.append(statement.target.id)
        elif isinstance(statement, S.FunctionDef) and statement.args.args:
            owner = statement.args.args[0].id
            for node in S.walk(statement):
                targets = (node.targets if isinstance(node, S.Assign) else [node.target]
                           if isinstance(node, S.AnnAssign) else [])
                if _is_none(getattr(node, "value", None)):
                    found += [t.attr for t in targets if isinstance(t, S.Attribute)
                              and _is_name(t.value, owner)]
    return list(dict.fromkeys(found))


def _is_none(node) -> bool:
    return isinstance(node, S.Constant) and node.value is None


def _is_name(node, name: str) -> bool:
    return isinstance(node, S.Name) and node.id == name


def _assigned_by(cls: S.ClassDef, method: str, seen: set, records) -> set[str] | None:
    """The attributes ``method`` of ``cls`` names on its first parameter, with those of
    the methods it calls on it (``self.heat()``). None where that is not known: a
    class with bases (whose methods may assign more), a method it does not define, one
    handing its object to another function."""
    methods = {m.name: m for m in cls.body if isinstance(m, S.FunctionDef) and m.args.args}
    if cls.bases or method not in methods:
        return None
    if method in seen:
        return set()
    seen.add(method)
    function = methods[method]
    owner = function.args.args[0].id
    found = {n.attr for n in S.walk(function) if isinstance(n, S.Attribute)
             and _is_name(n.value, owner)}  # read too: `self.buf[i] = x` changes `buf`
    for node in S.walk(function):
        if not isinstance(node, S.Call):
            continue
        if isinstance(node.func, S.Attribute) and _is_name(node.func.value, owner):
            inner = _assigned_by(cls, node.func.attr, seen, records)
            if inner is None:
                return None
            found |= inner
        elif _handed_on(node, owner, records):
            return None
    return found


def _source(value) -> str | None:
    """The name ``value`` is (``p``) or copies (``replace(c, ...)``): a binding of a
    name from itself says nothing of its class."""
    if isinstance(value, S.Name):
        return value.id
    if isinstance(value, S.Call) and value.args and isinstance(value.args[0], S.Name):
        return value.args[0].id
    return None


def _loaded(name: str, state: str, kind: str | None, location) -> list:
    """``vars(name).update(state)``: the object takes the attributes lax gives back; with
    ``kind`` (an object the statement only rebinds), a fresh object of that class first
    (``name = object.__new__(kind)``), so the object the name held before is unchanged."""
    made = [] if kind is None else [assign(name, call(S.Attribute(
        value=S.load("object"), attr="__new__", ctx=S.Load()), [S.load(kind)], None),
        location)]
    update = S.Expr(value=call(S.Attribute(value=call(S.load("vars"), [S.load(name)], None),
                                           attr="update", ctx=S.Load()), [S.load(state)],
                               None))
    return made + [S.set_location(update, location)]


_COPIES = {"replace", "copy", "deepcopy", "_replace"}


def _attributes(name: str, written: list[str] | None = None):
    """``dict(vars(name))``: a copy, which the object's later changes do not reach; with
    ``written``, the attributes the statement may change only (``{'x': p.x}``), so an
    attribute lax cannot carry (``self.name = "m"``) stays out of it."""
    if written is not None:
        return S.Dict(keys=[constant(a) for a in written],
                      values=[S.Attribute(value=S.load(name), attr=a, ctx=S.Load())
                              for a in written])
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


def _state_changing_functions(module: S.Module) -> dict[str, str]:
    """The module's functions and methods, by name, that rebind a global or assign a
    class's own data, each with what it changes (``"the global 'calls'"``)."""
    classes = {n.name for n in S.walk(module) if isinstance(n, S.ClassDef)}
    found: dict[str, str] = {}
    for function in S.walk(module):
        if not isinstance(function, (S.FunctionDef, S.AsyncFunctionDef)):
            continue
        declared = {name for n in S.walk(function) if isinstance(n, S.Global)
                    for name in n.names}
        for node in S.walk(function):
            targets = (node.targets if isinstance(node, S.Assign) else [node.target]
                       if isinstance(node, (S.AugAssign, S.AnnAssign)) else [])
            for target in targets:
                if isinstance(target, S.Name) and target.id in declared:
                    found[function.name] = f"the global {target.id!r}"
                elif isinstance(target, S.Attribute) and (
                        (isinstance(target.value, S.Name) and target.value.id in classes)
                        or (isinstance(target.value, S.Call) and isinstance(
                            target.value.func, S.Name) and target.value.func.id == "type")
                        or (isinstance(target.value, S.Attribute)
                            and target.value.attr == "__class__")):
                    found[function.name] = (f"the class data "
                                            f"{S.unparse(target).strip()!r}")
    return found
