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
    # A user generator over range(traced n): generators run as Python (a lax loop cannot
    # yield to its caller), so the traced count is refused at the generator's line.
    "ported_autograph.generator_consumed_in_loop": ("located", "jit: located (inputs 0): raises TracedValueError: ported_autograph.py:747: generator '_gen' needs a concrete value at `for i in range(n):`, but 'n' is traced here"),
    # `x > 0 and lst.pop() > 0` with a traced x: the pop, which Python makes only when x > 0,
    # changes the list's length in one branch only: refused at the user's line.
    "ported_catalyst.and_pops_argument_list": ("located", "jit: located (inputs 0): raises OuterWriteError: ported_catalyst.py:621: list 'lst' is changed in a branch of this traced `if`, in a way a compiled program cannot carry (its length chan"),
    # Field programs (field_numerics.py, field_issues.py), wrong answers first.
    # Writes through a NumPy view that a traced loop's item holds (`for p in arr` as a
    # scan) or that a list, dict or object keeps: refused at the user's line when the part
    # is a JAX array (located); a view a local name holds writes into its array.
    # Through a second name of one array (`total = acc; acc += x`, `lo = hi = np.zeros(2)`,
    # `p = self.pos; p += v`, a row taken from `self.grid` in a method): NumPy's `+=` changes
    # the shared array, JAX's makes a new one: refused at the user's line (located).
    "field_issues.particle_rows_in_place": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1047: this assignment writes into an array taken from 'state' (a row or slice of it), which is a JAX array here"),
    "field_issues.positions_iadd_rows": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1056: this `+=` changes an array that 'pos' reaches too (the same array, or a row or slice of it), and the array is a JAX array here"),
    "field_issues.attribute_alias_iadd": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1104: this `+=` changes an array that 'b.pos' reaches too (the same array, or a row or slice of it), and the array is a JAX array here"),
    "field_issues.list_of_arrays_loop_var": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1114: this assignment writes into an array taken from 'fields' (a row or slice of it), which is a JAX array here"),
    "field_issues.method_writes_through_row": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1125: this assignment writes into an array that 'self.g' reaches too (the same array, or a row or slice of it)"),
    # A stateful Python call (random.Random, next() on an iterator) in a loop whose traced
    # `if`/`break` decides whether the next iteration draws: refused at the user's line.
    "field_issues.random_walk_stdlib_random": ("located", "jit: located (inputs 0): raises OuterWriteError: field_issues.py:1410: Random object 'rnd' is changed inside this traced `for` loop, in a way a compiled program cannot carry (it advance"),
    "field_issues.lr_schedule_iterator": ("located", "jit: located (inputs 0): raises OuterWriteError: field_issues.py:1419: list_iterator object 'lrs' is changed inside this traced `for` loop, in a way a compiled program cannot carry (it "),
    # A class attribute (Tally.total, state that outlives the call) updated under a traced
    # `if`: refused at the user's line, as a module-level instance or a global is.
    "field_issues.class_attribute_counter": ("located", "jit: located (inputs 0): raises OuterWriteError: field_issues.py:1436: 'Tally.total' is assigned inside this traced `if`, but it belongs to an object that outlives the call, so it would"),
}
# fmt: on
