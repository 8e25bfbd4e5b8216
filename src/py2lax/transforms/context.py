"""What every pass of one conversion shares: names, options, and what it produced."""

from __future__ import annotations

from dataclasses import dataclass, field

from py2lax.frontend import syntax as S
from py2lax.diagnostics.statements import NoneReturn, StatementInfo
from py2lax.transforms.records import Records


class NameGenerator:
    """Fresh names that never clash with a name the user's code mentions.

    >>> names = NameGenerator({"if_true_3"})
    >>> names.new("if_true_3"), names.new("if_true_3"), names.new("loop_body_5")
    ('if_true_3_1', 'if_true_3_2', 'loop_body_5')
    """

    def __init__(self, taken: set[str]):
        self.taken = set(taken)

    def new(self, base: str) -> str:
        candidate, counter = base, 0
        while candidate in self.taken:
            counter += 1
            candidate = f"{base}_{counter}"
        self.taken.add(candidate)
        return candidate

    @classmethod
    def for_tree(cls, tree: S.AST, extra: set[str] = frozenset()) -> "NameGenerator":
        taken = set(extra)
        for node in S.walk(tree):
            kind = type(node)
            if kind is S.Name:
                taken.add(node.id)
            elif kind is S.FunctionDef or kind is S.ClassDef:
                taken.add(node.name)
        return cls(taken)


@dataclass
class ConversionContext:
    """Options and shared state for converting one function.

    filename: the user's file, for locations and for compiling.
    runtime: the name the generated code uses for the py2lax runtime (normally ``py2lax``).
    static_names: parameters known to be static (``static_argnames``/``static_argnums``).
    statements: facts about each lowered statement, registered by the loader for errors.
    left_as_python: ``(line, reason)`` for statements kept as Python and why.
    may_return_undefined: an ``Undefined`` marker could reach the function's result.
    local_names: the function's parameters and the names it assigns, computed once before
        the passes (the passes before lowering rewrite statements but bind no new names).
    function_name: the user's function, for messages.
    shared: the variables closures, globals and nonlocals share with the outside
        (``SharedNames``), set by the lowering.
    module_names: the global and closure names that hold modules, when the values are
        known (the decorator); None when they are not (the command line).
    user_methods: names of the methods the user's classes define (the classes the
        function's module can reach, or that its file defines): a call of such a method
        is converted even where the name is also an array method (``stats.mean()``).
    direct_calls: callees the command line converts itself, so a call needs no
        ``py2lax.converted`` (``helper``, or ``self.method`` of the same class).
    unreturned_in_place: parameters the function updates in place (``a[i] = v``) but
        does not return, with the line of the first update; ``updated_in_place`` all the
        parameters it updates in place, returned or not.
    updated_roots: the variables whose items or attributes the function assigns.
    helper_parameters: ``"swap"``/``"self.step"`` -> the callee's parameters and which
        it may update in place (``analysis.in_place.HelperParameters``), for the callees
        known when converting (the decorator's globals and closure, the command line's
        module); the caller writes those arguments back (``transforms.write_back``).
        None: no write-backs (plain jax, which keeps a helper's write as Python's).
    keeping_calls: ``"p.shift"`` where ``p`` is bound only to instances of the module's
        classes whose ``shift`` never writes into an object it is given or its receiver
        holds (``self.q = self.q + t`` only rebinds an attribute): the other holders of
        those objects (``l = [a]``) are not written back after ``p.shift(a)``
        (``analysis.in_place.keeping_calls``).
    inside_try: the statement being lowered is in a ``try`` body with handlers.
    name_order: where each name first appears in the function: carried tuples follow it.
    records: what the passes decided, as data (``py2lax.transforms.records``).
    read_unbound: the names the user's code reads where they may be unbound, found before
        NormalizeExits turns ``break``/``return`` into flags (whose correlation with the
        variables a path-insensitive analysis cannot see); None until then.
    exit_flags: the flags NormalizeExits made (``returned``, ``broke_N``, ``continued_N``):
        carried tuples put them last, after the user's variables, in every statement.
    result_name, none_returns: the variable NormalizeExits keeps the function's result in,
        and the paths that return ``None``, for the runtime's message when a traced
        condition chooses between a value and ``None``.
    optional_names: the names that may be None or a value after a traced statement, whose
        tests NoneChecks rewrote (the runtime carries them as optionals).
    standalone: the command line's ``--standalone`` (plain jax reads the passes' records
        where the values are not known: ``transforms.caught_division``).
    """

    filename: str
    names: NameGenerator
    runtime: str = "py2lax"
    static_names: frozenset[str] = frozenset()
    statements: list[tuple[str, StatementInfo]] = field(default_factory=list)
    left_as_python: list[tuple[int, str]] = field(default_factory=list)
    may_return_undefined: bool = False
    local_names: set[str] = field(default_factory=set)
    function_name: str = ""
    shared: "SharedNames | None" = None
    module_names: frozenset[str] | None = None
    direct_calls: frozenset[str] = frozenset()
    user_methods: frozenset[str] = frozenset()
    user_properties: frozenset[str] = frozenset()   # reads become py2lax.getattr_ (property_reads)
    unreturned_in_place: dict[str, int] = field(default_factory=dict)
    # --standalone: the parameters a helper's `_kept` copy writes, which it returns but
    # whose arrays its caller's own caller holds (``plain_lax.helper_writes``)
    kept_parameters: set[str] = field(default_factory=set)
    updated_in_place: dict[str, int] = field(default_factory=dict)
    updated_roots: set[str] = field(default_factory=set)
    helper_parameters: dict | None = None
    keeping_calls: frozenset[str] = frozenset()  # see the class docstring
    held_by_one_name: frozenset[str] = frozenset()  # analysis.unshared.objects_held_by_one_name
    inside_try: bool = False
    managers: tuple[str, ...] = ()  # variables holding the `with` managers around it
    name_order: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    records: Records = field(default_factory=Records)
    read_unbound: frozenset[str] | None = None
    result_name: str | None = None
    exit_flags: frozenset[str] = frozenset()
    none_returns: list[NoneReturn] = field(default_factory=list)
    standalone: bool = False
    # --standalone: names a first run's Python loop over values known when tracing gives
    # Python values (its `loop_iteration_5`'s item, and `i, d = item_5` of it)
    python_items: frozenset[str] = frozenset()
    optional_names: frozenset[str] = frozenset()  # transforms.none_checks
    every_none_test: bool = False  # rewrite every `x is None` (api.convert_for_optionals)
    tests_none: bool = False  # some `x is None` test was left as written

    def call(self, helper: str, *arguments, keywords=(), line: int | None = None,
             written_by_user: bool = True, **operands) -> S.Call:
        """``py2lax.<helper>(*arguments)``, recorded with its ``operands`` (the user's parts
        by role) and ``keywords`` so that other emitters read the decision instead of
        the call. ``written_by_user``: False for a call of py2lax's own flags."""
        function = S.Attribute(value=S.load(self.runtime), attr=helper, ctx=S.Load())
        node = S.Call(func=function, args=list(arguments),
                      keywords=[S.keyword(arg=k, value=v) for k, v in keywords])
        first = next((a for a in arguments if getattr(a, "lineno", None)), None)
        self.records.rewrote(helper, node, line or getattr(first, "lineno", 0),
                             written_by_user=written_by_user, **operands)
        return node


class OwnScopeRewriter(S.NodeTransformer):
    """Rewrites one function's own code. Nested functions, classes and lambdas are
    converted on their own (when called), so they are left as they are. ``changed``:
    whether anything was rewritten."""

    def __init__(self, context: ConversionContext):
        self.context = context
        self.changed = False

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef
