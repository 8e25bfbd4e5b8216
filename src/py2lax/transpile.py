"""``transpile``: module text in, module text out. Static: it never imports or runs the code.

Functions decorated with ``autograph_jit`` (any import spelling) or ``jax.jit`` (also
``partial(jax.jit, ...)``) are rewritten; with ``all_functions=True`` every top-level
function and method is. Parameters named in the decorator's ``static_argnames`` /
``static_argnums`` are static. Everything else in the file is reproduced verbatim: each
rewritten definition is spliced into the original text in place of the old one.

``autograph_jit`` decorators become ``jax.jit`` with the same keyword arguments, and the
imports the new code needs (``jax``, ``functools``, ``py2lax``) are added once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from py2lax import syntax as S
from py2lax.pipeline import convert_function_tree, new_context

_AUTOGRAPH = "py2lax.autograph_jit"
_JIT = "jax.jit"
_PARTIAL = "functools.partial"


@dataclass
class _Imports:
    """What each module-level name refers to, e.g. ``{"ajit": "py2lax.autograph_jit"}``."""

    aliases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, module: S.Module) -> "_Imports":
        imports = cls()
        for node in module.body:
            if isinstance(node, S.Import):
                for alias in node.names:
                    imports.aliases[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
            elif isinstance(node, S.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    imports.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        return imports

    def qualified(self, node) -> str | None:
        if isinstance(node, S.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, S.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return None


@dataclass
class _Decorator:
    kind: str            # "autograph" or "jit"
    keywords: list       # the jit keyword arguments (S.keyword nodes)


def _classify(decorator, imports: _Imports) -> _Decorator | None:
    target, keywords = decorator, []
    if isinstance(decorator, S.Call):
        callee = imports.qualified(decorator.func)
        if callee == _PARTIAL and decorator.args:
            target, keywords = decorator.args[0], decorator.keywords
        else:
            target, keywords = decorator.func, decorator.keywords
    name = imports.qualified(target)
    if name in (_AUTOGRAPH, "autograph_jit"):
        return _Decorator("autograph", keywords)
    if name == _JIT:
        return _Decorator("jit", keywords)
    return None


def _static_names(function: S.FunctionDef, keywords) -> frozenset[str]:
    names: set[str] = set()
    positional = [a.id for a in function.args.posonlyargs + function.args.args]
    for keyword in keywords:
        values = _literal(keyword.value)
        values = values if isinstance(values, (tuple, list)) else (values,)
        if keyword.arg == "static_argnames":
            names |= {v for v in values if isinstance(v, str)}
        elif keyword.arg == "static_argnums":
            names |= {positional[v] for v in values
                      if isinstance(v, int) and -len(positional) <= v < len(positional)}
    return frozenset(names)


def _literal(node):
    if isinstance(node, S.Constant):
        return node.value
    if isinstance(node, (S.Tuple, S.List)):
        return tuple(_literal(e) for e in node.elts)
    return None


def _jit_decorator(keywords, location):
    """``@jax.jit`` or ``@functools.partial(jax.jit, **keywords)``."""
    jit = S.Attribute(value=S.load("jax"), attr="jit", ctx=S.Load())
    if not keywords:
        return S.set_location(jit, location)
    partial = S.Attribute(value=S.load("functools"), attr="partial", ctx=S.Load())
    return S.set_location(S.Call(func=partial, args=[jit], keywords=keywords), location)


def _candidates(module: S.Module, all_functions: bool):
    for node in module.body:
        if isinstance(node, S.FunctionDef):
            yield node
        elif isinstance(node, S.ClassDef):
            yield from (n for n in node.body if isinstance(n, S.FunctionDef))
    del all_functions


def transpile(source: str, filename: str = "<string>", *, all_functions: bool = False) -> str:
    """Rewrite the functions of a module's text; return the new text.

    >>> print(transpile('''
    ... import jax
    ... @jax.jit
    ... def f(x):
    ...     while x < 10:
    ...         x = x * 2
    ...     return x
    ... '''))  # doctest: +NORMALIZE_WHITESPACE
    import py2lax
    import jax
    @jax.jit
    def f(x):
        def loop_cond_5(x):
            return x < 10
        def loop_body_5(x):
            x = x * 2
            return (x,)
        x, = py2lax.while_loop(loop_cond_5, loop_body_5, (x,))
        return x
    """
    module = S.parse_module(source)
    imports = _Imports.of(module)
    lines = source.splitlines(keepends=True)
    replacements, needed = [], set()
    for function in _candidates(module, all_functions):
        decorators = [(_classify(d, imports), d) for d in function.decorator_list]
        jit_like = [c for c, _ in decorators if c is not None]
        if not jit_like and not all_functions:
            continue
        new_text, uses = _rewrite(function, decorators, jit_like, filename)
        if new_text is None:
            continue
        needed |= uses
        first = min([d.lineno for d in function.decorator_list] + [function.lineno])
        replacements.append((first, function.end_lineno, function.col_offset, new_text))
    for first, last, column, text in sorted(replacements, reverse=True):
        indented = "".join(" " * column + line if line.strip() else line
                           for line in text.splitlines(keepends=True))
        lines[first - 1:last] = [indented + ("\n" if not indented.endswith("\n") else "")]
    return _add_imports("".join(lines), module, imports, needed)


def _rewrite(function, decorators, jit_like, filename):
    keywords = jit_like[0].keywords if jit_like else []
    tree = S.deep_copy(function)
    tree.decorator_list = []
    context = new_context(tree, filename, _static_names(function, keywords))
    changed = convert_function_tree(tree, context)
    has_autograph = any(c is not None and c.kind == "autograph" for c, _ in decorators)
    if not changed and not has_autograph:
        return None, set()
    uses = {"py2lax"} if changed else set()
    for classified, original in decorators:
        if classified is not None and classified.kind == "autograph":
            tree.decorator_list.append(_jit_decorator(classified.keywords, original))
            uses |= {"jax"} | ({"functools"} if classified.keywords else set())
        else:
            tree.decorator_list.append(original)
    return S.unparse(tree), uses


def _add_imports(text: str, module: S.Module, imports: _Imports, needed: set[str]) -> str:
    missing = [name for name in ("functools", "jax", "py2lax")
               if name in needed and imports.aliases.get(name) != name]
    if not missing:
        return text
    lines = text.splitlines(keepends=True)
    insert_at = 0
    for node in module.body:
        is_docstring = isinstance(node, S.Expr) and isinstance(node.value, S.Constant) and (
            isinstance(node.value.value, str))
        is_future = isinstance(node, S.ImportFrom) and node.module == "__future__"
        if (is_docstring and node is module.body[0]) or is_future:
            insert_at = node.end_lineno
        else:
            break
    added = "".join(f"import {name}\n" for name in missing)
    return "".join(lines[:insert_at]) + added + "".join(lines[insert_at:])
