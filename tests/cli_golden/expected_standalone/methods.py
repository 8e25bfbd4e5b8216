"""CLI golden input: methods, two-space indentation, and a file py2lax mostly leaves alone."""

import functools

import jax
import jax.numpy as jnp


def _py2lax_as_dtype(value, like):
    """``value`` cast, leaf by leaf, to the dtype of ``like``: a loop's carry starts
    with the dtype one iteration gives it (an int counter that ``+= 0.5`` makes a
    float)."""
    return jax.tree.map(lambda v, t: jnp.asarray(v, t.dtype), value, like)


class Clipper:
  """Indented with two spaces: the rewritten methods keep that."""

  def __init__(self, limit):
    self.limit = limit

  @functools.partial(jax.jit, static_argnums=(0,))
  def clip(self, x):
    # if x > self.limit:  ->  lax.cond
    def if_true_18(x):
      x = x * 0 + self.limit  # clamp
      return (x,)
    x, = jax.lax.cond(x > self.limit, if_true_18, lambda x: (x,), x)
    return x

  @functools.partial(jax.jit, static_argnums=(0,))
  def halve_until_small(self, x):
    steps = 0
    # while x > self.limit:  ->  lax.while_loop
    def loop_cond_25(carry):
      x, steps = carry
      return x > self.limit
    def loop_body_25(carry):
      x, steps = carry
      x = x / 2
      steps = steps + 1
      return (x, steps)
    x = _py2lax_as_dtype(x, jax.eval_shape(loop_body_25, (x, steps))[0])
    x, steps = jax.lax.while_loop(loop_cond_25, loop_body_25, (x, steps))
    return x, steps


def use_clip(x):
  return Clipper(1.0).clip(x)


def use_halve(x):
  return Clipper(1.0).halve_until_small(x)


def f32(v):
  return jnp.asarray(v, dtype=jnp.float32)


CASES = {
    "use_clip": [(f32(3.0),), (f32(0.5),)],
    "use_halve": [(f32(10.0),), (f32(0.5),)],
}
