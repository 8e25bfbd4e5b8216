"""The fence: refuse, before any rewriting, functions py2lax cannot convert.

Each refusal is an :class:`~py2lax.diagnostics.errors.UnsupportedSyntaxError` at the user's line with
a sentence on what to do instead. Constructs that are only a problem inside a traced
statement (``global`` writes, early exits) are checked by the lowering, which knows
which statements it converts.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.diagnostics.errors import Location, UnsupportedSyntaxError

_REFUSED = {
    S.Yield: ("`yield` makes this a generator", "jit needs a function that returns arrays; "
              "collect the values in a list or compute them with `lax.scan` and return them"),
    S.YieldFrom: ("`yield from` makes this a generator", "return the values instead"),
    S.Await: ("`await` makes this a coroutine", "jit compiles plain functions; call the "
              "compiled function from your async code instead"),
}


def check_function(function: S.AST, filename: str) -> None:
    """Raise ``UnsupportedSyntaxError`` for the first refused construct in ``function``."""
    if isinstance(function, S.AsyncFunctionDef):
        raise UnsupportedSyntaxError(
            f"`async def {function.name}` cannot be compiled by jax.jit",
            location=Location(filename, function.lineno, function.col_offset),
            names=(function.name,),
            rule="jax.jit traces a function once into one program; a coroutine suspends and "
            "resumes, which a program cannot.",
            fix="make it a plain `def`; await its results outside the compiled function.",
        )
    for statement in function.body:
        for node in S.walk_same_scope(statement):
            refused = _REFUSED.get(type(node))
            if refused is not None:
                problem, fix = refused
                raise UnsupportedSyntaxError(
                    f"{problem}, which py2lax cannot convert",
                    location=Location(filename, node.lineno, node.col_offset),
                    rule="jax.jit and lax control flow trace a function once into one program; "
                    "generators and coroutines suspend and resume, which a program cannot.",
                    fix=fix + ".",
                )
