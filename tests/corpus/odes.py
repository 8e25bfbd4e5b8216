"""ODE integrators and simulations: fixed-step RK4, adaptive steppers with accept/reject,
symplectic integrators, event detection, simple particle and population models.

Re-expressed from the step-size control loops of ODE libraries (diffrax's PID controller,
jax.experimental.ode's Dormand-Prince loop) and from textbook simulations, written with
plain Python control flow.
"""

import jax.numpy as jnp
import numpy as np

from case import Case

F = np.float32


def _decay(t, y):
    return -2.0 * y + jnp.sin(t)


def rk4_fixed(y0, t1, n):
    h = t1 / n
    t = 0.0
    y = y0
    for _ in range(n):
        k1 = _decay(t, y)
        k2 = _decay(t + h / 2, y + h / 2 * k1)
        k3 = _decay(t + h / 2, y + h / 2 * k2)
        k4 = _decay(t + h, y + h * k3)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t = t + h
    return y


def adaptive_heun(y0, t_end):
    t = 0.0
    y = y0
    h = 0.1
    accepted = 0
    rejected = 0
    while t < t_end:
        if t + h > t_end:
            h = t_end - t
        k1 = _decay(t, y)
        euler = y + h * k1
        k2 = _decay(t + h, euler)
        heun = y + h / 2 * (k1 + k2)
        err = jnp.abs(heun - euler)
        if err < 1e-3:
            t = t + h
            y = heun
            accepted += 1
            h = h * 1.5
        else:
            rejected += 1
            h = h * 0.5
    return y, accepted, rejected


def rkf45_with_controller(y0, t_end):
    t = 0.0
    y = y0
    h = 0.05
    steps = 0
    while t < t_end and steps < 500:
        h = jnp.minimum(h, t_end - t)
        k1 = h * _decay(t, y)
        k2 = h * _decay(t + h / 4, y + k1 / 4)
        k3 = h * _decay(t + 3 * h / 8, y + 3 * k1 / 32 + 9 * k2 / 32)
        k4 = h * _decay(t + 12 * h / 13, y + 1932 * k1 / 2197 - 7200 * k2 / 2197 + 7296 * k3 / 2197)
        k5 = h * _decay(t + h, y + 439 * k1 / 216 - 8 * k2 + 3680 * k3 / 513 - 845 * k4 / 4104)
        y4 = y + 25 * k1 / 216 + 1408 * k3 / 2565 + 2197 * k4 / 4104 - k5 / 5
        k6 = h * _decay(t + h / 2, y - 8 * k1 / 27 + 2 * k2 - 3544 * k3 / 2565
                        + 1859 * k4 / 4104 - 11 * k5 / 40)
        y5 = y + 16 * k1 / 135 + 6656 * k3 / 12825 + 28561 * k4 / 56430 - 9 * k5 / 50 + 2 * k6 / 55
        err = jnp.abs(y5 - y4) + 1e-12
        if err <= 1e-5:
            t = t + h
            y = y5
        factor = 0.9 * (1e-5 / err) ** 0.2
        if factor < 0.2:
            factor = 0.2
        elif factor > 5.0:
            factor = 5.0
        h = h * factor
        steps += 1
    return y


def leapfrog_oscillator(x, v, n):
    dt = 0.05
    for _ in range(n):
        v = v - 0.5 * dt * x
        x = x + dt * v
        v = v - 0.5 * dt * x
    energy = 0.5 * (x * x + v * v)
    return x, v, energy


def bouncing_ball(h0, steps):
    y = h0
    v = 0.0
    dt = 0.01
    bounces = 0
    for _ in range(steps):
        v = v - 9.81 * dt
        y = y + v * dt
        if y < 0.0:
            y = -y
            v = -0.8 * v
            bounces += 1
    return y, bounces


def time_to_event(y0):
    t = 0.0
    y = y0
    v = 0.0
    dt = 0.001
    while y > 0.0:
        v = v - 9.81 * dt
        y = y + v * dt
        t = t + dt
        if t > 10.0:
            break
    return t


def pendulum_euler_cromer(theta, omega, n):
    dt = 0.01
    max_theta = theta
    for _ in range(n):
        omega = omega - 9.81 * jnp.sin(theta) * dt
        theta = theta + omega * dt
        if theta > max_theta:
            max_theta = theta
    return theta, max_theta


def predator_prey(x, y, n):
    dt = 0.01
    for _ in range(n):
        dx = x * (1.0 - 0.5 * y)
        dy = y * (-0.75 + 0.25 * x)
        x = x + dt * dx
        y = y + dt * dy
        if x < 1e-6:
            x = 0.0 * x
    return x, y


def sir_epidemic_peak(beta, gamma):
    s = 0.99
    i = 0.01
    r = 0.0
    peak = i
    day = 0
    peak_day = 0
    while day < 300:
        new_inf = beta * s * i
        new_rec = gamma * i
        s = s - new_inf
        i = i + new_inf - new_rec
        r = r + new_rec
        day += 1
        if i > peak:
            peak = i
            peak_day = day
        if i < 1e-4 and day > 10:
            break
    return peak, peak_day, day


def heat_equation_explicit(u, steps):
    u = u.copy()
    alpha = 0.25
    for _ in range(steps):
        new = u.copy()
        for i in range(1, u.shape[0] - 1):
            new[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        u = new
    return u


def velocity_verlet_2d(pos, vel, n):
    dt = 0.01
    acc = -pos / jnp.linalg.norm(pos) ** 3
    for _ in range(n):
        pos = pos + vel * dt + 0.5 * acc * dt * dt
        new_acc = -pos / jnp.linalg.norm(pos) ** 3
        vel = vel + 0.5 * (acc + new_acc) * dt
        acc = new_acc
    return pos, vel


def logistic_growth_until(p0, target):
    p = p0
    years = 0
    while p < target:
        p = p + 0.3 * p * (1.0 - p / 1000.0)
        years += 1
        if years >= 200:
            return -1
    return years


def euler_with_clamp(y0, n):
    y = y0
    for k in range(n):
        y = y + 0.1 * (jnp.cos(0.1 * k) - y)
        if y > 0.8:
            y = 0.8 + 0.0 * y
        elif y < -0.8:
            y = -0.8 + 0.0 * y
    return y


CASES = [
    Case(rk4_fixed, [(F(1.0), F(2.0), 20)], static_argnums=(2,), note="RK4, static step count"),
    Case(rk4_fixed, [(F(1.0), F(2.0), 20), (F(1.0), F(2.0), 0)], label="traced n",
         note="RK4, traced step count"),
    Case(adaptive_heun, [(F(1.0), F(2.0))], note="adaptive Heun with accept/reject", atol=1e-4),
    Case(rkf45_with_controller, [(F(1.0), F(2.0))], note="RKF45 with a clipped step controller",
         atol=1e-4),
    Case(leapfrog_oscillator, [(F(1.0), F(0.0), 100)], note="leapfrog, harmonic oscillator"),
    Case(bouncing_ball, [(F(1.0), 300)], note="bouncing ball with event counting"),
    Case(time_to_event, [(F(1.0),), (F(5.0),)], note="integrate until an event", atol=2e-3),
    Case(pendulum_euler_cromer, [(F(0.5), F(0.0), 200)], note="pendulum, running maximum"),
    Case(predator_prey, [(F(2.0), F(1.0), 300)], note="Lotka-Volterra with a floor"),
    Case(sir_epidemic_peak, [(F(0.3), F(0.1)), (F(0.05), F(0.1))], note="SIR model, peak and stop",
         rtol=1e-3),
    Case(heat_equation_explicit, [(np.array([0.0, 0.0, 1.0, 0.0, 0.0], F), 5)],
         static_argnums=(1,), note="explicit heat equation, in-place NumPy updates"),
    Case(velocity_verlet_2d, [(np.array([1.0, 0.0], F), np.array([0.0, 1.0], F), 50)],
         note="velocity Verlet, Kepler orbit"),
    Case(logistic_growth_until, [(F(10.0), F(500.0)), (F(10.0), F(2000.0))],
         note="logistic growth until a target, -1 past the cap"),
    Case(euler_with_clamp, [(F(0.0), 40)], note="Euler with clamping elif"),
]
