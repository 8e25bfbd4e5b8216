"""Field programs: scientific code as users write it before meeting lax.

Root finders, line searches, ODE steppers with step rejection, iterative linear solvers,
samplers with accept/reject, dynamic programming, cellular automata, particle systems,
classes and dataclasses holding state, lists accumulated then stacked, dicts of
results, NumPy buffers filled in loops. Each is the plain-Python form of a hand-written
lax loop from optax / jaxopt / diffrax / blackjax / jax.scipy.optimize / TFP, or of a
question on JAX's issue tracker; none is copied. Inputs include edge cases (zero
iterations, immediate convergence, negative values).
"""

import math
from dataclasses import dataclass, replace
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from case import Case

F = np.float32


def A(*xs):
    return np.array(xs, F)


# --------------------------------------------------------------------------- roots
def newton_generic(x, a):
    """Newton on x^3 - a with tol, max-iter and a zero-derivative guard."""
    for it in range(50):
        fx = x ** 3 - a
        dfx = 3.0 * x ** 2
        if dfx == 0.0:
            return x, it, False
        step = fx / dfx
        x = x - step
        if abs(step) < 1e-6:
            return x, it + 1, True
    return x, 50, False


def bisect_status(a, b):
    fa = a * a - 2.0
    fb = b * b - 2.0
    if fa * fb > 0:
        return jnp.nan, -1
    if fa == 0.0:
        return a, 0
    if fb == 0.0:
        return b, 0
    n = 0
    while b - a > 1e-6:
        m = (a + b) / 2
        fm = m * m - 2.0
        if fm == 0.0:
            a = b = m
            break
        elif fa * fm < 0:
            b, fb = m, fm
        else:
            a, fa = m, fm
        n += 1
    return (a + b) / 2, n


def secant_while_true(x0, x1):
    f = lambda x: jnp.exp(-x) - x
    f0, f1 = f(x0), f(x1)
    it = 0
    while True:
        if f1 == f0:
            break
        x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
        x0, f0 = x1, f1
        x1, f1 = x2, f(x2)
        it += 1
        if abs(x1 - x0) < 1e-6 or it >= 40:
            break
    return x1, it


def brent_dekker(a, b):
    f = lambda x: (x + 3.0) * (x - 1.0) ** 2
    fa, fb = f(a), f(b)
    if fa * fb >= 0:
        return a, 0
    if abs(fa) < abs(fb):
        a, b = b, a
        fa, fb = fb, fa
    c, fc = a, fa
    mflag = True
    d = c
    it = 0
    while fb != 0 and abs(b - a) > 1e-5 and it < 100:
        if fa != fc and fb != fc:
            s = (a * fb * fc / ((fa - fb) * (fa - fc)) + b * fa * fc / ((fb - fa) * (fb - fc))
                 + c * fa * fb / ((fc - fa) * (fc - fb)))
        else:
            s = b - fb * (b - a) / (fb - fa)
        cond1 = not ((3 * a + b) / 4 < s < b or b < s < (3 * a + b) / 4)
        cond2 = mflag and abs(s - b) >= abs(b - c) / 2
        cond3 = (not mflag) and abs(s - b) >= abs(c - d) / 2
        if cond1 or cond2 or cond3:
            s = (a + b) / 2
            mflag = True
        else:
            mflag = False
        fs = f(s)
        d = c
        c, fc = b, fb
        if fa * fs < 0:
            b, fb = s, fs
        else:
            a, fa = s, fs
        if abs(fa) < abs(fb):
            a, b = b, a
            fa, fb = fb, fa
        it += 1
    return b, it


def illinois_with_counter(lo, hi):
    f = lambda x: jnp.cos(x) - x ** 3
    flo, fhi = f(lo), f(hi)
    side = 0
    x = lo
    for k in range(60):
        x = (flo * hi - fhi * lo) / (flo - fhi)
        fx = f(x)
        if abs(fx) < 1e-6:
            break
        if fx * fhi > 0:
            hi, fhi = x, fx
            if side == -1:
                flo /= 2
            side = -1
        else:
            lo, flo = x, fx
            if side == 1:
                fhi /= 2
            side = 1
    return x


def newton_vector_2d(x):
    """Newton on a 2x2 system with a jacobian solve and a residual norm test."""
    for i in range(30):
        f = jnp.array([x[0] ** 2 + x[1] ** 2 - 4.0, x[0] * x[1] - 1.0])
        if jnp.linalg.norm(f) < 1e-5:
            break
        jac = jnp.array([[2 * x[0], 2 * x[1]], [x[1], x[0]]])
        x = x - jnp.linalg.solve(jac, f)
    return x, i


def damped_newton_backtrack(x):
    f = lambda z: jnp.arctan(z)
    for _ in range(40):
        fx = f(x)
        if abs(fx) < 1e-6:
            break
        step = fx * (1.0 + x * x)
        t = 1.0
        while abs(f(x - t * step)) >= abs(fx) and t > 1e-4:
            t *= 0.5
        x = x - t * step
    return x


# --------------------------------------------------------------------------- optimisation
def armijo_wolfe(x0, d):
    f = lambda x: jnp.sum((x - 1.0) ** 2) + jnp.sum(x ** 4)
    g = jax.grad(f)
    fx, gx = f(x0), g(x0)
    slope = jnp.dot(gx, d)
    if slope >= 0:
        return 0.0
    t, lo, hi = 1.0, 0.0, jnp.inf
    for _ in range(30):
        if f(x0 + t * d) > fx + 1e-4 * t * slope:
            hi = t
        elif jnp.dot(g(x0 + t * d), d) < 0.9 * slope:
            lo = t
        else:
            break
        if hi < jnp.inf:
            t = (lo + hi) / 2
        else:
            t = 2 * lo
    return t


def gd_with_history(x, lr, n):
    losses = []
    for i in range(n):
        loss = (x - 3.0) ** 2
        losses.append(loss)
        if loss < 1e-4:
            break
        x = x - lr * 2 * (x - 3.0)
    return x, jnp.array(losses) if losses else jnp.zeros(0)


def nesterov_restart(x):
    f = lambda z: jnp.sum(z * z * jnp.array([1.0, 10.0]))
    g = jax.grad(f)
    y = x
    t = 1.0
    prev = f(x)
    restarts = 0
    for _ in range(100):
        x_new = y - 0.04 * g(y)
        fn = f(x_new)
        if fn > prev:
            t = 1.0
            y = x
            restarts += 1
            continue
        t_new = (1 + jnp.sqrt(1 + 4 * t * t)) / 2
        y = x_new + (t - 1) / t_new * (x_new - x)
        x, t, prev = x_new, t_new, fn
        if fn < 1e-8:
            break
    return x, restarts


def adagrad_clip(w, grads):
    acc = jnp.zeros_like(w)
    for g in grads:
        n = jnp.linalg.norm(g)
        if n > 1.0:
            g = g / n
        acc = acc + g * g
        w = w - 0.1 * g / (jnp.sqrt(acc) + 1e-8)
    return w


def nelder_mead_1d(x0):
    f = lambda x: (x - 2.0) ** 2 + 1.0
    a, b = x0, x0 + 1.0
    fa, fb = f(a), f(b)
    for it in range(200):
        if fb < fa:
            a, b, fa, fb = b, a, fb, fa
        if abs(b - a) < 1e-5:
            break
        r = a + (a - b)
        fr = f(r)
        if fr < fa:
            e = a + 2 * (a - b)
            fe = f(e)
            if fe < fr:
                b, fb = e, fe
            else:
                b, fb = r, fr
        elif fr < fb:
            b, fb = r, fr
        else:
            b = (a + b) / 2
            fb = f(b)
    return a, fa


def lbfgs_two_loop(g, s_list, y_list):
    q = g
    alphas = []
    for s, y in zip(reversed(s_list), reversed(y_list)):
        rho = 1.0 / jnp.dot(y, s)
        a = rho * jnp.dot(s, q)
        alphas.append(a)
        q = q - a * y
    if len(s_list) > 0:
        gamma = jnp.dot(s_list[-1], y_list[-1]) / jnp.dot(y_list[-1], y_list[-1])
    else:
        gamma = 1.0
    r = gamma * q
    for s, y, a in zip(s_list, y_list, reversed(alphas)):
        rho = 1.0 / jnp.dot(y, s)
        b = rho * jnp.dot(y, r)
        r = r + s * (a - b)
    return -r


def lbfgs_direction(g):
    s = [jnp.array([0.1, 0.0]), jnp.array([0.0, 0.2])]
    y = [jnp.array([0.3, 0.05]), jnp.array([0.02, 0.5])]
    return lbfgs_two_loop(g, s, y)


def proximal_l1(x, lam, n):
    for _ in range(n):
        grad = x - jnp.array([1.0, -0.2, 0.05])
        z = x - 0.5 * grad
        x = jnp.sign(z) * jnp.maximum(jnp.abs(z) - 0.5 * lam, 0.0)
        if jnp.max(jnp.abs(grad)) < 1e-6:
            break
    return x


def coordinate_descent_lasso(X, y, lam):
    n, p = X.shape
    w = np.zeros(p, dtype=np.float32)
    for sweep in range(20):
        max_change = 0.0
        for j in range(p):
            r = y - X @ w + X[:, j] * w[j]
            rho = X[:, j] @ r
            z = X[:, j] @ X[:, j]
            if rho < -lam:
                new = (rho + lam) / z
            elif rho > lam:
                new = (rho - lam) / z
            else:
                new = 0.0
            max_change = max(max_change, abs(new - w[j]))
            w[j] = new
        if max_change < 1e-5:
            break
    return w


# --------------------------------------------------------------------------- ODEs
def adaptive_euler_reject(y0, t_end):
    t, y, h = 0.0, y0, 0.1
    accepted = rejected = 0
    while t < t_end:
        if t + h > t_end:
            h = t_end - t
        k1 = -2.0 * y
        y_e = y + h * k1
        k2 = -2.0 * y_e
        y_h = y + h / 2 * (k1 + k2)
        err = abs(y_h - y_e)
        if err < 1e-3:
            t += h
            y = y_h
            accepted += 1
            h = h * 1.5
        else:
            rejected += 1
            h = h * 0.5
        if accepted + rejected > 500:
            break
    return y, accepted, rejected


def rk2_event_stop(v0):
    """Projectile: integrate until it hits the ground, then interpolate."""
    x, y, vx, vy = 0.0, 0.0, v0 * 0.6, v0 * 0.8
    dt = 0.01
    for step in range(10000):
        nx, ny = x + vx * dt, y + vy * dt
        nvy = vy - 9.81 * dt
        if ny < 0.0:
            frac = y / (y - ny)
            return x + frac * (nx - x), step
        x, y, vy = nx, ny, nvy
    return x, -1


def symplectic_kepler(q, p, n):
    energy0 = 0.5 * jnp.sum(p * p) - 1.0 / jnp.linalg.norm(q)
    dt = 0.01
    drift = 0.0
    for i in range(n):
        p = p - 0.5 * dt * q / jnp.linalg.norm(q) ** 3
        q = q + dt * p
        p = p - 0.5 * dt * q / jnp.linalg.norm(q) ** 3
        if i % 10 == 0:
            e = 0.5 * jnp.sum(p * p) - 1.0 / jnp.linalg.norm(q)
            drift = max(drift, abs(e - energy0))
    return q, drift


def stiff_implicit_euler(y0, n):
    y = y0
    lam = -50.0
    h = 0.1
    for _ in range(n):
        z = y
        for k in range(20):
            g = z - y - h * lam * z * z * jnp.sign(z)
            dg = 1 - 2 * h * lam * jnp.abs(z)
            dz = g / dg
            z = z - dz
            if abs(dz) < 1e-7:
                break
        y = z
    return y


def sde_euler_maruyama(seed, n):
    key = jax.random.PRNGKey(seed)
    x = 1.0
    path_max = x
    for _ in range(n):
        key, sub = jax.random.split(key)
        dw = jax.random.normal(sub) * 0.1
        x = x + 0.5 * x * 0.01 + 0.2 * x * dw
        if x > path_max:
            path_max = x
        if x < 0.0:
            x = 0.0
    return x, path_max


def dopri_step_control(y0):
    def f(t, y):
        return -y + jnp.sin(t)
    t, y, h = 0.0, y0, 0.5
    n_acc = 0
    ts = []
    while t < 2.0 and n_acc < 100:
        h = min(h, 2.0 - t)
        k1 = f(t, y)
        k2 = f(t + h / 2, y + h / 2 * k1)
        k3 = f(t + h, y - h * k1 + 2 * h * k2)
        y3 = y + h / 6 * (k1 + 4 * k2 + k3)
        y2 = y + h * k2
        err = abs(y3 - y2)
        fac = 0.9 * (1e-4 / (err + 1e-12)) ** (1 / 3)
        fac = min(max(fac, 0.2), 5.0)
        if err <= 1e-4:
            t = t + h
            y = y3
            n_acc += 1
        h = h * fac
    return y, n_acc


# --------------------------------------------------------------------------- linear algebra
def sor_solver(a, b, omega):
    n = b.shape[0]
    x = np.zeros(n, F)
    for it in range(200):
        diff = 0.0
        for i in range(n):
            s = 0.0
            for j in range(n):
                if j != i:
                    s += a[i, j] * x[j]
            new = (1 - omega) * x[i] + omega * (b[i] - s) / a[i, i]
            diff = max(diff, abs(new - x[i]))
            x[i] = new
        if diff < 1e-6:
            return x, it + 1
    return x, -1


def jacobi_list_rows(a, b):
    n = len(b)
    x = [0.0] * n
    for _ in range(100):
        new = []
        for i in range(n):
            s = sum(a[i][j] * x[j] for j in range(n) if j != i)
            new.append((b[i] - s) / a[i][i])
        delta = max(abs(new[i] - x[i]) for i in range(n))
        x = new
        if delta < 1e-6:
            break
    return x


def cg_with_restart(a, b):
    x = jnp.zeros_like(b)
    r = b - a @ x
    p = r
    rs = r @ r
    for k in range(len(b) * 2):
        if jnp.sqrt(rs) < 1e-6:
            break
        ap = a @ p
        alpha = rs / (p @ ap)
        x = x + alpha * p
        r = r - alpha * ap
        rs_new = r @ r
        if (k + 1) % len(b) == 0:
            p = r
        else:
            p = r + rs_new / rs * p
        rs = rs_new
    return x


def inverse_power_shift(a, mu):
    n = a.shape[0]
    v = jnp.ones(n) / jnp.sqrt(n)
    lam = mu
    m = a - mu * jnp.eye(n)
    for it in range(100):
        w = jnp.linalg.solve(m, v)
        v_new = w / jnp.linalg.norm(w)
        if v_new[0] < 0:
            v_new = -v_new
        lam_new = v_new @ a @ v_new
        if abs(lam_new - lam) < 1e-6:
            lam = lam_new
            v = v_new
            break
        lam, v = lam_new, v_new
    return lam, v


def qr_eigen_unshifted(a, iters):
    for _ in range(iters):
        q, r = jnp.linalg.qr(a)
        a = r @ q
        off = jnp.sum(jnp.tril(a, -1) ** 2)
        if off < 1e-10:
            break
    return jnp.sort(jnp.diag(a))


def gaussian_elim_partial_pivot(a, b):
    a = a.copy()
    b = b.copy()
    n = len(b)
    for k in range(n):
        p = k
        for i in range(k + 1, n):
            if abs(a[i, k]) > abs(a[p, k]):
                p = i
        if p != k:
            a[[k, p]] = a[[p, k]]
            b[[k, p]] = b[[p, k]]
        for i in range(k + 1, n):
            m = a[i, k] / a[k, k]
            a[i, k:] -= m * a[k, k:]
            b[i] -= m * b[k]
    x = np.zeros(n, F)
    for i in range(n - 1, -1, -1):
        x[i] = (b[i] - a[i, i + 1:] @ x[i + 1:]) / a[i, i]
    return x


def tridiagonal_thomas(lower, diag, upper, rhs):
    n = len(diag)
    c = np.zeros(n, F)
    d = np.zeros(n, F)
    c[0] = upper[0] / diag[0]
    d[0] = rhs[0] / diag[0]
    for i in range(1, n):
        m = diag[i] - lower[i] * c[i - 1]
        if i < n - 1:
            c[i] = upper[i] / m
        d[i] = (rhs[i] - lower[i] * d[i - 1]) / m
    x = np.zeros(n, F)
    x[-1] = d[-1]
    for i in reversed(range(n - 1)):
        x[i] = d[i] - c[i] * x[i + 1]
    return x


def rayleigh_quotient_iter(a, v):
    v = v / jnp.linalg.norm(v)
    lam = v @ a @ v
    for k in range(20):
        try:
            w = jnp.linalg.solve(a - lam * jnp.eye(a.shape[0]) + 1e-6 * jnp.eye(a.shape[0]), v)
        except Exception:
            break
        v = w / jnp.linalg.norm(w)
        new = v @ a @ v
        if abs(new - lam) < 1e-5:
            lam = new
            break
        lam = new
    return lam


# --------------------------------------------------------------------------- samplers
def metropolis_accept_count(seed, n, step):
    key = jax.random.PRNGKey(seed)
    x = 0.0
    logp = -0.5 * x * x
    accepted = 0
    total = 0.0
    for _ in range(n):
        key, k1, k2 = jax.random.split(key, 3)
        prop = x + step * jax.random.normal(k1)
        logp_prop = -0.5 * prop * prop
        if jnp.log(jax.random.uniform(k2)) < logp_prop - logp:
            x, logp = prop, logp_prop
            accepted += 1
        total += x
    return total / max(n, 1), accepted


def hmc_step_reject(q, seed):
    key = jax.random.PRNGKey(seed)
    U = lambda z: 0.5 * jnp.sum(z * z) + 0.1 * jnp.sum(z ** 4)
    gU = jax.grad(U)
    k1, k2 = jax.random.split(key)
    p = jax.random.normal(k1, q.shape)
    q0, p0 = q, p
    eps = 0.2
    p = p - eps / 2 * gU(q)
    for i in range(10):
        q = q + eps * p
        if i != 9:
            p = p - eps * gU(q)
    p = p - eps / 2 * gU(q)
    h0 = U(q0) + 0.5 * jnp.sum(p0 * p0)
    h1 = U(q) + 0.5 * jnp.sum(p * p)
    if jax.random.uniform(k2) < jnp.exp(h0 - h1):
        return q, True
    return q0, False


def gibbs_ising_1d(spins, beta, sweeps):
    s = spins.copy()
    n = len(s)
    rng = np.random.default_rng(0)
    us = rng.random((sweeps, n)).astype(F)
    for t in range(sweeps):
        for i in range(n):
            left = s[i - 1]
            right = s[(i + 1) % n]
            field_ = left + right
            p_up = 1.0 / (1.0 + np.exp(-2.0 * beta * field_))
            if us[t, i] < p_up:
                s[i] = 1.0
            else:
                s[i] = -1.0
    return s, s.sum()


def rejection_sample_truncnorm(seed, lo):
    key = jax.random.PRNGKey(seed)
    tries = 0
    while True:
        key, sub = jax.random.split(key)
        x = jax.random.normal(sub)
        tries += 1
        if x > lo:
            return x, tries
        if tries >= 1000:
            return lo, tries


def simulated_annealing(x, seed):
    key = jax.random.PRNGKey(seed)
    f = lambda z: z * z + 3 * jnp.sin(3 * z)
    fx = f(x)
    best, fbest = x, fx
    temp = 2.0
    for i in range(200):
        key, k1, k2 = jax.random.split(key, 3)
        y = x + 0.5 * jax.random.normal(k1)
        fy = f(y)
        if fy < fx or jax.random.uniform(k2) < jnp.exp((fx - fy) / temp):
            x, fx = y, fy
            if fx < fbest:
                best, fbest = x, fx
        temp *= 0.98
    return best, fbest


def slice_sampling_shrink(x0, seed):
    key = jax.random.PRNGKey(seed)
    logp = lambda z: -0.5 * z * z
    k1, k2, k3 = jax.random.split(key, 3)
    y = logp(x0) + jnp.log(jax.random.uniform(k1))
    lo = x0 - jax.random.uniform(k2)
    hi = lo + 1.0
    while logp(lo) > y:
        lo = lo - 1.0
    while logp(hi) > y:
        hi = hi + 1.0
    n = 0
    while True:
        k3, sub = jax.random.split(k3)
        x1 = lo + (hi - lo) * jax.random.uniform(sub)
        n += 1
        if logp(x1) > y or n > 100:
            break
        if x1 < x0:
            lo = x1
        else:
            hi = x1
    return x1, n


# --------------------------------------------------------------------------- DP / strings
def edit_distance_np(a, b):
    n, m = len(a), len(b)
    d = np.zeros((n + 1, m + 1), dtype=np.int32)
    for i in range(n + 1):
        d[i, 0] = i
    for j in range(m + 1):
        d[0, j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i, j] = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + cost)
    return d[n, m]


def viterbi(log_init, log_trans, log_emit, obs):
    n_states = log_init.shape[0]
    T = len(obs)
    score = log_init + log_emit[:, obs[0]]
    back = []
    for t in range(1, T):
        cand = score[:, None] + log_trans
        best_prev = jnp.argmax(cand, axis=0)
        score = jnp.max(cand, axis=0) + log_emit[:, obs[t]]
        back.append(best_prev)
    state = jnp.argmax(score)
    path = [state]
    for bp in reversed(back):
        state = bp[state]
        path.append(state)
    path.reverse()
    return jnp.stack(path), jnp.max(score)


def viterbi_case():
    li = np.log(A(0.6, 0.4))
    lt = np.log(np.array([[0.7, 0.3], [0.4, 0.6]], F))
    le = np.log(np.array([[0.5, 0.4, 0.1], [0.1, 0.3, 0.6]], F))
    return li, lt, le


def lcs_length(a, b):
    n, m = a.shape[0], b.shape[0]
    prev = [0] * (m + 1)
    for i in range(n):
        cur = [0] * (m + 1)
        for j in range(m):
            if a[i] == b[j]:
                cur[j + 1] = prev[j] + 1
            else:
                cur[j + 1] = max(prev[j + 1], cur[j])
        prev = cur
    return prev[m]


def longest_run_above(v, thr):
    best = cur = 0
    start = best_start = -1
    for i, x in enumerate(v):
        if x > thr:
            if cur == 0:
                start = i
            cur += 1
            if cur > best:
                best, best_start = cur, start
        else:
            cur = 0
    return best, best_start


def rod_cutting(prices, n):
    r = [0.0] * (n + 1)
    for j in range(1, n + 1):
        q = -1e9
        for i in range(1, j + 1):
            q = max(q, prices[i - 1] + r[j - i])
        r[j] = q
    return r[n]


def min_path_grid(cost):
    n, m = cost.shape
    dp = np.full((n, m), np.inf, dtype=F)
    dp[0, 0] = cost[0, 0]
    for i in range(n):
        for j in range(m):
            if i == 0 and j == 0:
                continue
            best = np.inf
            if i > 0:
                best = min(best, dp[i - 1, j])
            if j > 0:
                best = min(best, dp[i, j - 1])
            dp[i, j] = best + cost[i, j]
    return dp[-1, -1]


def needleman_wunsch_score(a, b):
    n, m = len(a), len(b)
    gap = -2
    H = jnp.zeros((n + 1, m + 1))
    H = H.at[:, 0].set(jnp.arange(n + 1) * gap)
    H = H.at[0, :].set(jnp.arange(m + 1) * gap)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            s = 1 if a[i - 1] == b[j - 1] else -1
            H = H.at[i, j].set(max(H[i - 1, j - 1] + s, H[i - 1, j] + gap, H[i, j - 1] + gap))
    return H[n, m]


# --------------------------------------------------------------------------- clustering/hist
def kmeans_assign_update(points, centers, iters):
    k = centers.shape[0]
    for it in range(iters):
        d = jnp.sum((points[:, None, :] - centers[None, :, :]) ** 2, axis=-1)
        labels = jnp.argmin(d, axis=1)
        new_centers = []
        for c in range(k):
            mask = labels == c
            cnt = jnp.sum(mask)
            if cnt > 0:
                new_centers.append(jnp.sum(points * mask[:, None], axis=0) / cnt)
            else:
                new_centers.append(centers[c])
        new_centers = jnp.stack(new_centers)
        shift = jnp.max(jnp.abs(new_centers - centers))
        centers = new_centers
        if shift < 1e-6:
            break
    return centers, labels


def histogram_loop(v, lo, hi, nbins):
    counts = np.zeros(nbins, dtype=np.int32)
    width = (hi - lo) / nbins
    under = over = 0
    for x in v:
        if x < lo:
            under += 1
        elif x >= hi:
            over += 1
        else:
            b = int((x - lo) // width)
            counts[b] += 1
    return counts, under, over


def histogram_jnp_at(v, nbins):
    counts = jnp.zeros(nbins, dtype=jnp.int32)
    for x in v:
        b = jnp.floor(x * nbins).astype(jnp.int32)
        if b < 0:
            b = 0
        if b >= nbins:
            b = nbins - 1
        counts = counts.at[b].add(1)
    return counts


def running_median3(v):
    out = np.zeros_like(v)
    out[0] = v[0]
    out[-1] = v[-1]
    for i in range(1, len(v) - 1):
        a, b, c = v[i - 1], v[i], v[i + 1]
        if a > b:
            a, b = b, a
        if b > c:
            b, c = c, b
        if a > b:
            a, b = b, a
        out[i] = b
    return out


def peak_finder(v):
    peaks = []
    for i in range(1, v.shape[0] - 1):
        if v[i] > v[i - 1] and v[i] >= v[i + 1]:
            peaks.append(i)
    return len(peaks)


def threshold_crossings(v, level):
    count = 0
    above = v[0] > level
    first = -1
    for i in range(1, len(v)):
        now = v[i] > level
        if now != above:
            count += 1
            if first < 0:
                first = i
        above = now
    return count, first


# --------------------------------------------------------------------------- simulations
def particles_reflecting(pos, vel, n):
    pos = pos.copy()
    vel = vel.copy()
    bounces = 0
    for _ in range(n):
        pos = pos + 0.1 * vel
        for i in range(pos.shape[0]):
            if pos[i] < 0.0:
                pos[i] = -pos[i]
                vel[i] = -vel[i]
                bounces += 1
            elif pos[i] > 1.0:
                pos[i] = 2.0 - pos[i]
                vel[i] = -vel[i]
                bounces += 1
    return pos, vel, bounces


def particles_periodic_jnp(pos, vel, n):
    L = 1.0
    for step in range(n):
        pos = pos + 0.05 * vel
        pos = jnp.where(pos >= L, pos - L, pos)
        pos = jnp.where(pos < 0, pos + L, pos)
        if jnp.any(jnp.abs(vel) > 10):
            break
    return pos


def lennard_jones_energy(pos):
    n = pos.shape[0]
    e = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            r = jnp.linalg.norm(pos[i] - pos[j])
            if r > 2.5:
                continue
            sr6 = (1.0 / r) ** 6
            e += 4 * (sr6 * sr6 - sr6)
    return e


def rule30_automaton(cells, steps):
    c = cells.copy()
    n = len(c)
    for _ in range(steps):
        new = np.zeros_like(c)
        for i in range(n):
            l = c[i - 1]
            m = c[i]
            r = c[(i + 1) % n]
            pattern = 4 * l + 2 * m + r
            new[i] = (30 >> pattern) & 1
        c = new
    return c


def game_of_life_np(grid, steps):
    g = grid.copy()
    n, m = g.shape
    for _ in range(steps):
        new = np.zeros_like(g)
        for i in range(n):
            for j in range(m):
                s = 0
                for di in (-1, 0, 1):
                    for dj in (-1, 0, 1):
                        if di == 0 and dj == 0:
                            continue
                        s += g[(i + di) % n, (j + dj) % m]
                if g[i, j] == 1 and (s == 2 or s == 3):
                    new[i, j] = 1
                elif g[i, j] == 0 and s == 3:
                    new[i, j] = 1
        g = new
        if g.sum() == 0:
            break
    return g


def random_walk_absorb(seed, start, n):
    key = jax.random.PRNGKey(seed)
    x = start
    for t in range(n):
        key, sub = jax.random.split(key)
        if jax.random.uniform(sub) < 0.5:
            x -= 1
        else:
            x += 1
        if x == 0 or x == 10:
            return x, t + 1
    return x, n


def sandpile_topple(grid):
    g = grid.copy()
    n = g.shape[0]
    topples = 0
    changed = True
    while changed:
        changed = False
        for i in range(n):
            for j in range(n):
                if g[i, j] >= 4:
                    g[i, j] -= 4
                    topples += 1
                    changed = True
                    if i > 0:
                        g[i - 1, j] += 1
                    if i < n - 1:
                        g[i + 1, j] += 1
                    if j > 0:
                        g[i, j - 1] += 1
                    if j < n - 1:
                        g[i, j + 1] += 1
    return g, topples


def traffic_nagel(road, steps):
    """Single-lane traffic with velocity array: accelerate, brake, move."""
    vel = np.zeros_like(road)
    occ = road.copy()
    n = len(road)
    for _ in range(steps):
        new_occ = np.zeros_like(occ)
        new_vel = np.zeros_like(vel)
        for i in range(n):
            if occ[i] == 0:
                continue
            v = min(vel[i] + 1, 3)
            gap = 0
            for d in range(1, 4):
                if occ[(i + d) % n] == 1:
                    break
                gap += 1
            v = min(v, gap)
            new_occ[(i + v) % n] = 1
            new_vel[(i + v) % n] = v
        occ, vel = new_occ, new_vel
    return occ, vel.sum()


# --------------------------------------------------------------------------- piecewise
def tax_brackets(income):
    brackets = [(10000.0, 0.0), (40000.0, 0.2), (100000.0, 0.4)]
    tax = 0.0
    prev = 0.0
    for limit, rate in brackets:
        if income <= prev:
            break
        taxable = min(income, limit) - prev
        tax += taxable * rate
        prev = limit
    if income > prev:
        tax += (income - prev) * 0.5
    return tax


def smooth_step_piecewise(x, edge0, edge1):
    if edge0 >= edge1:
        return jnp.where(x < edge0, 0.0, 1.0)
    t = (x - edge0) / (edge1 - edge0)
    if t <= 0:
        return 0.0 * t
    if t >= 1:
        return 1.0 + 0.0 * t
    return t * t * (3 - 2 * t)


def material_model(strain):
    E, sy, H = 200.0, 0.5, 20.0
    eps_y = sy / E
    if abs(strain) <= eps_y:
        stress = E * strain
        regime = 0
    else:
        sign = 1.0 if strain > 0 else -1.0
        stress = sign * (sy + H * (abs(strain) - eps_y))
        regime = 1 if strain > 0 else -1
    return stress, regime


def quadrant_angle(x, y):
    if x > 0:
        a = jnp.arctan(y / x)
    elif x < 0 and y >= 0:
        a = jnp.arctan(y / x) + jnp.pi
    elif x < 0 and y < 0:
        a = jnp.arctan(y / x) - jnp.pi
    elif y > 0:
        a = jnp.pi / 2
    elif y < 0:
        a = -jnp.pi / 2
    else:
        a = 0.0
    return a


def bilinear_interp(grid, x, y):
    i = int(np.floor(x)) if isinstance(x, float) else jnp.floor(x).astype(jnp.int32)
    j = jnp.floor(y).astype(jnp.int32)
    i = jnp.clip(i, 0, grid.shape[0] - 2)
    j = jnp.clip(j, 0, grid.shape[1] - 2)
    fx, fy = x - i, y - j
    return ((1 - fx) * (1 - fy) * grid[i, j] + fx * (1 - fy) * grid[i + 1, j]
            + (1 - fx) * fy * grid[i, j + 1] + fx * fy * grid[i + 1, j + 1])


# --------------------------------------------------------------------------- classes/state
class Integrator:
    def __init__(self, dt, damping):
        self.dt = dt
        self.damping = damping

    def force(self, x):
        return -x - self.damping * x ** 3

    def run(self, x, v, n):
        for _ in range(n):
            a = self.force(x)
            v = v + self.dt * a
            x = x + self.dt * v
            if abs(x) > 100.0:
                return x, v, False
        return x, v, True


def class_integrator(x, v, n):
    return Integrator(0.05, 0.1).run(x, v, n)


@dataclass
class OptState:
    x: jnp.ndarray
    m: jnp.ndarray
    v: jnp.ndarray
    step: int


def adam_dataclass(x, n):
    s = OptState(x, jnp.zeros_like(x), jnp.zeros_like(x), 0)
    for _ in range(n):
        g = 2 * (s.x - 1.0)
        if jnp.max(jnp.abs(g)) < 1e-4:
            break
        m = 0.9 * s.m + 0.1 * g
        v = 0.999 * s.v + 0.001 * g * g
        t = s.step + 1
        mh = m / (1 - 0.9 ** t)
        vh = v / (1 - 0.999 ** t)
        s = OptState(s.x - 0.1 * mh / (jnp.sqrt(vh) + 1e-8), m, v, t)
    return s.x, s.step


@dataclass
class Counter:
    hits: int = 0
    misses: int = 0


def dataclass_mutated_fields(v, thr):
    c = Counter()
    for x in v:
        if x > thr:
            c.hits += 1
        else:
            c.misses += 1
    return c.hits, c.misses


class SolveResult(NamedTuple):
    x: float
    iters: int
    converged: bool


def namedtuple_result(a):
    x = 1.0
    for i in range(100):
        nx = x - (x * x - a) / (2 * x)
        if abs(nx - x) < 1e-6:
            return SolveResult(nx, i + 1, True)
        x = nx
    return SolveResult(x, 100, False)


def namedtuple_replace_loop(a):
    r = SolveResult(1.0, 0, False)
    while not r.converged and r.iters < 50:
        nx = 0.5 * (r.x + a / r.x)
        r = r._replace(x=nx, iters=r.iters + 1, converged=abs(nx * nx - a) < 1e-5)
    return r


@dataclass
class Particle:
    x: float
    v: float


def dataclass_replace_bounce(x, v, n):
    p = Particle(x, v)
    for _ in range(n):
        p = replace(p, x=p.x + 0.1 * p.v)
        if p.x < 0:
            p = replace(p, x=-p.x, v=-p.v)
    return p.x, p.v


class RunningStats:
    def __init__(self):
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0

    def push(self, x):
        self.n += 1
        d = x - self.mean
        self.mean += d / self.n
        self.m2 += d * (x - self.mean)

    def var(self):
        if self.n < 2:
            return 0.0
        return self.m2 / (self.n - 1)


def stats_object_filtered(v):
    rs = RunningStats()
    for x in v:
        if jnp.isnan(x):
            continue
        rs.push(x)
    return rs.mean, rs.var()


class Schedule:
    def __init__(self, base, warmup, decay_every):
        self.base = base
        self.warmup = warmup
        self.decay_every = decay_every

    def __call__(self, step):
        if step < self.warmup:
            return self.base * (step + 1) / self.warmup
        k = (step - self.warmup) // self.decay_every
        return self.base * 0.5 ** k


def callable_schedule(step):
    return Schedule(0.1, 5, 10)(step)


class Pendulum:
    g = 9.81

    def __init__(self, length):
        self.length = length

    def period_numeric(self, theta0):
        theta, omega, t = theta0, 0.0, 0.0
        dt = 0.001
        crossed = 0
        while crossed < 2 and t < 20.0:
            omega -= self.g / self.length * jnp.sin(theta) * dt
            new = theta + omega * dt
            if (new > 0) != (theta > 0):
                crossed += 1
            theta = new
            t += dt
        return t


def pendulum_method(theta0):
    return Pendulum(1.0).period_numeric(theta0)


# --------------------------------------------------------------------------- dict/list results
def summary_dict(v):
    out = {"min": v[0], "max": v[0], "neg": 0}
    for x in v[1:]:
        if x < out["min"]:
            out["min"] = x
        if x > out["max"]:
            out["max"] = x
    for x in v:
        if x < 0:
            out["neg"] += 1
    return out


def results_by_method(a):
    results = {}
    for name, x0 in (("low", 0.5), ("high", 5.0)):
        x = x0
        for it in range(100):
            nx = 0.5 * (x + a / x)
            if abs(nx - x) < 1e-6:
                break
            x = nx
        results[name] = (x, it)
    return results


def trajectory_stack(x0, n):
    xs = [x0]
    x = x0
    for _ in range(n):
        x = 3.7 * x * (1 - x)
        xs.append(x)
    return jnp.stack(xs)


def np_zeros_fill_cumulative(v):
    out = np.zeros(len(v) + 1, F)
    for i in range(len(v)):
        if v[i] > 0:
            out[i + 1] = out[i] + v[i]
        else:
            out[i + 1] = out[i] * 0.5
    return out


def np_matrix_distance(points):
    n = points.shape[0]
    d = np.zeros((n, n), F)
    nearest = np.zeros(n, np.int32)
    for i in range(n):
        best = np.inf
        for j in range(n):
            d[i, j] = np.sqrt(((points[i] - points[j]) ** 2).sum())
            if j != i and d[i, j] < best:
                best = d[i, j]
                nearest[i] = j
    return d, nearest


def list_of_tuples_sorted_static(v):
    pairs = []
    for i in range(len(v)):
        pairs.append((i, v[i] * v[i]))
    total = 0.0
    for i, sq in pairs:
        if sq > 1.0:
            total += sq
    return total


# --------------------------------------------------------------------------- misc numerics
def gcd_euclid(a, b):
    while b != 0:
        a, b = b, a % b
    return a


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
        if steps > 1000:
            break
    return steps


def primes_sieve_count(n):
    is_p = np.ones(n + 1, dtype=bool)
    is_p[:2] = False
    i = 2
    while i * i <= n:
        if is_p[i]:
            is_p[i * i::i] = False
        i += 1
    return int(is_p.sum())


def is_prime_trial(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def romberg(a, b):
    f = lambda x: jnp.exp(-x * x)
    R = [[0.5 * (b - a) * (f(a) + f(b))]]
    for k in range(1, 8):
        h = (b - a) / 2 ** k
        s = sum(f(a + (2 * i - 1) * h) for i in range(1, 2 ** (k - 1) + 1))
        row = [0.5 * R[-1][0] + h * s]
        for j in range(1, k + 1):
            row.append(row[j - 1] + (row[j - 1] - R[-1][j - 1]) / (4 ** j - 1))
        R.append(row)
        if abs(R[-1][-1] - R[-2][-1]) < 1e-7:
            break
    return R[-1][-1]


def adaptive_simpson_stack(a, b):
    f = lambda x: jnp.sqrt(jnp.abs(x)) + 0.0 * x
    total = 0.0
    stack = [(a, b)]
    evals = 0
    while stack:
        lo, hi = stack.pop()
        mid = (lo + hi) / 2
        whole = (hi - lo) / 6 * (f(lo) + 4 * f(mid) + f(hi))
        left = (mid - lo) / 6 * (f(lo) + 4 * f((lo + mid) / 2) + f(mid))
        right = (hi - mid) / 6 * (f(mid) + 4 * f((mid + hi) / 2) + f(hi))
        evals += 1
        if abs(left + right - whole) < 1e-4 or evals > 50:
            total += left + right
        else:
            stack.append((lo, mid))
            stack.append((mid, hi))
    return total


def continued_fraction_lentz(x):
    """tan(x) by modified Lentz with a tolerance and a cap."""
    tiny = 1e-30
    f = tiny
    C = f
    D = 0.0
    for j in range(1, 100):
        a = x if j == 1 else -x * x
        b = 2 * j - 1
        D = b + a * D
        if D == 0:
            D = tiny
        C = b + a / C
        if C == 0:
            C = tiny
        D = 1 / D
        delta = C * D
        f = f * delta
        if abs(delta - 1) < 1e-7:
            break
    return f


def power_series_until_small(x):
    term = 1.0
    total = 1.0
    n = 0
    while abs(term) > 1e-8 * abs(total):
        n += 1
        term *= x / n
        total += term
        if n > 200:
            raise RuntimeError("no convergence")
    return total, n


def float_loop_counter(x):
    t = 0.0
    n = 0
    while t < x:
        t += 0.25
        n += 1
    return n, t


def mandelbrot_grid(n):
    out = np.zeros((n, n), np.int32)
    for i in range(n):
        for j in range(n):
            c = complex(-2.0 + 2.5 * j / n, -1.25 + 2.5 * i / n)
            z = 0j
            k = 0
            while abs(z) <= 2 and k < 30:
                z = z * z + c
                k += 1
            out[i, j] = k
    return out


def escape_time_traced(cr, ci, max_iter):
    zr = zi = 0.0
    for k in range(max_iter):
        if zr * zr + zi * zi > 4.0:
            return k
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
    return max_iter


def moving_average_filter(v, w):
    out = []
    s = 0.0
    for i in range(len(v)):
        s += v[i]
        if i >= w:
            s -= v[i - w]
        if i >= w - 1:
            out.append(s / w)
    return jnp.array(out)


def ewma_with_reset(v, alpha):
    m = v[0]
    resets = 0
    out = jnp.zeros_like(v)
    for i in range(v.shape[0]):
        if abs(v[i] - m) > 3.0:
            m = v[i]
            resets += 1
        else:
            m = alpha * v[i] + (1 - alpha) * m
        out = out.at[i].set(m)
    return out, resets


def bisect_sorted_insert(a, x):
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def quickselect_median(v):
    a = list(v)
    k = len(a) // 2
    lo, hi = 0, len(a) - 1
    while lo < hi:
        pivot = a[hi]
        i = lo
        for j in range(lo, hi):
            if a[j] < pivot:
                a[i], a[j] = a[j], a[i]
                i += 1
        a[i], a[hi] = a[hi], a[i]
        if i == k:
            break
        elif i < k:
            lo = i + 1
        else:
            hi = i - 1
    return a[k]


def heap_sift_down(v):
    a = v.copy()
    n = len(a)
    for start in range(n // 2 - 1, -1, -1):
        i = start
        while True:
            l = 2 * i + 1
            r = l + 1
            big = i
            if l < n and a[l] > a[big]:
                big = l
            if r < n and a[r] > a[big]:
                big = r
            if big == i:
                break
            a[i], a[big] = a[big], a[i]
            i = big
    return a


def shell_sort(v):
    a = v.copy()
    gap = len(a) // 2
    while gap > 0:
        for i in range(gap, len(a)):
            t = a[i]
            j = i
            while j >= gap and a[j - gap] > t:
                a[j] = a[j - gap]
                j -= gap
            a[j] = t
        gap //= 2
    return a


def partition_three_way(v, pivot):
    a = v.copy()
    lt, i, gt = 0, 0, len(a) - 1
    while i <= gt:
        if a[i] < pivot:
            a[lt], a[i] = a[i], a[lt]
            lt += 1
            i += 1
        elif a[i] > pivot:
            a[i], a[gt] = a[gt], a[i]
            gt -= 1
        else:
            i += 1
    return a, lt, gt


M3 = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]], F)
B3 = A(1.0, 2.0, 3.0)

CASES = [
    Case(newton_generic, [(F(1.0), F(8.0)), (F(0.0), F(8.0)), (F(2.0), F(8.0)), (F(-1.0), F(-27.0))],
         atol=1e-4),
    Case(bisect_status, [(F(0.0), F(2.0)), (F(2.0), F(3.0)), (F(1.0), F(1.0))]),
    Case(secant_while_true, [(F(0.0), F(1.0)), (F(0.5), F(0.5))], atol=1e-4),
    Case(brent_dekker, [(F(-4.0), F(4.0 / 3.0)), (F(0.0), F(2.0))], atol=1e-3),
    Case(illinois_with_counter, [(F(0.0), F(1.0))], atol=1e-4),
    Case(newton_vector_2d, [(A(2.0, 0.5),), (A(1.9318517, 0.5176381),)], atol=1e-4),
    Case(damped_newton_backtrack, [(F(3.0),), (F(0.0),), (F(-1.5),)], atol=1e-4),
    Case(armijo_wolfe, [(A(0.0, 0.0), A(1.0, 1.0)), (A(2.0, 2.0), A(1.0, 1.0))], atol=1e-4),
    Case(gd_with_history, [(F(0.0), F(0.1), 5), (F(3.0), F(0.1), 5), (F(0.0), F(0.1), 0)],
         static_argnums=(2,), atol=1e-4,
         jit_error="the list of losses grows until a traced break: its length is traced"),
    Case(nesterov_restart, [(A(1.0, 1.0),)], atol=1e-3),
    Case(adagrad_clip, [(A(1.0, -1.0), [A(3.0, 4.0), A(0.1, 0.1), A(-2.0, 0.0)])]),
    Case(nelder_mead_1d, [(F(0.0),), (F(2.0),), (F(10.0),)], atol=1e-3),
    Case(lbfgs_direction, [(A(1.0, 2.0),)]),
    Case(proximal_l1, [(A(0.0, 0.0, 0.0), F(0.1), 50), (A(0.0, 0.0, 0.0), F(0.1), 0)], atol=1e-4),
    Case(coordinate_descent_lasso, [(np.array([[1.0, 0.5], [0.2, 1.0], [0.3, 0.3]], F),
                                     A(1.0, 2.0, 0.5), F(0.1)),
                                    (np.array([[1.0, 0.5], [0.2, 1.0], [0.3, 0.3]], F),
                                     A(1.0, 2.0, 0.5), F(10.0))], atol=1e-4),
    Case(adaptive_euler_reject, [(F(1.0), F(1.0)), (F(1.0), F(0.0))], atol=1e-4),
    Case(rk2_event_stop, [(F(10.0),), (F(0.0),)], atol=1e-3),
    Case(symplectic_kepler, [(A(1.0, 0.0), A(0.0, 1.0), 50)], atol=1e-4),
    Case(stiff_implicit_euler, [(F(1.0), 5), (F(-0.5), 3), (F(0.0), 2)], atol=1e-4),
    Case(sde_euler_maruyama, [(0, 50), (1, 0)]),
    Case(dopri_step_control, [(F(1.0),)], atol=1e-4),
    Case(sor_solver, [(M3, B3, F(1.2)), (M3, B3, F(1.0))], atol=1e-4),
    Case(jacobi_list_rows, [([[4.0, 1.0], [2.0, 5.0]], [1.0, 2.0])], atol=1e-4),
    Case(cg_with_restart, [(M3, B3), (M3, A(0.0, 0.0, 0.0))], atol=1e-4),
    Case(inverse_power_shift, [(M3, F(1.0)), (M3, F(4.5))], atol=1e-3),
    Case(qr_eigen_unshifted, [(M3, 50), (np.diag(A(3.0, 2.0, 1.0)), 5)], atol=1e-3),
    Case(gaussian_elim_partial_pivot, [(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0],
                                                  [7.0, 8.0, 10.0]], F), B3)], atol=1e-4),
    Case(tridiagonal_thomas, [(A(0.0, 1.0, 1.0, 1.0), A(4.0, 4.0, 4.0, 4.0),
                               A(1.0, 1.0, 1.0, 0.0), A(5.0, 6.0, 6.0, 5.0))], atol=1e-4),
    Case(rayleigh_quotient_iter, [(M3, A(1.0, 0.0, 0.0))], atol=1e-3),
    Case(metropolis_accept_count, [(0, 50, F(1.0)), (3, 0, F(1.0))]),
    Case(hmc_step_reject, [(A(0.5, -0.5), 0), (A(3.0, 3.0), 1)], atol=1e-4),
    Case(gibbs_ising_1d, [(A(1, -1, 1, 1, -1), F(0.5), 3)], static_argnums=(2,)),
    Case(rejection_sample_truncnorm, [(0, F(1.0)), (2, F(-5.0))]),
    Case(simulated_annealing, [(F(2.0), 0)], atol=1e-4),
    Case(slice_sampling_shrink, [(F(0.3), 0), (F(2.0), 5)], atol=1e-4),
    Case(edit_distance_np, [(np.array([1, 2, 3, 4]), np.array([1, 3, 4, 5, 6])),
                            (np.array([7]), np.array([7]))]),
    Case(viterbi, [(*viterbi_case(), (0, 2, 1, 2))], static_argnums=(3,), atol=1e-4),
    Case(lcs_length, [(np.array([1, 2, 3, 2, 1]), np.array([2, 3, 1, 2])),
                      (np.array([1]), np.array([2]))]),
    Case(longest_run_above, [(A(0.1, 0.9, 0.8, 0.2, 0.7, 0.9, 0.95), F(0.5)),
                             (A(0.1, 0.2), F(0.5))]),
    Case(rod_cutting, [(A(1.0, 5.0, 8.0, 9.0, 10.0), 4), (A(1.0, 5.0), 0)], static_argnums=(1,)),
    Case(min_path_grid, [(np.array([[1, 3, 1], [1, 5, 1], [4, 2, 1]], F),)]),
    Case(needleman_wunsch_score, [(np.array([1, 2, 3]), np.array([1, 3]))]),
    Case(kmeans_assign_update, [(np.array([[0.0, 0.0], [0.1, 0.2], [5.0, 5.0], [5.2, 4.9]], F),
                                 np.array([[0.0, 0.0], [1.0, 1.0]], F), 10),
                                (np.array([[0.0, 0.0], [0.1, 0.2]], F),
                                 np.array([[0.0, 0.0], [9.0, 9.0]], F), 3)], atol=1e-4),
    Case(histogram_loop, [(A(-1.0, 0.1, 0.5, 0.55, 0.99, 1.0, 2.0), F(0.0), F(1.0), 4)],
         static_argnums=(3,), jit_error="a NumPy buffer indexed by int() of a traced bin"),
    Case(histogram_jnp_at, [(A(-0.5, 0.1, 0.3, 0.99, 1.5), 4)], static_argnums=(1,)),
    Case(running_median3, [(A(1.0, 5.0, 2.0, 8.0, 3.0),)]),
    Case(peak_finder, [(A(0.0, 1.0, 0.5, 2.0, 2.0, 1.0),), (A(3.0, 2.0, 1.0),)],
         jit_error="a list appended to under a traced condition: its length is traced"),
    Case(threshold_crossings, [(A(0.0, 1.0, 0.0, 1.0, 1.0), F(0.5)), (A(0.0, 0.1), F(0.5))]),
    Case(particles_reflecting, [(A(0.1, 0.9, 0.5), A(-2.0, 2.0, 0.1), 10)]),
    Case(particles_periodic_jnp, [(A(0.1, 0.9), A(1.0, -1.0), 30)], atol=1e-4),
    Case(lennard_jones_energy, [(np.array([[0.0, 0.0], [1.1, 0.0], [0.0, 1.2], [5.0, 5.0]], F),)],
         atol=1e-4),
    Case(rule30_automaton, [(np.array([0, 0, 0, 1, 0, 0, 0], np.int32), 4)]),
    Case(game_of_life_np, [(np.array([[0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]],
                                     np.int32), 2),
                           (np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0]], np.int32), 3)]),
    Case(random_walk_absorb, [(0, 5, 100), (1, 1, 100), (2, 5, 0)]),
    Case(sandpile_topple, [(np.array([[4, 1, 0], [2, 5, 1], [0, 3, 3]], np.int32),)]),
    Case(traffic_nagel, [(np.array([1, 1, 0, 0, 1, 0, 0, 0], np.int32), 5)]),
    Case(tax_brackets, [(F(5000.0),), (F(25000.0),), (F(250000.0),), (F(-10.0),)], rtol=1e-5),
    Case(smooth_step_piecewise, [(F(0.5), F(0.0), F(1.0)), (F(-1.0), F(0.0), F(1.0)),
                                 (F(2.0), F(0.0), F(1.0)), (F(0.5), F(1.0), F(1.0))]),
    Case(material_model, [(F(0.001),), (F(0.01),), (F(-0.01),), (F(0.0),)]),
    Case(quadrant_angle, [(F(1.0), F(1.0)), (F(-1.0), F(1.0)), (F(-1.0), F(-1.0)),
                          (F(0.0), F(2.0)), (F(0.0), F(-2.0)), (F(0.0), F(0.0))]),
    Case(class_integrator, [(F(1.0), F(0.0), 20), (F(50.0), F(100.0), 20), (F(1.0), F(0.0), 0)],
         atol=1e-4),
    Case(adam_dataclass, [(A(0.0, 2.0), 30), (A(1.0, 1.0), 30)], atol=1e-4),
    Case(dataclass_mutated_fields, [(A(0.1, 0.7, 0.9), F(0.5)), (A(), F(0.5))]),
    Case(namedtuple_result, [(F(2.0),), (F(1.0),)], atol=1e-5),
    Case(namedtuple_replace_loop, [(F(2.0),), (F(1.0),)], atol=1e-5),
    Case(dataclass_replace_bounce, [(F(0.3), F(-1.0), 10), (F(0.3), F(1.0), 0)], atol=1e-5),
    Case(stats_object_filtered, [(A(1.0, np.nan, 2.0, 4.0),), (A(np.nan),)]),
    Case(callable_schedule, [(0,), (4,), (5,), (27,)]),
    Case(pendulum_method, [(F(0.2),)], atol=2e-3),
    Case(summary_dict, [(A(1.0, -2.0, 3.0, -0.5),), (A(5.0),)]),
    Case(results_by_method, [(F(2.0),), (F(0.25),)], atol=1e-5),
    Case(trajectory_stack, [(F(0.2), 5), (F(0.2), 0)], static_argnums=(1,), atol=1e-4),
    Case(np_zeros_fill_cumulative, [(A(1.0, -1.0, 2.0, 0.0),)]),
    Case(np_matrix_distance, [(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]], F),)]),
    Case(list_of_tuples_sorted_static, [(A(0.5, 2.0, -3.0),)]),
    Case(gcd_euclid, [(48, 18), (7, 0), (0, 5), (-12, 8)]),
    Case(collatz_steps, [(1,), (6,), (27,)]),
    Case(primes_sieve_count, [(30,), (2,)], static_argnums=(0,)),
    Case(is_prime_trial, [(1,), (2,), (9,), (97,), (-7,)]),
    Case(romberg, [(F(0.0), F(1.0)), (F(0.0), F(0.0))], atol=1e-4,
         jit_error="the Romberg table grows until a traced break: its length is traced"),
    Case(adaptive_simpson_stack, [(F(0.0), F(1.0))], atol=1e-3,
         jit_error="a work stack whose size depends on traced error estimates"),
    Case(continued_fraction_lentz, [(F(0.5),), (F(1.2),), (F(0.0),)], atol=1e-4),
    Case(power_series_until_small, [(F(1.0),), (F(0.0),), (F(-3.0),)], atol=1e-4),
    Case(float_loop_counter, [(F(1.0),), (F(0.0),), (F(-1.0),), (F(1.1),)]),
    Case(mandelbrot_grid, [(4,)], static_argnums=(0,)),
    Case(escape_time_traced, [(F(0.0), F(0.0), 20), (F(1.0), F(1.0), 20), (F(0.3), F(0.5), 0)]),
    Case(moving_average_filter, [(A(1.0, 2.0, 3.0, 4.0, 5.0), 3), (A(1.0, 2.0), 2)],
         static_argnums=(1,)),
    Case(ewma_with_reset, [(A(1.0, 1.5, 9.0, 9.2, 0.0), F(0.5))]),
    Case(bisect_sorted_insert, [(A(1.0, 2.0, 4.0, 8.0), F(3.0)), (A(1.0, 2.0), F(0.0)),
                                (A(1.0, 2.0), F(5.0))]),
    Case(quickselect_median, [(A(5.0, 1.0, 4.0, 2.0, 3.0),), (A(2.0, 2.0, 2.0),)],
         jit_error="a Python list indexed by traced partition indices"),
    Case(heap_sift_down, [(A(1.0, 5.0, 3.0, 9.0, 2.0, 8.0),)]),
    Case(shell_sort, [(A(5.0, -1.0, 3.0, 0.0, 2.0, 9.0, -4.0),)]),
    Case(partition_three_way, [(A(3.0, 1.0, 2.0, 3.0, 5.0, 2.0), F(2.0)), (A(1.0,), F(1.0))]),
]

for _case in CASES:  # where each program comes from (the harness prints it with failures)
    _case.note = _case.note or ("source: hand-written lax loops of numerical libraries, as "
                                "plain Python")
