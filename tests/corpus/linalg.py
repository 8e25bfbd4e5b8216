"""Linear algebra by hand: elimination with pivoting, LU/Cholesky in place, iterative
solvers with convergence checks, power iteration, triangular solves.

Loops over NumPy arrays with in-place index assignment, as in textbook code and in the
loops of jax.scipy.sparse.linalg (conjugate gradient, re-expressed with Python control
flow).
"""

import jax.numpy as jnp
import numpy as np

from case import Case

F = np.float32
A3 = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]], F)
B3 = np.array([1.0, 2.0, 3.0], F)
P3 = np.array([[0.0, 2.0, 1.0], [1.0, 1.0, 0.0], [3.0, 0.0, 1.0]], F)


def determinant_with_pivoting(a):
    a = a.copy()
    n = a.shape[0]
    det = 1.0
    for k in range(n):
        p = k
        for i in range(k + 1, n):
            if jnp.abs(a[i, k]) > jnp.abs(a[p, k]):
                p = i
        if a[p, k] == 0.0:
            return 0.0 * det
        if p != k:
            a[[k, p]] = a[[p, k]]
            det = -det
        det = det * a[k, k]
        for i in range(k + 1, n):
            factor = a[i, k] / a[k, k]
            for j in range(k, n):
                a[i, j] -= factor * a[k, j]
    return det


def lu_in_place(a):
    a = a.copy()
    n = a.shape[0]
    for k in range(n):
        for i in range(k + 1, n):
            a[i, k] = a[i, k] / a[k, k]
            for j in range(k + 1, n):
                a[i, j] = a[i, j] - a[i, k] * a[k, j]
    return a


def cholesky_in_place(a):
    n = a.shape[0]
    low = np.zeros_like(a)
    for i in range(n):
        for j in range(i + 1):
            s = 0.0
            for k in range(j):
                s = s + low[i, k] * low[j, k]
            if i == j:
                low[i, j] = jnp.sqrt(a[i, i] - s)
            else:
                low[i, j] = (a[i, j] - s) / low[j, j]
    return low


def forward_substitution(low, b):
    n = b.shape[0]
    x = np.zeros_like(b)
    for i in range(n):
        s = b[i]
        for j in range(i):
            s = s - low[i, j] * x[j]
        x[i] = s / low[i, i]
    return x


def jacobi_until_converged(a, b):
    x = np.zeros_like(b)
    for it in range(100):
        new = np.zeros_like(x)
        for i in range(b.shape[0]):
            s = b[i]
            for j in range(b.shape[0]):
                if j != i:
                    s = s - a[i, j] * x[j]
            new[i] = s / a[i, i]
        if jnp.max(jnp.abs(new - x)) < 1e-6:
            return new, it
        x = new
    return x, 100


def gauss_seidel(a, b, sweeps):
    x = np.zeros_like(b)
    for _ in range(sweeps):
        for i in range(b.shape[0]):
            s = b[i]
            for j in range(b.shape[0]):
                if j != i:
                    s = s - a[i, j] * x[j]
            x[i] = s / a[i, i]
    return x


def conjugate_gradient(a, b):
    x = jnp.zeros_like(b)
    r = b - a @ x
    p = r
    rs = jnp.dot(r, r)
    k = 0
    while k < b.shape[0] * 3:
        ap = a @ p
        alpha = rs / jnp.dot(p, ap)
        x = x + alpha * p
        r = r - alpha * ap
        rs_new = jnp.dot(r, r)
        if jnp.sqrt(rs_new) < 1e-5:
            break
        p = r + (rs_new / rs) * p
        rs = rs_new
        k += 1
    return x


def power_iteration(a, iters):
    v = jnp.ones(a.shape[0]) / jnp.sqrt(a.shape[0])
    lam = 0.0
    for _ in range(iters):
        w = a @ v
        new_lam = jnp.dot(v, w)
        v = w / jnp.linalg.norm(w)
        if jnp.abs(new_lam - lam) < 1e-6:
            lam = new_lam
            break
        lam = new_lam
    return lam


def matmul_triple_loop(a, b):
    n, m = a.shape
    p = b.shape[1]
    out = np.zeros((n, p), a.dtype)
    for i in range(n):
        for j in range(p):
            acc = 0.0
            for k in range(m):
                acc = acc + a[i, k] * b[k, j]
            out[i, j] = acc
    return out


def transpose_in_place(a):
    a = a.copy()
    n = a.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j], a[j, i] = a[j, i], a[i, j]
    return a


def gram_schmidt(vs):
    basis = []
    for v in vs:
        w = v
        for b in basis:
            w = w - jnp.dot(w, b) * b
        norm = jnp.linalg.norm(w)
        if norm > 1e-6:
            basis.append(w / norm)
    return jnp.stack(basis)


def trace_and_max_offdiag(a):
    tr = 0.0
    worst = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if i == j:
                tr = tr + a[i, j]
            elif jnp.abs(a[i, j]) > worst:
                worst = jnp.abs(a[i, j])
    return tr, worst


def back_substitution(u, b):
    n = b.shape[0]
    x = np.zeros_like(b)
    for i in range(n - 1, -1, -1):
        s = b[i]
        for j in range(i + 1, n):
            s = s - u[i, j] * x[j]
        x[i] = s / u[i, i]
    return x


CASES = [
    Case(determinant_with_pivoting, [(A3,), (P3,), (np.zeros((2, 2), F),)],
         note="Gaussian elimination with partial pivoting, row swap by fancy indexing"),
    Case(lu_in_place, [(A3,)], note="Doolittle LU in place"),
    Case(cholesky_in_place, [(A3,)], note="Cholesky into np.zeros_like"),
    Case(forward_substitution, [(np.tril(A3), B3)], note="forward substitution"),
    Case(jacobi_until_converged, [(A3, B3)], note="Jacobi with early return on convergence",
         atol=1e-4),
    Case(gauss_seidel, [(A3, B3, 10)], note="Gauss-Seidel sweeps, x[i] in place", atol=1e-4),
    Case(conjugate_gradient, [(A3, B3)], note="CG as in jax.scipy.sparse.linalg, re-expressed",
         atol=1e-4),
    Case(power_iteration, [(A3, 100)], note="power iteration with early break", rtol=1e-3),
    Case(matmul_triple_loop, [(A3, P3)], note="triple-loop matmul into np.zeros"),
    Case(transpose_in_place, [(P3,)], note="in-place transpose with item swaps"),
    Case(gram_schmidt, [(np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], F),),
                        (np.array([[1.0, 0.0, 0.0], [2.0, 0.0, 0.0], [0.0, 1.0, 0.0]], F),)],
         note="Gram-Schmidt dropping dependent vectors",
         jit_error="the basis length depends on traced norms"),
    Case(trace_and_max_offdiag, [(P3,)], note="trace and largest off-diagonal"),
    Case(back_substitution, [(np.triu(A3), B3)], note="back substitution, reversed range"),
]
