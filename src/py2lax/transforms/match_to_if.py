"""MatchToIf: a ``match`` over values becomes an ``if``/``elif`` chain.

Python compares the subject with each literal pattern (``==``; ``is`` for ``None``,
``True``, ``False``) until one matches. Written as an ``if`` chain, a traced subject
becomes a chain of ``lax.cond`` and a static one runs as Python, exactly as before.

Before::

    match mode:
        case 0:
            y = x
        case 1 | 2:
            y = 2 * x
        case other if other > 10:
            y = -x
        case _:
            y = x * x

After::

    if mode == 0:
        y = x
    elif mode == 1 or mode == 2:
        y = 2 * x
    else:
        other = mode
        if other > 10:
            y = -x
        else:
            y = x * x

A subject that is not a plain name is evaluated once into a new name. A ``match`` with
other patterns (sequences, mappings, classes) stays as written: it needs a concrete
subject, as in Python.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext


def _is_value_pattern(pattern) -> bool:
    if isinstance(pattern, (S.MatchValue, S.MatchSingleton)):
        return True
    if isinstance(pattern, S.MatchOr):
        return all(_is_value_pattern(p) for p in pattern.patterns)
    if isinstance(pattern, S.MatchAs):  # `case _`, `case name`, `case 1 | 2` (no `as`)
        return pattern.pattern is None or (pattern.name is None
                                           and _is_value_pattern(pattern.pattern))
    return False


def _test(pattern, subject):
    """The condition under which ``pattern`` matches ``subject`` (None: always)."""
    if isinstance(pattern, S.MatchValue):
        return S.Compare(left=subject(), ops=[S.Eq()], comparators=[pattern.value])
    if isinstance(pattern, S.MatchSingleton):
        value = S.Constant(value=pattern.value, kind=None)
        return S.Compare(left=subject(), ops=[S.Is()], comparators=[value])
    if isinstance(pattern, S.MatchOr):
        tests = [_test(p, subject) for p in pattern.patterns]
        return None if None in tests else S.BoolOp(op=S.Or(), values=tests)
    if pattern.pattern is None:  # `case _` or `case name`
        return None
    return _test(pattern.pattern, subject)


class _Rewriter(S.NodeTransformer):
    def __init__(self, context: ConversionContext):
        self.context = context
        self.changed = False

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def visit_Match(self, node):
        self.generic_visit(node)
        if not all(_is_value_pattern(case.pattern) for case in node.cases):
            return node
        before = []
        subject_node = node.subject
        if not isinstance(subject_node, S.Name):
            name = self.context.names.new("subject")
            assign = S.Assign(targets=[S.store(name)], value=subject_node, type_comment=None)
            before.append(S.set_location(assign, node))
            subject_node = S.load(name)
        identifier = subject_node.id

        def subject():
            return S.load(identifier)

        chain: list = []
        for case in reversed(node.cases):
            pattern = case.pattern
            binding = []  # `case name:` binds the subject to name, then tries the guard
            if isinstance(pattern, S.MatchAs) and pattern.name is not None:
                assign = S.Assign(targets=[S.store(pattern.name)], value=subject(),
                                  type_comment=None)
                binding = [S.set_location(assign, pattern)]
            conditions = [t for t in (_test(pattern, subject), case.guard) if t is not None]
            if not conditions:  # matches always: the cases after it never run
                chain = binding + list(case.body)
                continue
            test = conditions[0] if len(conditions) == 1 else S.BoolOp(op=S.And(),
                                                                       values=conditions)
            branch = S.If(test=test, body=list(case.body), orelse=chain)
            chain = binding + [S.set_location(branch, pattern)]
        self.changed = True
        if not chain:
            chain = [S.set_location(S.Pass(), node)]
        return before + chain


def match_to_if(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    rewriter = _Rewriter(context)
    function.body = S.visit_statements(rewriter, function.body)
    return rewriter.changed
