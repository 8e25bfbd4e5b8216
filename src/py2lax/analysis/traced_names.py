"""Python functions that converted code calls through ``py2lax.converted`` although they
are not the user's: builtins and ``math`` functions that have a version for traced values.

Only names live here (this module imports nothing), so the transforms and the command
line can use them without loading JAX: the runtime (``py2lax.runtime.builtins``) and
``--standalone`` give them their meaning.
"""

TRACE_AWARE_BUILTINS = frozenset({"max", "min", "any", "all", "sorted"})
# `int(x)`, `float(x)`...: called through `py2lax.converted` when the argument may be traced
# (a traced scalar becomes a traced array of the matching dtype).
CONVERSION_BUILTINS = frozenset({"int", "float", "bool", "complex"})
# `sum(e for x in v if c)`: reducers whose filtered generator keeps its items as masked
# (`if py2lax.masked(c)`) when `c` is traced.
FILTERING_REDUCERS = frozenset({"sum", "any", "all", "max", "min"})
# `x.item()`, `x.tolist()`: a traced array's value; `lst.index(v)`, `lst.count(v)`: a
# Python list searched for a traced value. Called through `py2lax.converted` when the
# receiver (item, tolist) or an argument (index, count, remove) may be traced.
VALUE_METHODS = frozenset({"item", "tolist"})
SEARCH_METHODS = frozenset({"index", "count", "remove"})

# `math.<name>` -> the jax.numpy function computing the same value on a traced argument.
MATH_TWINS = {
    "sqrt": "sqrt", "exp": "exp", "log": "log", "log10": "log10", "log2": "log2",
    "log1p": "log1p", "expm1": "expm1", "sin": "sin", "cos": "cos", "tan": "tan",
    "asin": "arcsin", "acos": "arccos", "atan": "arctan", "atan2": "arctan2",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "asinh": "arcsinh",
    "acosh": "arccosh", "atanh": "arctanh", "fabs": "abs", "hypot": "hypot",
    "pow": "power", "copysign": "copysign", "fmod": "fmod", "isnan": "isnan",
    "isinf": "isinf", "isfinite": "isfinite", "degrees": "rad2deg", "radians": "deg2rad",
    "floor": "floor", "ceil": "ceil", "trunc": "trunc", "exp2": "exp2", "cbrt": "cbrt",
    "ldexp": "ldexp", "modf": "modf", "frexp": "frexp", "nextafter": "nextafter",
}
# `math.<name>` computed on traced arguments by a formula of the runtime's own
# (`py2lax.runtime.builtins`), not by the jax.numpy function of a name: Python's exact
# `isclose` rule, `erf`/`gamma` from jax.scipy.special, variadic `gcd`/`lcm`, `fsum`, `dist`.
MATH_FORMULAS = frozenset({"isclose", "erf", "erfc", "gamma", "lgamma", "gcd", "lcm", "fsum",
                           "dist"})
# These return a Python int: traced, an integer array.
INTEGRAL_MATH = frozenset({"floor", "ceil", "trunc"})
# These return a bool.
PREDICATE_MATH = frozenset({"isnan", "isinf", "isfinite", "isclose"})

# Module names under which code calls NumPy (`np.sin(x)`): on traced arguments the runtime
# calls the jax.numpy function of the same name.
NUMPY_NAMES = frozenset({"np", "numpy"})

# JAX functions that take the user's functions, by name, and where: `lax.fori_loop(0, n,
# body, x)` calls `body`, which needs converting too. Each position holds a function, or
# (`switch`) a list of them.
HIGHER_ORDER = {
    "fori_loop": (2,), "while_loop": (0, 1), "scan": (0,), "cond": (1, 2), "switch": (1,),
    "map": (0,), "associative_scan": (0,), "vmap": (0,), "pmap": (0,), "grad": (0,),
    "value_and_grad": (0,), "jacfwd": (0,), "jacrev": (0,), "hessian": (0,), "jvp": (0,),
    "vjp": (0,), "linearize": (0,), "checkpoint": (0,), "remat": (0,), "jit": (0,),
    "shard_map": (0,),
}
# Names under which code reaches them: `jax.vmap`, `jax.lax.scan`, `lax.scan`.
JAX_NAMES = frozenset({"jax", "lax"})
