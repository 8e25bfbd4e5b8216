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

A subject that is not a plain name is evaluated once into a new name. A subject
written as a tuple (``match (mode, flag):``) may be matched by sequences of such
patterns (``case (0, _):``, ``case (1, k) if k > 2:``): each element is compared, or
bound, in turn. A ``match`` with other patterns (sequences of unknown length, mappings,
classes) stays as written: it needs a concrete subject, as in Python.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext, OwnScopeRewriter


def _is_value_pattern(pattern) -> bool:
    if isinstance(pattern, (S.MatchValue, S.MatchSingleton)):
        return True
    if isinstance(pattern, S.MatchOr):
        return all(_is_value_pattern(p) for p in pattern.patterns)
    if isinstance(pattern, S.MatchAs):  # `case _`, `case name`, `case 1 | 2` (no `as`)
        return pattern.pattern is None or (pattern.name is None
                                           and _is_value_pattern(pattern.pattern))
    return False


def _is_element_pattern(pattern) -> bool:
    """A value pattern, or a capture of the element (``k``, ``_``)."""
    return _is_value_pattern(pattern) or (isinstance(pattern, S.MatchAs)
                                          and pattern.pattern is None)


def _is_tuple_pattern(pattern, length: int) -> bool:
    """``case (0, k):`` against a subject written as a tuple of ``length`` elements."""
    return (isinstance(pattern, S.MatchSequence) and len(pattern.patterns) == length
            and all(_is_element_pattern(p) for p in pattern.patterns))


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


def _irrefutable(pattern) -> bool:
    """``case _``, ``case name``, or an ``|`` of them: Python matches anything with it."""
    if isinstance(pattern, S.MatchOr):
        return any(_irrefutable(p) for p in pattern.patterns)
    return isinstance(pattern, S.MatchAs) and (pattern.pattern is None
                                               or _irrefutable(pattern.pattern))


def _constant_match(pattern, element) -> bool | None:
    """Whether a literal ``pattern`` matches a literal ``element`` (None: not both literal)."""
    if (isinstance(pattern, S.MatchValue) and isinstance(pattern.value, S.Constant)
            and isinstance(element, S.Constant)):
        return pattern.value.value == element.value
    return None


class _Rewriter(OwnScopeRewriter):

    def visit_Match(self, node):
        self.generic_visit(node)
        elements = (node.subject.elts if isinstance(node.subject, (S.Tuple, S.List))
                    and not any(isinstance(e, S.Starred) for e in node.subject.elts) else None)
        if all(_is_value_pattern(case.pattern) for case in node.cases):
            return self._value_chain(node)
        if elements is not None and all(
                _is_value_pattern(case.pattern) or _is_tuple_pattern(case.pattern, len(elements))
                for case in node.cases):
            return self._tuple_chain(node, elements)
        if any(case.guard is not None for case in node.cases):
            return self._guards_as_ifs(node)
        return node

    def _guards_as_ifs(self, node) -> list:
        """``case P if g: body`` with other patterns (classes, mappings, sequences):
        Python matches the pattern, and ``g``, which may be traced, becomes an ``if``
        whose ``else`` tries the cases after it, as Python's fall-through does::

            match d:                          match d:
                case {"k": v} if v > 0:           case {"k": v}:
                    s = v                             if v > 0:
                case _:                  ->               s = v
                    s = 0.0                           else:
                                                          match d:
                                                              case _: s = 0.0
                                                  case _:
                                                      match d:
                                                          case _: s = 0.0

        A first ``case _ if g:`` (or ``case name if g:``) always matches: the ``if`` (after
        ``name = d``) is written without the ``match``.
        """
        before, subject = [], node.subject
        if not isinstance(subject, S.Name):
            name = self.context.names.new("subject")
            assign = S.Assign(targets=[S.store(name)], value=subject, type_comment=None)
            before.append(S.set_location(assign, node))
            node.subject = subject = S.load(name)
        index = next(i for i, case in enumerate(node.cases) if case.guard is not None)
        guarded, rest = node.cases[index], node.cases[index + 1:]

        def remaining() -> list:
            if not rest:
                return []
            again = S.Match(subject=S.deep_copy(subject),
                            cases=[S.deep_copy(case) for case in rest])
            return S.visit_statements(self, [S.set_location(again, rest[0].pattern)])

        test = S.If(test=guarded.guard, body=guarded.body, orelse=remaining())
        guarded.body, guarded.guard = [S.set_location(test, guarded.pattern)], None
        cases = node.cases[:index + 1]
        if rest and not _irrefutable(guarded.pattern):
            fallback = S.match_case(pattern=S.MatchAs(pattern=None, name=None), guard=None,
                                    body=remaining())
            cases.append(S.set_location(fallback, rest[0].pattern))
        self.changed = True
        first = cases[0].pattern
        if len(cases) == 1 and isinstance(first, S.MatchAs) and first.pattern is None:
            # `case _ if g:` (or `case name if g:`) first: the match always takes it, and
            # the `if` is all there is, as a second run (a value chain) would write it
            binding = [] if first.name is None else [S.set_location(S.Assign(
                targets=[S.store(first.name)], value=S.deep_copy(subject),
                type_comment=None), first)]
            return before + binding + cases[0].body
        node.cases = cases
        return before + [node]

    def _tuple_chain(self, node, elements) -> list:
        """The ``if`` chain of a ``match`` over a tuple written in place, element by element."""
        before, names = [], []
        for element in elements:
            if isinstance(element, (S.Name, S.Constant)):
                names.append(element)
                continue
            name = self.context.names.new("item")
            assign = S.Assign(targets=[S.store(name)], value=element, type_comment=None)
            before.append(S.set_location(assign, node))
            names.append(S.load(name))

        def element_of(index):
            return lambda: S.deep_copy(names[index])

        def whole():
            return S.Tuple(elts=[S.deep_copy(n) for n in names], ctx=S.Load())

        chain: list = []
        for case in reversed(node.cases):
            pattern, binding, tests = case.pattern, [], []
            if isinstance(pattern, S.MatchSequence):
                known = [_constant_match(part, names[i]) for i, part in enumerate(pattern.patterns)]
                if False in known:
                    continue  # `case (0, 2):` against `(n, 1)`: never matches
                for index, part in enumerate(pattern.patterns):
                    if known[index]:
                        continue  # `1` against the literal `1`: always matches
                    if isinstance(part, S.MatchAs) and part.name is not None:
                        assign = S.Assign(targets=[S.store(part.name)],
                                          value=element_of(index)(), type_comment=None)
                        binding.append(S.set_location(assign, part))
                    test = _test(part, element_of(index))
                    if test is not None:
                        tests.append(test)
            else:
                if isinstance(pattern, S.MatchAs) and pattern.name is not None:
                    assign = S.Assign(targets=[S.store(pattern.name)], value=whole(),
                                      type_comment=None)
                    binding.append(S.set_location(assign, pattern))
                test = _test(pattern, whole)
                if test is not None:
                    tests.append(test)
            chain = self._link(case, binding, tests, chain, pattern)
        self.changed = True
        return before + (chain or [S.set_location(S.Pass(), node)])

    @staticmethod
    def _link(case, binding, tests, chain, pattern) -> list:
        """``case`` in front of the ``chain`` of the cases after it."""
        conditions = tests + ([case.guard] if case.guard is not None else [])
        if not conditions:  # matches always: the cases after it never run
            return binding + list(case.body)
        test = conditions[0] if len(conditions) == 1 else S.BoolOp(op=S.And(),
                                                                   values=conditions)
        branch = S.If(test=test, body=list(case.body), orelse=chain)
        return binding + [S.set_location(branch, pattern)]

    def _value_chain(self, node) -> list:
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
