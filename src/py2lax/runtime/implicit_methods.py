"""The user's methods that Python calls implicitly, converted like the ones the code calls.

A call site in converted code reaches the user's functions through ``py2lax.converted``,
but some methods have no call site: ``C(...)`` runs ``C.__init__`` (and a dataclass's
``__post_init__``) from inside ``type.__call__``; ``obj.v`` and ``obj.v = x`` run a
property's getter and setter. Left unconverted, a traced ``if`` or ``min``/``max`` in them
raised ``TracerBoolConversionError``. These helpers do what Python does at those points,
with the user's methods converted:

* :func:`constructor` -- ``type.__call__`` of a user class: ``cls.__new__``, then the
  converted ``__init__`` if the result is an instance (a generated dataclass ``__init__``
  runs as it is and calls the converted ``__post_init__``);
* :func:`get_attribute` / :func:`set_attribute` -- ``getattr``/``setattr`` that run a user
  property's converted ``fget``/``fset``;
* :func:`get_item` / :func:`set_item` -- ``obj[i]`` / ``obj[i] = v`` that run the user's
  converted ``__getitem__``/``__setitem__`` (special methods are looked up on the type).

Anything else (a metaclass with its own ``__call__``, a class whose ``__getattribute__``
or ``__setattr__`` is its own, library classes) is left to Python.
"""

from __future__ import annotations

import functools
import inspect
import types

from py2lax.transforms.implicit_operators import OPERATOR_METHODS


def constructor(cls: type):
    """A callable that means ``cls`` but runs the user's ``__init__``/``__post_init__``
    converted, or None when there is nothing of the user's to convert.

    Python meaning (``type.__call__``)::

        obj = cls.__new__(cls, *args, **kwargs)
        if isinstance(obj, cls):
            type(obj).__init__(obj, *args, **kwargs)   # must return None
        return obj
    """
    if not isinstance(cls, type) or type(cls).__call__ is not type.__call__:
        return None
    if _user_function(getattr(cls, "__init__", None)) is None and \
            _user_function(getattr(cls, "__post_init__", None)) is None:
        return None

    @functools.wraps(cls, assigned=("__module__", "__name__", "__qualname__", "__doc__"),
                     updated=())
    def construct(*args, **kwargs):
        obj = cls.__new__(cls, *args, **kwargs)
        if isinstance(obj, cls):
            result = _initializer(type(obj), obj)(*args, **kwargs)
            if result is not None:
                raise TypeError(f"__init__() should return None, not '{type(result).__name__}'")
        return obj

    return construct


def _initializer(cls: type, obj):
    """``obj.__init__`` as a bound method, converted if it is the user's; a dataclass's
    generated ``__init__`` runs with the user's ``__post_init__`` converted."""
    from py2lax.api import convert  # the API builds on the runtime, not the other way

    init = _user_function(cls.__init__)
    if init is not None:
        return types.MethodType(convert(init), obj)
    post_init = _user_function(getattr(cls, "__post_init__", None))
    attributes = getattr(obj, "__dict__", None)
    if post_init is None or not isinstance(attributes, dict):
        return functools.partial(cls.__init__, obj)  # nothing of the user's: as it is

    def generated_init(*args, **kwargs):
        # The generated `__init__` calls `self.__post_init__(...)`: an entry in the
        # instance's own `__dict__` is found first (a method is not a data descriptor).
        attributes["__post_init__"] = types.MethodType(convert(post_init), obj)
        try:
            return cls.__init__(obj, *args, **kwargs)
        finally:
            attributes.pop("__post_init__", None)

    return generated_init


def get_attribute(obj, name: str):
    """``getattr(obj, name)``, running a user property's getter converted."""
    fget = _property_part(obj, name, "fget", "__getattribute__")
    if fget is None:
        return getattr(obj, name)
    from py2lax.api import convert

    return convert(fget)(obj)


def set_attribute(obj, name: str, value) -> None:
    """``setattr(obj, name, value)``, running a user property's setter converted."""
    fset = _property_part(obj, name, "fset", "__setattr__")
    if fset is None:
        setattr(obj, name, value)
        return
    from py2lax.api import convert

    convert(fset)(obj, value)


def get_item(obj, index):
    """``obj[index]``, running the user's ``__getitem__`` converted."""
    method = _user_function(getattr(type(obj), "__getitem__", None))
    if method is None:
        return obj[index]
    from py2lax.api import convert

    return convert(method)(obj, index)


def set_item(obj, index, value) -> None:
    """``obj[index] = value``, running the user's ``__setitem__`` converted."""
    method = _user_function(getattr(type(obj), "__setitem__", None))
    if method is None:
        obj[index] = value
        return
    from py2lax.api import convert

    convert(method)(obj, index, value)


def classes_in_scope(function: types.FunctionType) -> list[type]:
    """The classes ``function``'s globals and closure hold: where the methods and
    properties its attribute reads and calls may reach are defined."""
    values = list(function.__globals__.values())
    for cell in function.__closure__ or ():
        try:
            values.append(cell.cell_contents)
        except ValueError:  # an empty cell
            pass
    return [value for value in values if isinstance(value, type)]


def user_properties(function: types.FunctionType) -> frozenset[str]:
    """The names the user's classes that ``function``'s globals and closure hold define as
    properties with a getter or setter of the user's: the attribute reads the decorator
    rewrites into :func:`get_attribute` (``py2lax.getattr_``), so that other reads stay
    plain ``obj.attr``."""
    names = set()
    for value in classes_in_scope(function):
        for name, member in vars(value).items():
            if isinstance(member, property) and (
                    _user_function(member.fget) is not None
                    or _user_function(member.fset) is not None):
                names.add(name)
    return frozenset(names)


def _property_part(obj, name: str, part: str, hook: str):
    """The user's ``fget``/``fset`` Python would call for ``obj.name``, or None."""
    cls = type(obj)
    if getattr(cls, hook) is not getattr(object, hook):
        return None  # the class decides attribute access itself
    try:
        found = inspect.getattr_static(cls, name)
    except AttributeError:
        return None
    if not isinstance(found, property):
        return None
    return _user_function(getattr(found, part))


def _is_function(value) -> bool:
    return isinstance(value, types.FunctionType)


def _user_function(value) -> types.FunctionType | None:
    from py2lax.runtime.calls import is_user_code

    return value if _is_function(value) and is_user_code(value) else None


def unconverted_implicit_method(traceback) -> tuple[str, str] | None:
    """``(why, fix)`` when the innermost frame of the user's code in ``traceback`` is one
    of these methods running unconverted (its code is the original's, not py2lax's), for
    the message of the error a traced value raised there; None otherwise."""
    from py2lax.runtime.calls import is_user_file

    frame = None
    while traceback is not None:
        if is_user_file(traceback.tb_frame.f_code.co_filename):
            frame = traceback.tb_frame
        traceback = traceback.tb_next
    if frame is None or not frame.f_code.co_argcount:
        return None
    code = frame.f_code
    obj = frame.f_locals.get(code.co_varnames[0])
    for klass in type(obj).__mro__:
        for name, member in vars(klass).items():
            found = _role_of(code, name, member)
            if found is not None:
                return _advice(klass.__qualname__, name, found)
    return None


def _role_of(code, name: str, member) -> str | None:
    if isinstance(member, property):
        for part, role in ((member.fget, "getter"), (member.fset, "setter"),
                           (member.fdel, "deleter")):
            if getattr(part, "__code__", None) is code:
                return role
        return None
    if name.startswith("__") and name.endswith("__") and \
            getattr(member, "__code__", None) is code:
        return "special"
    return None


def _advice(owner: str, name: str, role: str) -> tuple[str, str]:
    if role != "special":
        why = (f"it is the {role} of the property `{owner}.{name}`, which Python runs for "
               f"`obj.{name}` itself, with no call that py2lax converts")
        fix = (f"write the {role} as a method and call it (`obj.{name}_value()` / "
               f"`obj.set_{name}(v)`), or compute the value with `jnp.where`/`lax.cond`")
    else:
        caller = f"`{owner.rsplit('.', 1)[-1]}(...)`" if name in ("__init__", "__post_init__",
                                                                  "__new__") else "an operator"
        why = (f"it is `{owner}.{name}`, which Python calls for {caller} itself, with no call "
               f"that py2lax converts")
        fix = ("move the traced logic into a method or function you call explicitly (a "
               "`@classmethod` constructor, for `__init__`), or compute it with "
               "`jnp.where`/`lax.cond`")
    return why, fix


# -- operators: `obj[i]`, `a + b`, `a += b` on the user's objects ---------------------


def item_(obj, index):
    """``obj[index]`` read: the user's ``__getitem__`` converted (Python calls it itself).

    >>> item_([1.0, 2.0], 1)
    2.0
    """
    return get_item(obj, index)


def _user_method(obj, name: str):
    return _user_function(getattr(type(obj), name, None))


def operate_(symbol: str, left, right):
    """``left <symbol> right``, running the user's ``__add__``/``__radd__``... converted:
    Python calls them itself, so a traced ``if`` in one was never converted. Python's
    order: the left operand's method, then (on NotImplemented, or none) the right one's
    reflected method; a reflected method of a subclass of the left type goes first.

    >>> operate_("+", 2.0, 3.0)  # no method of the user's: the plain operator
    5.0
    """
    name, reflected, _ = OPERATOR_METHODS[symbol]
    forward, backward = _user_method(left, name), (
        _user_method(right, reflected) if type(right) is not type(left) else None)
    if forward is None and backward is None:
        return _PLAIN[symbol](left, right)
    from py2lax.api import convert

    first_right = backward is not None and issubclass(type(right), type(left))
    attempts = [(backward, right, left), (forward, left, right)] if first_right else [
        (forward, left, right), (backward, right, left)]
    for method, self_, other in attempts:
        if method is None:
            continue
        result = convert(method)(self_, other)
        if result is not NotImplemented:
            return result
    return _PLAIN[symbol](left, right)  # neither answers: Python's TypeError, or a library's


def operate_in_place_(symbol: str, left, right):
    """``left <symbol>= right``: the user's ``__iadd__``... converted, else as
    :func:`operate_` (Python's fallback when there is no in-place method).

    >>> items = [1.0]
    >>> operate_in_place_("+", items, [2.0]) is items  # a list's own `+=`: in place
    True
    """
    method = _user_method(left, OPERATOR_METHODS[symbol][2])
    if method is not None:
        from py2lax.api import convert

        result = convert(method)(left, right)
        if result is not NotImplemented:
            return result
    elif not any(_user_method(side, m) for side, m in (
            (left, OPERATOR_METHODS[symbol][0]), (right, OPERATOR_METHODS[symbol][1]))):
        return _PLAIN_IN_PLACE[symbol](left, right)
    return operate_(symbol, left, right)


def _plain_operators():
    import operator

    names = {"+": "add", "-": "sub", "*": "mul", "/": "truediv", "//": "floordiv", "%": "mod",
             "**": "pow", "@": "matmul", "&": "and_", "|": "or_", "^": "xor",
             "<<": "lshift", ">>": "rshift"}
    plain = {s: getattr(operator, n) for s, n in names.items()}
    in_place = {s: getattr(operator, "i" + n.rstrip("_")) for s, n in names.items()}
    return plain, in_place


_PLAIN, _PLAIN_IN_PLACE = _plain_operators()
