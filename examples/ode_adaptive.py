"""An adaptive-step ODE integrator: Bogacki-Shampine 3(2) with error control.

Integrates the harmonic oscillator ``y'' = -y`` (``y(0) = 1, y'(0) = 0``, exact
solution ``cos t``) to ``t = 10``. Each step computes a third-order solution and a
second-order one; their difference estimates the error. The step is accepted or rejected
with an ``if`` on that traced estimate, the last step is shortened with another ``if``
so it lands on ``t_end``, and the whole thing runs in ``while t < t_end``: a
``lax.while_loop`` holding two ``lax.cond``s once py2lax has converted it.

Run: python examples/ode_adaptive.py
"""

import jax.numpy as jnp
import numpy as np

import py2lax
from _timing import report, seconds_per_call


def oscillator(t, y):
    position, velocity = y[0], y[1]
    return jnp.stack([velocity, -position])


def integrate(y0, t_end, rtol=1e-5, atol=1e-7):
    t = 0.0
    y = y0
    h = 0.01
    accepted = 0
    rejected = 0
    while t < t_end:
        if t + h > t_end:
            h = t_end - t  # land exactly on t_end
        k1 = oscillator(t, y)
        k2 = oscillator(t + 0.5 * h, y + 0.5 * h * k1)
        k3 = oscillator(t + 0.75 * h, y + 0.75 * h * k2)
        y_high = y + h * (2 * k1 + 3 * k2 + 4 * k3) / 9
        k4 = oscillator(t + h, y_high)
        y_low = y + h * (7 * k1 + 6 * k2 + 8 * k3 + 3 * k4) / 24
        error = jnp.max(jnp.abs(y_high - y_low) / (atol + rtol * jnp.abs(y_high)))
        if error <= 1.0:  # accept the step
            t = t + h
            y = y_high
            accepted = accepted + 1
        else:  # reject it and retry with a smaller h
            rejected = rejected + 1
        h = h * jnp.clip(0.9 * error ** (-1 / 3), 0.2, 5.0)
    return y, accepted, rejected


integrate_jit = py2lax.autograph_jit(integrate)

if __name__ == "__main__":
    args = (jnp.array([1.0, 0.0]), jnp.float32(10.0))
    y, accepted, rejected = integrate_jit(*args)
    eager_y, eager_accepted, eager_rejected = integrate(*args)
    # Compiled float32 arithmetic may round differently from op-by-op evaluation, which
    # could flip an accept/reject decision that sits right at the threshold.
    assert np.allclose(y, eager_y, atol=1e-4)
    assert abs(int(accepted) - int(eager_accepted)) <= 2
    assert abs(float(y[0]) - np.cos(10.0)) < 1e-3

    print(f"y(10) = {float(y[0]):.5f} (exact cos(10) = {np.cos(10.0):.5f}), "
          f"{int(accepted)} steps accepted, {int(rejected)} rejected")
    report(seconds_per_call(integrate, *args, min_calls=1),
           seconds_per_call(integrate_jit, *args))
