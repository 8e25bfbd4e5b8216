"""Sorting and searching: bubble/insertion/selection/gnome/cocktail sorts with in-place
swaps, binary search variants, partition, merge, rotation.

Inputs are NumPy arrays that the programs copy and sort in place (``a[i], a[j] = a[j],
a[i]``, ``a[j + 1] = a[j]``); the jitted run gets jnp arrays.
"""

import numpy as np

from case import Case

F = np.float32
DATA = [(np.array([5.0, 2.0, 9.0, 1.0, 5.5, 6.0], F),), (np.array([1.0, 2.0, 3.0], F),),
        (np.array([3.0, 2.0, 1.0, 0.0], F),)]


def bubble_sort(a):
    a = a.copy()
    n = a.shape[0]
    for i in range(n):
        swapped = False
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                swapped = True
        if not swapped:
            break
    return a


def bubble_sort_temp_swap(a):
    a = a.copy()
    n = a.shape[0]
    for i in range(n - 1):
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                t = a[j]
                a[j] = a[j + 1]
                a[j + 1] = t
    return a


def insertion_sort(a):
    a = a.copy()
    for i in range(1, a.shape[0]):
        key = a[i]
        j = i - 1
        while j >= 0 and a[j] > key:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = key
    return a


def selection_sort(a):
    a = a.copy()
    n = a.shape[0]
    for i in range(n):
        m = i
        for j in range(i + 1, n):
            if a[j] < a[m]:
                m = j
        if m != i:
            a[i], a[m] = a[m], a[i]
    return a


def gnome_sort(a):
    a = a.copy()
    i = 0
    while i < a.shape[0]:
        if i == 0 or a[i - 1] <= a[i]:
            i += 1
        else:
            a[i], a[i - 1] = a[i - 1], a[i]
            i -= 1
    return a


def cocktail_sort(a):
    a = a.copy()
    lo = 0
    hi = a.shape[0] - 1
    swapped = True
    while swapped:
        swapped = False
        for i in range(lo, hi):
            if a[i] > a[i + 1]:
                a[i], a[i + 1] = a[i + 1], a[i]
                swapped = True
        if not swapped:
            break
        hi -= 1
        swapped = False
        for i in range(hi - 1, lo - 1, -1):
            if a[i] > a[i + 1]:
                a[i], a[i + 1] = a[i + 1], a[i]
                swapped = True
        lo += 1
    return a


def odd_even_sort(a):
    a = a.copy()
    n = a.shape[0]
    for _ in range(n):
        for start in (0, 1):
            for i in range(start, n - 1, 2):
                if a[i] > a[i + 1]:
                    a[i], a[i + 1] = a[i + 1], a[i]
    return a


def sort_with_jnp_at(a):
    n = a.shape[0]
    for i in range(n):
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                lo, hi = a[j + 1], a[j]
                a = a.at[j].set(lo).at[j + 1].set(hi) if hasattr(a, "at") else _np_swap(a, j)
    return a


def _np_swap(a, j):
    a = a.copy()
    a[j], a[j + 1] = a[j + 1], a[j]
    return a


def binary_search(a, target):
    lo = 0
    hi = a.shape[0] - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if a[mid] == target:
            return mid
        elif a[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


def lower_bound(a, target):
    lo = 0
    hi = a.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


def lomuto_partition(a):
    a = a.copy()
    pivot = a[-1]
    i = 0
    for j in range(a.shape[0] - 1):
        if a[j] <= pivot:
            a[i], a[j] = a[j], a[i]
            i += 1
    a[i], a[-1] = a[-1], a[i]
    return a, i


def merge_sorted(a, b):
    out = np.zeros(a.shape[0] + b.shape[0], a.dtype)
    i = 0
    j = 0
    k = 0
    while i < a.shape[0] and j < b.shape[0]:
        if a[i] <= b[j]:
            out[k] = a[i]
            i += 1
        else:
            out[k] = b[j]
            j += 1
        k += 1
    while i < a.shape[0]:
        out[k] = a[i]
        i += 1
        k += 1
    while j < b.shape[0]:
        out[k] = b[j]
        j += 1
        k += 1
    return out


def is_sorted(a):
    for i in range(a.shape[0] - 1):
        if a[i] > a[i + 1]:
            return False
    return True


def rotate_left(a, k):
    a = a.copy()
    n = a.shape[0]
    for _ in range(k % n):
        first = a[0]
        for i in range(n - 1):
            a[i] = a[i + 1]
        a[n - 1] = first
    return a


def reverse_in_place(a):
    a = a.copy()
    i = 0
    j = a.shape[0] - 1
    while i < j:
        a[i], a[j] = a[j], a[i]
        i += 1
        j -= 1
    return a


def kth_smallest_by_selection(a, k):
    a = a.copy()
    for i in range(k + 1):
        m = i
        for j in range(i + 1, a.shape[0]):
            if a[j] < a[m]:
                m = j
        a[i], a[m] = a[m], a[i]
    return a[k]


def count_inversions(a):
    inv = 0
    for i in range(a.shape[0]):
        for j in range(i + 1, a.shape[0]):
            if a[i] > a[j]:
                inv += 1
    return inv


def dutch_flag(a):
    a = a.copy()
    lo, mid, hi = 0, 0, a.shape[0] - 1
    while mid <= hi:
        if a[mid] == 0:
            a[lo], a[mid] = a[mid], a[lo]
            lo += 1
            mid += 1
        elif a[mid] == 1:
            mid += 1
        else:
            a[mid], a[hi] = a[hi], a[mid]
            hi -= 1
    return a


def counting_sort_small(a):
    counts = np.zeros(5, np.int32)
    for v in a:
        counts[v] += 1
    out = np.zeros_like(a)
    k = 0
    for value in range(5):
        for _ in range(counts[value]):
            out[k] = value
            k += 1
    return out


def second_largest(a):
    first = a[0]
    second = a[0] - 1e9
    for v in a[1:]:
        if v > first:
            second = first
            first = v
        elif v > second and v != first:
            second = v
    return second


SORTED = [(np.array([1.0, 3.0, 4.0, 7.0, 9.0, 12.0], F), F(7.0)),
          (np.array([1.0, 3.0, 4.0, 7.0, 9.0, 12.0], F), F(5.0)),
          (np.array([1.0, 3.0, 4.0, 7.0, 9.0, 12.0], F), F(20.0))]
CASES = [
    Case(bubble_sort, DATA, note="bubble sort, tuple swap, break when no swap"),
    Case(bubble_sort_temp_swap, DATA, note="bubble sort with a temporary"),
    Case(insertion_sort, DATA, note="insertion sort, while with a compound condition"),
    Case(selection_sort, DATA, note="selection sort"),
    Case(gnome_sort, DATA, note="gnome sort, `i == 0 or a[i - 1] <= a[i]`"),
    Case(cocktail_sort, DATA, note="cocktail shaker sort"),
    Case(odd_even_sort, DATA, note="odd-even transposition sort"),
    Case(sort_with_jnp_at, [(np.array([3.0, 1.0, 2.0], F),)],
         note="bubble sort written with .at[] for jax and a NumPy fallback"),
    Case(binary_search, SORTED, note="binary search with early return"),
    Case(lower_bound, SORTED, note="lower bound"),
    Case(lomuto_partition, DATA, note="Lomuto partition, returns the pivot index"),
    Case(merge_sorted, [(np.array([1.0, 4.0, 6.0], F), np.array([2.0, 3.0, 8.0, 9.0], F))],
         note="merge of two sorted arrays into np.zeros"),
    Case(is_sorted, DATA, note="is_sorted with early return False"),
    Case(rotate_left, [(np.array([1, 2, 3, 4, 5], np.int32), 2),
                       (np.array([1, 2, 3, 4, 5], np.int32), 7)], note="rotation by shifting"),
    Case(reverse_in_place, DATA, note="two-pointer reversal"),
    Case(kth_smallest_by_selection, [(np.array([5.0, 2.0, 9.0, 1.0, 6.0], F), 2)],
         static_argnums=(1,), note="partial selection sort"),
    Case(count_inversions, DATA, note="O(n^2) inversion count"),
    Case(dutch_flag, [(np.array([2, 0, 1, 2, 1, 0], np.int32),)], note="Dutch national flag"),
    Case(counting_sort_small, [(np.array([3, 1, 4, 1, 0, 2], np.int32),)],
         note="counting sort: counts[v] += 1 and a loop over counts[value]"),
    Case(second_largest, DATA, note="second largest, elif with `and`"),
]
