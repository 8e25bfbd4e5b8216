"""The conversion pipeline: one ordered list of passes, read top to bottom.

Every entry point (the decorator, ``to_source``, ``transpile``, the CLI) goes through
:func:`convert_function_tree`; they differ only in what they do with the result.
Each pass rewrites the function in place and returns whether it changed anything; the
analyses a pass needs (liveness, definedness) are computed by that pass on the tree as
it is then, so no pass ever sees stale facts.
"""

from __future__ import annotations

from py2lax.analysis.unshared import objects_held_by_one_name
from py2lax.frontend import syntax as S
from py2lax.analysis.definedness import names_read_unbound
from py2lax.analysis.names import bound_names, parameter_names
from py2lax.frontend.fence import check_function
from py2lax.transforms.context import ConversionContext, NameGenerator
from py2lax.transforms.calls import convert_calls
from py2lax.transforms.caught_division import guard_caught_division
from py2lax.transforms.formatted_values import guard_formatted_values
from py2lax.transforms.raised_values import defer_raised_values
from py2lax.transforms.hoist_walrus import hoist_walrus
from py2lax.transforms.identity_checks import rewrite_identity_checks
from py2lax.transforms.item_assignment import rewrite_item_assignment
from py2lax.transforms.list_reads import rewrite_list_reads
from py2lax.transforms.logical_ops import convert_logical_ops
from py2lax.transforms.loop_options import extract_loop_options
from py2lax.transforms.lower_control_flow import lower_control_flow
from py2lax.transforms.match_to_if import match_to_if
from py2lax.transforms.none_checks import rewrite_none_checks
from py2lax.transforms.normalize_exits import normalize_exits
from py2lax.transforms.print_and_assert import rewrite_print_and_assert
from py2lax.transforms.property_reads import rewrite_property_reads
from py2lax.transforms.implicit_operators import rewrite_implicit_operators
from py2lax.transforms.unbound_reads import guard_unbound_reads
from py2lax.transforms.user_locals import rewrite_locals_calls
from py2lax.transforms.zero_argument_super import spell_out_super


def note_unbound_reads(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Record which names the code reads where they may be unbound (rewrites nothing).
    ``guard_unbound_reads`` leaves its own record when it analysed this very tree and
    changed nothing (one definedness analysis fewer)."""
    if context.read_unbound is None:
        with S.tree_unchanged():
            context.read_unbound = names_read_unbound(function)
    return False


PASSES = [
    # `py2lax.loop_options(...)` opening a loop body -> options attached to that loop.
    extract_loop_options,
    # `x[i] = v`, `x[i] += v`, `ys.append(v)` on local containers -> new values of the variable.
    rewrite_item_assignment,
    # `obj.v` where `v` is a user property -> py2lax.getattr_(obj, "v") (its getter converted).
    rewrite_property_reads,
    # `path[i]` of a list the function made -> py2lax.getitem(path, i) (a traced `i` reads it).
    rewrite_list_reads,
    # `obj[i]`, `a + b`, `a += b` where a user class defines `__getitem__`, `__add__`... ->
    # py2lax.item_/operate_/operate_in_place_ (the user's method converted).
    rewrite_implicit_operators,
    # `a / b` in a `try` that catches ZeroDivisionError -> py2lax.divide (refused if traced).
    guard_caught_division,
    # `print(...)` and `assert ...` -> py2lax.print_/assert_ (jax.debug.print/callback if traced).
    rewrite_print_and_assert,
    # Calls that may reach the user's own functions -> py2lax.converted(f)(...).
    convert_calls,
    # `locals()`/`vars()` -> py2lax.user_locals({...}): the user's variables, not generated ones.
    rewrite_locals_calls,
    # `match` over literal values -> an if/elif chain (a lax.cond chain when traced).
    match_to_if,
    # `:=` in if/while conditions -> an assignment before the test.
    hoist_walrus,
    # `best is None` on a name a traced statement may leave None -> py2lax.is_none(best),
    # and checked reads -> py2lax.present(best) (the runtime carries it as an optional).
    rewrite_none_checks,
    # `t is a`, `t == a`, `t in [a, b]` where a traced `if` may choose `t` ->
    # py2lax.same_object/equal/contains (a traced bool where the choice decides).
    rewrite_identity_checks,
    # A name first bound in a loop, read where it may be unbound -> py2lax.bound(i, i_bound, 'i').
    guard_unbound_reads,
    # (no rewrite) the names read where they may be unbound, while the jumps are still jumps.
    note_unbound_reads,
    # `return`/`break`/`continue` inside if/loops -> flags and guarded blocks, one final return.
    normalize_exits,
    # `and`/`or`/`not`, chained comparisons and ternaries -> py2lax.and_/or_/not_/if_exp.
    convert_logical_ops,
    # `s = f"pos {x}"`, `return str(x)` -> py2lax.formatted(x) (refused at its line if traced).
    guard_formatted_values,
    # `raise ValueError(f"x={x}")` -> raise py2lax.raised(lambda x: ValueError(...), x):
    # built again from the values when the compiled program raises it.
    defer_raised_values,
    # `super()` inside if/loops -> super(__class__, self): it will run in a branch function.
    spell_out_super,
    # `if`/`while`/`for` -> branch/body functions + py2lax.cond/while_loop/fori_loop/for_each.
    lower_control_flow,
]

RUNTIME_NAME = "py2lax"


def new_context(function: S.FunctionDef, filename: str,
                static_names: frozenset[str] = frozenset(),
                reserved: frozenset[str] = frozenset(),
                module_names: frozenset[str] | None = None,
                direct_calls: frozenset[str] = frozenset(),
                user_methods: frozenset[str] = frozenset()) -> ConversionContext:
    """A context whose fresh names avoid every name ``function`` mentions."""
    with S.tree_unchanged():  # reads the function only
        return _new_context(function, filename, static_names, reserved, module_names,
                            direct_calls, user_methods)


def _new_context(function, filename, static_names, reserved, module_names, direct_calls,
                 user_methods) -> ConversionContext:
    names = NameGenerator.for_tree(function, set(reserved))
    # Reading `py2lax` means the package itself; only a local of that name needs another.
    assigned = bound_names(function.body)
    local = assigned | set(parameter_names(function.args))
    runtime = names.new(RUNTIME_NAME) if RUNTIME_NAME in local else RUNTIME_NAME
    names.taken.add(runtime)
    # Static parameters stay static only if the function never reassigns them.
    return ConversionContext(filename=filename, names=names, runtime=runtime,
                             static_names=frozenset(static_names) - assigned,
                             local_names=local, function_name=function.name,
                             module_names=module_names, direct_calls=direct_calls,
                             user_methods=user_methods | methods_defined_in(function),
                             held_by_one_name=objects_held_by_one_name(function))


def methods_defined_in(tree) -> frozenset[str]:
    """The names of the methods the classes defined in ``tree`` (a module or function)
    define."""
    return frozenset(item.name for node in S.walk(tree) if isinstance(node, S.ClassDef)
                     for item in node.body
                     if isinstance(item, (S.FunctionDef, S.AsyncFunctionDef)))


def convert_function_tree(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Run every pass over ``function`` (in place); return whether anything changed.

    What changed is in ``context.records``: a pass that rewrote code without recording
    a lowered statement or a runtime call gets a ``Changed`` record in its name, so the
    records alone say whether the function changed (``Records.changes``)."""
    check_function(function, context.filename)
    records = context.records
    changed = False
    for run_pass in PASSES:
        before = records.count()
        if run_pass(function, context):
            changed = True
            if records.count() == before:
                records.change(0, run_pass.__name__)
    return changed
