"""How ``--standalone`` output spells jax: ``jax.lax.cond``, ``jnp.where``, and its refusals.

The module being rewritten names ``jax`` and ``jax.numpy`` its own way (``import jax``,
``import jax.numpy as jnp``); generated calls use those names, so the output needs no
new import besides ``jax``. A refusal is a located ``UnsupportedSyntaxError`` whose first
line says what is wrong and what to write instead: the command line puts that line above
the function it leaves as Python.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.diagnostics.errors import Location, UnsupportedSyntaxError

RULE = ("--standalone output calls jax only, so what the py2lax runtime decides at trace "
        "time has to be written in the code.")


class Spelling:
    """Builds jax calls with the module's names for ``jax`` and ``jax.numpy``."""

    def __init__(self, jax_name: str, numpy_name: str | None, filename: str, records=None):
        self.jax, self.numpy_name, self.filename = jax_name, numpy_name, filename
        self.records = records   # what the function's rewrite records: each jax call written

    def attribute(self, *path: str, location=None):
        """``jax.<path>``."""
        self._wrote(location, "jax." + ".".join(path), calls_jax=True)
        node = S.load(self.jax)
        for part in path:
            node = S.Attribute(value=node, attr=part, ctx=S.Load())
        return node

    def numpy_module(self, location=None):
        if not self.numpy_name:
            return self.attribute("numpy", location=location)
        self._wrote(location, "jax.numpy")
        return S.load(self.numpy_name)

    def _wrote(self, location, why: str, calls_jax: bool = False) -> None:
        """Record the change (the code now calls jax) at ``location``'s line."""
        if self.records is not None:
            self.records.change(getattr(location, "lineno", None) or 0, why,
                                calls_jax=calls_jax)

    def lax(self, function: str, arguments: list, location):
        """``jax.lax.<function>(*arguments)``, located at ``location``."""
        return call(self.attribute("lax", function, location=location), arguments, location)

    def numpy(self, function: str, arguments: list, location):
        """``jnp.<function>(*arguments)``."""
        owner = self.numpy_module(location)
        for part in function.split("."):
            owner = S.Attribute(value=owner, attr=part, ctx=S.Load())
        return call(owner, arguments, location)

    def debug(self, function: str, arguments: list, location):
        """``jax.debug.<function>(*arguments)``."""
        return call(self.attribute("debug", function, location=location), arguments,
                    location)

    def refuse(self, node, problem: str, fix: str, names=()) -> UnsupportedSyntaxError:
        """The error that leaves the function as Python: located at ``node``, its first
        line saying what to write instead."""
        location = Location(self.filename, getattr(node, "lineno", None) or 1,
                            getattr(node, "col_offset", None) or 0)
        return UnsupportedSyntaxError(f"--standalone: {problem}; instead, {fix}",
                                      location=location, names=tuple(names), rule=RULE,
                                      fix=fix)


def call(function, arguments: list, location, keywords=()):
    node = S.Call(func=function, args=list(arguments), keywords=list(keywords))
    return S.set_location(node, location) if location is not None else node


def method(owner, name: str, arguments: list, location=None):
    """``owner.<name>(*arguments)``."""
    return call(S.Attribute(value=owner, attr=name, ctx=S.Load()), arguments, location)


def tuple_of(names, context=S.Load):
    return S.Tuple(elts=[S.name(n, context()) for n in names], ctx=context())


def constant(value):
    return S.Constant(value=value, kind=None)


def assign(target, value, location):
    """``target = value`` (``target`` a name or a node)."""
    if isinstance(target, str):
        target = S.store(target)
    return S.set_location(S.Assign(targets=[target], value=value, type_comment=None), location)


def lambda_of(parameters: list[str], body):
    arguments = S.arguments(args=[S.param(p) for p in parameters], posonlyargs=[],
                            vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                            defaults=[])
    return S.Lambda(args=arguments, body=body)


def function_def(name: str, parameters: list[str], body: list, location) -> S.FunctionDef:
    """``def name(*parameters): body``, located at ``location``."""
    function = S.FunctionDef(name=name, args=lambda_of(parameters, None).args, body=body,
                             decorator_list=[], returns=None, type_comment=None,
                             type_params=[])
    return S.set_location(function, location)
