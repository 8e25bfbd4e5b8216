"""Classic numerical programs: root finders, minimisers, series, fixed points.

Written the way a scientist writes them in plain Python (while loops with tolerances and
iteration caps, early exits, if/elif on the sign of a function value), as found in
textbooks and in the hand-written lax loops of jax.scipy, jaxopt and optax re-expressed
with Python control flow. Inputs are float32 so the oracle and jit compute alike.
"""

import jax
import jax.numpy as jnp
import numpy as np

from case import Case

F = np.float32


def _cubic(x):
    return x * x * x - x - 2.0


def bisection(lo, hi):
    flo = _cubic(lo)
    it = 0
    while hi - lo > 1e-5 and it < 100:
        mid = 0.5 * (lo + hi)
        fmid = _cubic(mid)
        if fmid == 0.0:
            return mid
        if (fmid < 0.0) == (flo < 0.0):
            lo = mid
            flo = fmid
        else:
            hi = mid
        it += 1
    return 0.5 * (lo + hi)


def bisection_with_sign(f_lo_sign, lo, hi):
    for _ in range(40):
        mid = (lo + hi) / 2.0
        if jnp.sign(_cubic(mid)) == f_lo_sign:
            lo = mid
        else:
            hi = mid
    return lo


def newton_sqrt(a):
    x = a if a > 1.0 else 1.0
    it = 0
    while jnp.abs(x * x - a) > 1e-5 * a and it < 50:
        x = 0.5 * (x + a / x)
        it += 1
    return x


def secant_cos(x0, x1):
    f0 = jnp.cos(x0) - x0
    for _ in range(30):
        f1 = jnp.cos(x1) - x1
        if jnp.abs(f1 - f0) < 1e-12:
            break
        x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
        x0, f0 = x1, f1
        x1 = x2
        if jnp.abs(x1 - x0) < 1e-6:
            break
    return x1


def fixed_point_cos(x):
    for _ in range(200):
        nxt = jnp.cos(x)
        if jnp.abs(nxt - x) < 1e-6:
            x = nxt
            break
        x = nxt
    return x


def halley_cube_root(a):
    x = a / 3.0 + 1.0
    k = 0
    while k < 30:
        fx = x * x * x - a
        if jnp.abs(fx) < 1e-5:
            break
        x = x - 2.0 * fx * x / (3.0 * x * x * x + 3.0 * a)
        k += 1
    return x


def regula_falsi(lo, hi):
    flo = _cubic(lo)
    fhi = _cubic(hi)
    c = lo
    for _ in range(60):
        c = (lo * fhi - hi * flo) / (fhi - flo)
        fc = _cubic(c)
        if jnp.abs(fc) < 1e-5:
            break
        elif fc * flo < 0:
            hi, fhi = c, fc
            flo = flo * 0.5
        else:
            lo, flo = c, fc
            fhi = fhi * 0.5
    return c


def golden_section_minimum(a, b):
    ratio = 0.6180339887
    c = b - ratio * (b - a)
    d = a + ratio * (b - a)
    while jnp.abs(b - a) > 1e-4:
        if (c - 1.3) ** 2 < (d - 1.3) ** 2:
            b = d
        else:
            a = c
        c = b - ratio * (b - a)
        d = a + ratio * (b - a)
    return (a + b) / 2.0


def _rosen(p):
    return (1.0 - p[0]) ** 2 + 10.0 * (p[1] - p[0] ** 2) ** 2


def gradient_descent_early_stop(p, lr):
    g = jax.grad(_rosen)
    steps = 0
    for _ in range(40):
        d = g(p)
        if jnp.linalg.norm(d) < 1e-2:
            break
        p = p - lr * d
        steps += 1
    return p, steps


def backtracking_line_search(x, d):
    def f(v):
        return jnp.sum((v - 1.0) ** 2) + 0.1 * jnp.sum(v ** 4)

    gx = jax.grad(f)(x)
    slope = jnp.dot(gx, d)
    t = 1.0
    fx = f(x)
    while f(x + t * d) > fx + 1e-4 * t * slope:
        t = t * 0.5
        if t < 1e-8:
            break
    return t


def momentum_descent(x, n):
    v = 0.0
    for _ in range(n):
        grad = 2.0 * (x - 3.0)
        v = 0.9 * v - 0.05 * grad
        x = x + v
    return x


def exp_taylor(x):
    term = 1.0
    total = 1.0
    k = 1
    while jnp.abs(term) > 1e-7 * jnp.abs(total):
        term = term * x / k
        total = total + term
        k += 1
    return total


def sin_series(x):
    term = x
    total = x
    for k in range(1, 20):
        term = -term * x * x / ((2 * k) * (2 * k + 1))
        total = total + term
        if jnp.abs(term) < 1e-8:
            break
    return total


def leibniz_pi(n):
    total = 0.0
    for k in range(n):
        if k % 2 == 0:
            total = total + 1.0 / (2 * k + 1)
        else:
            total = total - 1.0 / (2 * k + 1)
    return 4.0 * total


def continued_fraction_sqrt2(n):
    x = 2.0
    for _ in range(n):
        x = 2.0 + 1.0 / x
    return x - 1.0


def bessel_j0(x):
    term = 1.0
    total = 1.0
    k = 1
    while k < 60:
        term = -term * (x * x / 4.0) / (k * k)
        total = total + term
        if jnp.abs(term) < 1e-8:
            break
        k += 1
    return total


def erf_series(x):
    if jnp.abs(x) > 3.0:
        return jnp.sign(x) * 1.0
    term = x
    total = x
    n = 0
    while jnp.abs(term) > 1e-8 and n < 100:
        n += 1
        term = -term * x * x / n
        total = total + term / (2 * n + 1)
    return 2.0 / jnp.sqrt(jnp.pi) * total


def chebyshev_t(n, x):
    if n == 0:
        return x * 0.0 + 1.0
    if n == 1:
        return x
    t0 = x * 0.0 + 1.0
    t1 = x
    for _ in range(2, n + 1):
        t0, t1 = t1, 2.0 * x * t1 - t0
    return t1


def legendre_p(n, x):
    p0 = 1.0
    p1 = x
    if n == 0:
        return p0 + 0.0 * x
    for k in range(1, n):
        p0, p1 = p1, ((2 * k + 1) * x * p1 - k * p0) / (k + 1)
    return p1


def horner(coeffs, x):
    acc = 0.0
    for c in coeffs:
        acc = acc * x + c
    return acc


def horner_with_derivative(coeffs, x):
    p = coeffs[0]
    dp = 0.0
    for i in range(1, coeffs.shape[0]):
        dp = dp * x + p
        p = p * x + coeffs[i]
    return p, dp


def kahan_sum(v):
    s = 0.0
    c = 0.0
    for e in v:
        y = e - c
        t = s + y
        c = (t - s) - y
        s = t
    return s


def welford(v):
    mean = 0.0
    m2 = 0.0
    n = 0
    for e in v:
        n += 1
        delta = e - mean
        mean = mean + delta / n
        m2 = m2 + delta * (e - mean)
    if n < 2:
        return mean, 0.0
    return mean, m2 / (n - 1)


def max_drawdown(prices):
    peak = prices[0]
    worst = 0.0
    for p in prices:
        if p > peak:
            peak = p
        drop = (peak - p) / peak
        if drop > worst:
            worst = drop
    return worst


def stable_logsumexp(v):
    m = v[0]
    for e in v:
        if e > m:
            m = e
    s = 0.0
    for e in v:
        s = s + jnp.exp(e - m)
    return m + jnp.log(s)


def simpson(a, b, n):
    h = (b - a) / n
    total = jnp.sin(a) + jnp.sin(b)
    for i in range(1, n):
        x = a + i * h
        if i % 2 == 1:
            total = total + 4.0 * jnp.sin(x)
        else:
            total = total + 2.0 * jnp.sin(x)
    return total * h / 3.0


def adaptive_trapezoid(a, b):
    n = 1
    prev = 0.5 * (b - a) * (jnp.exp(a) + jnp.exp(b))
    while n < 4096:
        n = n * 2
        h = (b - a) / n
        mid = 0.0
        for i in range(1, n, 2):
            mid = mid + jnp.exp(a + i * h)
        cur = 0.5 * prev + h * mid
        if jnp.abs(cur - prev) < 1e-4:
            return cur
        prev = cur
    return prev


def piecewise_linear_interp(xs, ys, x):
    if x <= xs[0]:
        return ys[0]
    i = 0
    while i < xs.shape[0] - 1:
        if x <= xs[i + 1]:
            t = (x - xs[i]) / (xs[i + 1] - xs[i])
            return ys[i] + t * (ys[i + 1] - ys[i])
        i += 1
    return ys[-1]


def sqrt_digit_by_digit(n):
    root = 0
    bit = 1 << 14
    while bit > n:
        bit >>= 2
    while bit != 0:
        if n >= root + bit:
            n -= root + bit
            root = (root >> 1) + bit
        else:
            root >>= 1
        bit >>= 2
    return root


def relu_clip_chain(x):
    if x < 0.0:
        x = 0.0 * x
    elif x > 6.0:
        x = x * 0.0 + 6.0
    return x


def softplus_branchy(x):
    if x > 20.0:
        return x
    elif x < -20.0:
        return jnp.exp(x)
    return jnp.log1p(jnp.exp(x))


def huber(r, delta):
    if jnp.abs(r) <= delta:
        return 0.5 * r * r
    return delta * (jnp.abs(r) - 0.5 * delta)


CASES = [
    Case(bisection, [(F(1.0), F(2.0)), (F(0.0), F(3.0))], note="bisection on x^3 - x - 2"),
    Case(bisection_with_sign, [(F(-1.0), F(1.0), F(2.0))], note="fixed-count bisection"),
    Case(newton_sqrt, [(F(2.0),), (F(0.25),), (F(100.0),)], note="Newton's square root"),
    Case(secant_cos, [(F(0.0), F(1.0))], note="secant method on cos(x) = x", atol=1e-4),
    Case(fixed_point_cos, [(F(1.0),)], note="fixed-point iteration with break", atol=1e-4),
    Case(halley_cube_root, [(F(27.0),), (F(2.0),)], note="Halley's method", atol=1e-4),
    Case(regula_falsi, [(F(1.0), F(2.0))], note="Illinois regula falsi", atol=1e-4),
    Case(golden_section_minimum, [(F(0.0), F(4.0))], note="golden-section search", atol=1e-3),
    Case(gradient_descent_early_stop, [(np.array([0.5, 0.5], F), F(0.02))],
         note="gradient descent with early stopping (jax.grad inside)", rtol=1e-3, atol=1e-3),
    Case(backtracking_line_search, [(np.array([3.0, -2.0], F), np.array([-1.0, 1.0], F)),
                                    (np.array([0.0, 0.0], F), np.array([5.0, 5.0], F))],
         note="Armijo backtracking line search (jaxopt-style), re-expressed"),
    Case(momentum_descent, [(F(0.0), 0), (F(0.0), 20)], note="heavy-ball descent", atol=1e-4),
    Case(exp_taylor, [(F(1.0),), (F(-2.0),), (F(0.0),)], note="Taylor series with tolerance"),
    Case(sin_series, [(F(0.5),), (F(2.0),)], note="sine series with break"),
    Case(leibniz_pi, [(1,), (50,)], note="Leibniz series for pi"),
    Case(continued_fraction_sqrt2, [(0,), (10,)], note="continued fraction"),
    Case(bessel_j0, [(F(1.0),), (F(4.0),)], note="Bessel J0 series", atol=1e-4),
    Case(erf_series, [(F(0.5),), (F(-1.2),), (F(4.0),)], note="erf by its Maclaurin series",
         atol=1e-4),
    Case(chebyshev_t, [(0, F(0.3)), (1, F(0.3)), (5, F(0.3))], static_argnums=(0,),
         note="Chebyshev recurrence, static degree"),
    Case(chebyshev_t, [(0, F(0.3)), (1, F(0.3)), (5, F(0.3))], label="traced degree",
         note="Chebyshev recurrence, traced degree"),
    Case(legendre_p, [(0, F(0.5)), (3, F(0.5)), (6, F(-0.2))], note="Legendre recurrence"),
    Case(horner, [(np.array([1.0, -2.0, 0.5, 3.0], F), F(1.5))], note="Horner's rule"),
    Case(horner_with_derivative, [(np.array([2.0, 0.0, -1.0, 4.0], F), F(0.5))],
         note="Horner with the derivative"),
    Case(kahan_sum, [(np.array([1.0, 1e-7, -1.0, 1e-7, 3.0], F),)], note="Kahan summation"),
    Case(welford, [(np.array([1.0, 2.0, 4.0, 7.0], F),), (np.array([3.0], F),)],
         note="Welford's streaming variance"),
    Case(max_drawdown, [(np.array([1.0, 1.2, 0.9, 1.5, 1.1, 1.6], F),)], note="max drawdown"),
    Case(stable_logsumexp, [(np.array([1.0, 3.0, -2.0], F),)], note="two-pass logsumexp"),
    Case(simpson, [(F(0.0), F(3.14159), 10)], static_argnums=(2,), note="Simpson's rule, static n"),
    Case(simpson, [(F(0.0), F(3.14159), 10)], label="traced n", note="Simpson's rule, traced n"),
    Case(adaptive_trapezoid, [(F(0.0), F(1.0))],
         note="trapezoid refinement until converged (inner range with a traced bound)", atol=1e-3),
    Case(piecewise_linear_interp, [(np.array([0.0, 1.0, 2.0], F), np.array([0.0, 10.0, 5.0], F),
                                    F(1.5)),
                                   (np.array([0.0, 1.0, 2.0], F), np.array([0.0, 10.0, 5.0], F),
                                    F(-1.0)),
                                   (np.array([0.0, 1.0, 2.0], F), np.array([0.0, 10.0, 5.0], F),
                                    F(9.0))], note="linear interpolation with a search loop"),
    Case(sqrt_digit_by_digit, [(0,), (15,), (16,), (1000,)], note="integer sqrt, bit by bit"),
    Case(relu_clip_chain, [(F(-1.0),), (F(3.0),), (F(9.0),)], note="relu6 with elif"),
    Case(softplus_branchy, [(F(30.0),), (F(-30.0),), (F(0.5),)], note="branchy softplus"),
    Case(huber, [(F(0.5), F(1.0)), (F(-3.0), F(1.0))], note="Huber loss"),
]
