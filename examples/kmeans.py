"""k-means clustering (Lloyd's algorithm) that stops when the centroids stop moving.

``while shift > tol and it < max_iter`` is a traced convergence test: a
``lax.while_loop``. Inside, a ``for`` over the (static) number of clusters is unrolled
as Python, and the ``if count > 0`` that keeps an empty cluster's centroid in place is a
traced ``if``: a ``lax.cond``. The new centroids are collected in a Python list and
stacked, exactly as you would write it without JAX.

Run: python examples/kmeans.py
"""

import jax.numpy as jnp
import numpy as np

import py2lax
from _timing import report, seconds_per_call


def kmeans(points, centroids, tol=1e-4, max_iter=100):
    labels = jnp.zeros(points.shape[0], dtype=jnp.int32)
    shift = jnp.inf
    it = 0
    while shift > tol and it < max_iter:
        distances = jnp.sum((points[:, None, :] - centroids[None, :, :]) ** 2, axis=-1)
        labels = jnp.argmin(distances, axis=1).astype(jnp.int32)
        rows = []
        for k in range(centroids.shape[0]):
            members = labels == k
            count = jnp.sum(members)
            if count > 0:
                rows.append(jnp.sum(points * members[:, None], axis=0) / count)
            else:
                rows.append(centroids[k])  # an empty cluster keeps its centroid
        new_centroids = jnp.stack(rows)
        shift = jnp.max(jnp.linalg.norm(new_centroids - centroids, axis=1))
        centroids = new_centroids
        it = it + 1
    return centroids, labels, it


kmeans_jit = py2lax.autograph_jit(kmeans)


def blobs(seed=0, per_cluster=100):
    rng = np.random.default_rng(seed)
    centers = np.array([[-4.0, 0.0], [3.0, 3.0], [2.0, -4.0]])
    points = np.concatenate([c + rng.normal(size=(per_cluster, 2)) for c in centers])
    return jnp.asarray(points, dtype=jnp.float32), centers


if __name__ == "__main__":
    points, true_centers = blobs()
    start = points[jnp.array([10, 20, 250])]  # two starts in the same blob
    centroids, labels, it = kmeans_jit(points, start)
    eager_centroids, eager_labels, eager_it = kmeans(points, start)
    assert np.allclose(centroids, eager_centroids, atol=1e-4)
    assert np.array_equal(labels, eager_labels) and int(it) == int(eager_it)

    order = np.argsort(np.asarray(centroids)[:, 0])
    print(f"converged after {int(it)} iterations; centroids (sorted by x), "
          f"true centres {true_centers.tolist()}:")
    for k in order:
        size = int((labels == k).sum())
        print(f"  ({float(centroids[k, 0]):6.3f}, {float(centroids[k, 1]):6.3f})  "
              f"{size} points")
    report(seconds_per_call(kmeans, points, start), seconds_per_call(kmeans_jit, points, start))
