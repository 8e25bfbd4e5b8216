"""Corpus programs that fail today: case id -> (outcome, the first finding).

Outcomes: "wrong" (a silent wrong answer: value, structure, side effect, or no exception
where Python raises), "raw" (an internal error or an unlocated JAX error), "located" (a
located ConversionError where the program can work, e.g. refused at decoration time).
Each entry makes its test in tests/test_corpus.py an xfail(strict=True): when a fix makes
the program pass, the test reports XPASS and the entry is removed.
``python tests/corpus/harness.py`` lists the entries that now pass and failures missing here;
``--known`` prints a fresh table. Findings are "<run>: <outcome> (inputs N): <message>",
run being "convert" (the converted function on plain Python values) or "jit".
"""

# fmt: off
KNOWN_FAILURES = {
    # Plain jax.jit cannot return 10**12 either: JAX converts the Python int to int32 when
    # the compiled function returns, after py2lax has given the result back.
    "carries.python_int_overflowing_int32": ("raw", "jit: raw (inputs 1): raises OverflowError: Python int 1000000000000 too large to convert to int32"),
    # JAX clamps an index past the end where NumPy raises IndexError; eager jax.numpy and
    # plain jax.jit give 7.0 too, without py2lax.
    "exits_in_blocks.suppress_in_loop": ("wrong", "jit: wrong (inputs 0): result: array(7., dtype=float32) where Python gives array(3., dtype=float32)"),
    # NumPy arrays read with a traced index: refused at the user's line (issue 13.9 allows
    # a located error naming the array); they would have to become jax arrays everywhere.
    "graphs_grids.dfs_reachable_count": ("located", "jit: located (inputs 0): raises TracedValueError: graphs_grids.py:53: `seen[u]` indexes 'seen' with a traced index, but 'seen' is a NumPy array, which"),
    "numpy_arrays.arange_indexed_by_traced": ("located", "jit: located (inputs 0): raises TracedValueError: numpy_arrays.py:36: `table[k]` indexes 'table' with a traced index, but 'table' is a NumPy array, wh"),
    # A user generator over range(traced n): JAX's TracerIntegerConversionError, unlocated.
    "ported_autograph.generator_consumed_in_loop": ("raw", "jit: raw (inputs 0): raises TracerIntegerConversionError: The __index__() method was called on traced array with shape int32[]"),
    # `x > 0 and lst.pop() > 0` with a traced x: the pop, which Python makes only when x > 0,
    # changes the list's length in one branch only: refused at the user's line.
    "ported_catalyst.and_pops_argument_list": ("located", "jit: located (inputs 0): raises OuterWriteError: ported_catalyst.py:621: list 'lst' is changed in a branch of this traced `if`, in a way a compiled program cannot carry (its length chan"),
    # Field programs (field_numerics.py, field_issues.py), wrong answers first.
    # Writes through a NumPy view (a row from `for p in arr`, `row = g[i]`, a slice
    # `left = u[:, 0]`): refused at the user's line when the part is a JAX array (located).
    # Through a second name of one array (`total = acc; acc += x`, `lo = hi = np.zeros(2)`,
    # `p = self.pos; p += v`, a row taken from `self.grid` in a method): NumPy's `+=` changes
    # the shared array, JAX's makes a new one, as under plain jax.jit (wrong).
    "field_issues.particle_rows_in_place": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1047: this assignment writes into an array taken from 'state' (a row or slice of it), which is a JAX array here"),
    "field_issues.positions_iadd_rows": ("wrong", "jit: wrong (inputs 0): result: array([[0.5, 1. ], [0.9, 1. ]], dtype=float32) where Python gives array([[1.5, 2. ], [2.9, 3. ]], dtype=float32)"),
    "field_issues.row_view_static_write": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1064: this assignment writes into an array taken from 'g' (a row or slice of it), which is a JAX array here"),
    "field_issues.row_view_traced_write": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1073: this assignment writes into an array taken from 'g' (a row or slice of it), which is a JAX array here"),
    "field_issues.ghost_cells_slice_view": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1080: this assignment writes into an array taken from 'u' (a row or slice of it), which is a JAX array here"),
    "field_issues.accumulator_alias_iadd": ("wrong", "jit: wrong (inputs 0): result: array([0., 0.], dtype=float32) where Python gives array([1.5, 2.5], dtype=float32)"),
    "field_issues.attribute_alias_iadd": ("wrong", "jit: wrong (inputs 0): result: array([0., 1.], dtype=float32) where Python gives array([1.5, 2.5], dtype=float32)"),
    "field_issues.list_of_arrays_loop_var": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1114: this assignment writes into an array taken from 'fields' (a row or slice of it), which is a JAX array here"),
    "field_issues.method_writes_through_row": ("wrong", "jit: wrong (inputs 0): result: array([[0., 0.], [0., 0.]], dtype=float32) where Python gives array([[1.5, 1.5], [0. , 0. ]], dtype=float32)"),
    "field_issues.chained_assignment_buffers": ("wrong", "jit: wrong (inputs 0): result: array([0., 0.], dtype=float32) where Python gives array([2., 0.], dtype=float32)"),
    "field_issues.previous_state_alias": ("wrong", "jit: wrong (inputs 0): result: array([3., 1.], dtype=float32) where Python gives array([2.25, 1. ], dtype=float32)"),
    # A stateful Python call (random.Random, next() on an iterator) in a loop whose traced
    # `if`/`break` decides whether the next iteration draws: refused at the user's line.
    "field_issues.random_walk_stdlib_random": ("located", "jit: located (inputs 0): raises OuterWriteError: field_issues.py:1410: Random object 'rnd' is changed inside this traced `for` loop, in a way a compiled program cannot carry (it advance"),
    "field_issues.lr_schedule_iterator": ("located", "jit: located (inputs 0): raises OuterWriteError: field_issues.py:1419: list_iterator object 'lrs' is changed inside this traced `for` loop, in a way a compiled program cannot carry (it "),
    # A class attribute (Tally.total, state that outlives the call) updated under a traced
    # `if`: refused at the user's line, as a module-level instance or a global is.
    "field_issues.class_attribute_counter": ("located", "jit: located (inputs 0): raises OuterWriteError: field_issues.py:1436: 'Tally.total' is assigned inside this traced `if`, but it belongs to an object that outlives the call, so it would"),
    # JAX behaviour, not py2lax: Array.sort() returns a copy, plain jax.jit leaves v unsorted too.
    "field_issues.sort_in_place_method": ("wrong", "jit: wrong (inputs 0): leaf 0: array(3., dtype=float32) where Python gives array(1., dtype=float32)"),
    # math.isclose(...) and x.item() on traced values: refused at the user's line with the fix
    # (jnp.isclose, the array itself); the program could be written with jnp.
    "field_issues.isclose_newton": ("located", "jit: located (inputs 0): raises TracedValueError: `math.isclose(...)` needs a concrete Python value"),
    "field_issues.item_threshold": ("located", "jit: located (inputs 0): raises TracedValueError: `m.item()` needs a concrete Python value"),
    # list.index(max(scores)) on traced values: raw, not located.
    "field_issues.list_index_of_max": ("raw", "jit: raw (inputs 0): raises TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[]."),
    # NumPy in-place methods with a traced value (out.fill(x), np.minimum(..., out=best)): raw.
    "field_issues.fill_in_traced_branch": ("raw", "jit: raw (inputs 0): raises ValueError: setting an array element with a sequence."),
    "field_issues.ufunc_out_running_min": ("raw", "jit: raw (inputs 0): raises NotImplementedError: out argument of <jnp.ufunc 'minimum'>"),
    # jax.grad of a helper whose static range loop has a traced break: lowered to a while_loop,
    # so reverse mode is refused even by convert() on plain values (the original runs eagerly).
    "field_issues.grad_through_solver": ("located", "convert: located (inputs 0): raises ConversionError: field_issues.py:486: jax.grad (reverse mode) cannot differentiate through this `for` loop: its nu"),
    "field_issues.grad_fixed_point": ("located", "convert: located (inputs 0): raises ConversionError: field_issues.py:500: jax.grad (reverse mode) cannot differentiate through this `for` loop: its nu"),
    # A variable set before `break` and in the for's `else:` is refused as one-branch-only.
    "field_issues.for_else_not_found": ("located", "jit: located (inputs 0): raises UndefinedVariableError: field_issues.py:47: variable 'pos' is assigned only in the true branch of this `if`, whose con"),
    # Documented refusals (sharp-bits.md) of programs that could work: int() of a traced value,
    # a filtered generator consumed by sum(), a variable first assigned in a traced loop, a
    # helper assigning into its array parameter.
    "field_issues.int_truncation": ("located", "jit: located (inputs 0): raises TracedValueError: field_issues.py:290: `int(x)` needs a concrete Python value, but 'x' is traced here"),
    "field_issues.float_to_int_index": ("located", "jit: located (inputs 0): raises TracedValueError: field_issues.py:394: `int(x * (len(v) - 1))` needs a concrete Python value, but 'x', 'v' is traced h"),
    "field_issues.sum_generator_filter": ("located", "jit: located (inputs 0): raises ValueDependentShapeError: field_issues.py:269: `(x for x in v if x > 0)` keeps the items for which a traced condition "),
    "field_issues.count_filter_generator": ("located", "jit: located (inputs 0): raises ValueDependentShapeError: field_issues.py:273: `(1 for x in v if x > 0)` keeps the items for which a traced condition "),
    "field_numerics.kmeans_assign_update": ("located", "jit: located (inputs 0): raises UndefinedVariableError: field_numerics.py:800: variable 'labels' is first assigned inside this traced `for` loop and u"),
    "field_issues.heat_with_bc_helper": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1135: helper '_apply_bc' assigns into its parameter 'u' in place, but it was cal"),
}
# fmt: on
