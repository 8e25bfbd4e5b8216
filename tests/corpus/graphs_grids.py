"""Graphs and grids: BFS/DFS with array-backed queues and stacks, Dijkstra and
Floyd-Warshall on dense matrices, game of life, flood fill, dynamic programming tables.

Array-backed data structures with explicit head/tail pointers, the way one writes them
for jit, and in plain NumPy style with in-place updates.
"""

import jax.numpy as jnp
import numpy as np

from case import Case

INF = 1e9
ADJ = np.array([[0, 1, 1, 0, 0],
                [1, 0, 0, 1, 0],
                [1, 0, 0, 1, 0],
                [0, 1, 1, 0, 1],
                [0, 0, 0, 1, 0]], np.int32)
W = np.array([[0, 4, 1, 0], [4, 0, 2, 5], [1, 2, 0, 8], [0, 5, 8, 0]], np.float32)


def bfs_distances(adj, start):
    n = adj.shape[0]
    dist = np.full(n, -1, np.int32)
    queue = np.zeros(n, np.int32)
    head = 0
    tail = 0
    queue[tail] = start
    tail += 1
    dist[start] = 0
    while head < tail:
        u = queue[head]
        head += 1
        for v in range(n):
            if adj[u, v] == 1 and dist[v] == -1:
                dist[v] = dist[u] + 1
                queue[tail] = v
                tail += 1
    return dist


def dfs_reachable_count(adj, start):
    n = adj.shape[0]
    seen = np.zeros(n, np.int32)
    stack = np.zeros(n * n, np.int32)
    top = 0
    stack[top] = start
    top += 1
    count = 0
    while top > 0:
        top -= 1
        u = stack[top]
        if seen[u]:
            continue
        seen[u] = 1
        count += 1
        for v in range(n):
            if adj[u, v] == 1 and seen[v] == 0:
                stack[top] = v
                top += 1
    return count


def dijkstra_dense(w, source):
    n = w.shape[0]
    dist = np.full(n, INF, np.float32)
    done = np.zeros(n, np.int32)
    dist[source] = 0.0
    for _ in range(n):
        u = -1
        best = INF
        for i in range(n):
            if done[i] == 0 and dist[i] < best:
                best = dist[i]
                u = i
        if u == -1:
            break
        done[u] = 1
        for v in range(n):
            if w[u, v] > 0 and dist[u] + w[u, v] < dist[v]:
                dist[v] = dist[u] + w[u, v]
    return dist


def floyd_warshall(w):
    n = w.shape[0]
    d = np.where(w > 0, w, INF).astype(np.float32)
    for i in range(n):
        d[i, i] = 0.0
    for k in range(n):
        for i in range(n):
            for j in range(n):
                if d[i, k] + d[k, j] < d[i, j]:
                    d[i, j] = d[i, k] + d[k, j]
    return d


def life_step(grid):
    n, m = grid.shape
    new = np.zeros_like(grid)
    for i in range(n):
        for j in range(m):
            alive = 0
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    if di == 0 and dj == 0:
                        continue
                    ii = (i + di) % n
                    jj = (j + dj) % m
                    alive += grid[ii, jj]
            if grid[i, j] == 1 and (alive == 2 or alive == 3):
                new[i, j] = 1
            elif grid[i, j] == 0 and alive == 3:
                new[i, j] = 1
    return new


def life_step_jnp(grid):
    alive = jnp.zeros_like(grid)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di == 0 and dj == 0:
                continue
            alive = alive + jnp.roll(jnp.roll(grid, di, 0), dj, 1)
    born = (grid == 0) & (alive == 3)
    keep = (grid == 1) & ((alive == 2) | (alive == 3))
    return jnp.where(born | keep, 1, 0)


def flood_fill_count(grid, si, sj):
    g = grid.copy()
    n, m = g.shape
    stack_i = np.zeros(n * m * 4, np.int32)
    stack_j = np.zeros(n * m * 4, np.int32)
    top = 0
    stack_i[0] = si
    stack_j[0] = sj
    top = 1
    filled = 0
    while top > 0:
        top -= 1
        i = stack_i[top]
        j = stack_j[top]
        if i < 0 or i >= n or j < 0 or j >= m:
            continue
        if g[i, j] != 0:
            continue
        g[i, j] = 2
        filled += 1
        for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            stack_i[top] = i + di
            stack_j[top] = j + dj
            top += 1
    return filled


def longest_increasing_subsequence(a):
    n = a.shape[0]
    best = np.ones(n, np.int32)
    for i in range(n):
        for j in range(i):
            if a[j] < a[i] and best[j] + 1 > best[i]:
                best[i] = best[j] + 1
    return best.max()


def edit_distance(a, b):
    n, m = a.shape[0], b.shape[0]
    d = np.zeros((n + 1, m + 1), np.int32)
    for i in range(n + 1):
        d[i, 0] = i
    for j in range(m + 1):
        d[0, j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i, j] = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + cost)
    return d[n, m]


def knapsack(weights, values, capacity):
    best = np.zeros(capacity + 1, np.float32)
    for k in range(weights.shape[0]):
        for c in range(capacity, weights[k] - 1, -1):
            if best[c - weights[k]] + values[k] > best[c]:
                best[c] = best[c - weights[k]] + values[k]
    return best[capacity]


def coin_change_ways(amount):
    coins = (1, 2, 5)
    ways = np.zeros(amount + 1, np.int32)
    ways[0] = 1
    for c in coins:
        for v in range(c, amount + 1):
            ways[v] += ways[v - c]
    return ways[amount]


def max_subarray_kadane(a):
    best = a[0]
    cur = a[0]
    for x in a[1:]:
        cur = x if cur < 0 else cur + x
        if cur > best:
            best = cur
    return best


def balanced_brackets(codes):
    depth = 0
    for c in codes:
        if c == 1:
            depth += 1
        elif c == -1:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def pascal_row(n):
    row = np.zeros(n + 1, np.int32)
    row[0] = 1
    for k in range(1, n + 1):
        for j in range(k, 0, -1):
            row[j] = row[j] + row[j - 1]
    return row


def spiral_sum(m):
    top, bottom = 0, m.shape[0] - 1
    left, right = 0, m.shape[1] - 1
    total = 0.0
    order = 0.0
    while top <= bottom and left <= right:
        for j in range(left, right + 1):
            order = order * 0.5 + m[top, j]
            total += m[top, j]
        top += 1
        for i in range(top, bottom + 1):
            order = order * 0.5 + m[i, right]
            total += m[i, right]
        right -= 1
        if top <= bottom:
            for j in range(right, left - 1, -1):
                order = order * 0.5 + m[bottom, j]
                total += m[bottom, j]
            bottom -= 1
        if left <= right:
            for i in range(bottom, top - 1, -1):
                order = order * 0.5 + m[i, left]
                total += m[i, left]
            left += 1
    return total, order


GLIDER = np.zeros((6, 6), np.int32)
GLIDER[0, 1] = GLIDER[1, 2] = GLIDER[2, 0] = GLIDER[2, 1] = GLIDER[2, 2] = 1
MAZE = np.array([[0, 0, 1, 0], [1, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0]], np.int32)

CASES = [
    Case(bfs_distances, [(ADJ, 0), (ADJ, 4)], note="BFS with an array queue"),
    Case(dfs_reachable_count, [(ADJ, 0)], note="iterative DFS with continue"),
    Case(dijkstra_dense, [(W, 0), (W, 3)], note="dense Dijkstra, break when no vertex left"),
    Case(floyd_warshall, [(W,)], note="Floyd-Warshall in place"),
    Case(life_step, [(GLIDER,)], note="game of life, loops and elif"),
    Case(life_step_jnp, [(GLIDER,)], note="game of life, vectorised with static loops"),
    Case(flood_fill_count, [(MAZE, 0, 0), (MAZE, 3, 3)], note="flood fill with an explicit stack"),
    Case(longest_increasing_subsequence, [(np.array([3, 1, 4, 1, 5, 9, 2, 6], np.int32),)],
         note="O(n^2) LIS"),
    Case(edit_distance, [(np.array([1, 2, 3, 4], np.int32), np.array([1, 3, 4, 5, 6], np.int32))],
         note="Levenshtein distance with min() of three"),
    Case(knapsack, [(np.array([2, 3, 4], np.int32), np.array([3.0, 4.0, 5.0], np.float32), 5)],
         static_argnums=(2,), note="0/1 knapsack, reversed inner range with a traced bound"),
    Case(coin_change_ways, [(10,), (3,)], static_argnums=(0,), note="coin change count"),
    Case(coin_change_ways, [(10,)], label="traced amount", note="coin change with a traced amount",
         jit_error="np.zeros(amount + 1) needs a static size"),
    Case(max_subarray_kadane,
         [(np.array([-2.0, 1.0, -3.0, 4.0, -1.0, 2.0, 1.0, -5.0], np.float32),)],
         note="Kadane"),
    Case(balanced_brackets, [(np.array([1, 1, -1, -1], np.int32),),
                             (np.array([1, -1, -1, 1], np.int32),),
                             (np.array([1, 0, 1], np.int32),)],
         note="bracket depth with early exit"),
    Case(pascal_row, [(0,), (5,)], static_argnums=(0,), note="Pascal's triangle row in place"),
    Case(spiral_sum, [(np.arange(12, dtype=np.float32).reshape(3, 4),)],
         note="spiral traversal with four pointers"),
]
