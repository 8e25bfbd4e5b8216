"""Integer algorithms: Collatz, GCD, modular exponentiation, primality, digits, sieves.

The classic loops of programming exercises, on int32 values (kept small enough that
Python's unbounded ints and int32 agree).
"""

import numpy as np

from case import Case


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def collatz_max(n):
    peak = n
    while n > 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        if n > peak:
            peak = n
    return peak


def gcd_euclid(a, b):
    while b != 0:
        a, b = b, a % b
    return a


def gcd_recursive_static(a, b):
    if b == 0:
        return a
    return gcd_recursive_static(b, a % b)


def binary_gcd(a, b):
    if a == 0:
        return b
    if b == 0:
        return a
    shift = 0
    while (a | b) & 1 == 0:
        a >>= 1
        b >>= 1
        shift += 1
    while a & 1 == 0:
        a >>= 1
    while b != 0:
        while b & 1 == 0:
            b >>= 1
        if a > b:
            a, b = b, a
        b = b - a
    return a << shift


def lcm_by_gcd(a, b):
    x, y = a, b
    while y:
        x, y = y, x % y
    return a // x * b


def mod_pow(base, exp, mod):
    result = 1
    base = base % mod
    while exp > 0:
        if exp & 1:
            result = result * base % mod
        exp >>= 1
        base = base * base % mod
    return result


def is_prime(n):
    if n < 2:
        return False
    if n < 4:
        return True
    if n % 2 == 0:
        return False
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def count_primes_sieve(n):
    flags = np.ones(n + 1, np.int32)
    flags[0] = 0
    flags[1] = 0
    p = 2
    while p * p <= n:
        if flags[p]:
            for m in range(p * p, n + 1, p):
                flags[m] = 0
        p += 1
    return flags.sum()


def nth_fibonacci(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def fibonacci_until(limit):
    a, b = 0, 1
    count = 0
    while b < limit:
        a, b = b, a + b
        count += 1
    return count, b


def digit_sum(n):
    s = 0
    while n > 0:
        s += n % 10
        n //= 10
    return s


def reverse_digits(n):
    r = 0
    while n > 0:
        r = r * 10 + n % 10
        n = n // 10
    return r


def is_palindrome_number(n):
    if n < 0:
        return False
    original = n
    r = 0
    while n > 0:
        r = r * 10 + n % 10
        n //= 10
    return r == original


def popcount(n):
    c = 0
    while n:
        n &= n - 1
        c += 1
    return c


def integer_sqrt(n):
    if n < 2:
        return n
    lo, hi = 1, n
    while lo <= hi:
        mid = (lo + hi) // 2
        if mid * mid == n:
            return mid
        elif mid * mid < n:
            lo = mid + 1
        else:
            hi = mid - 1
    return hi


def factorial_loop(n):
    out = 1
    for k in range(2, n + 1):
        out *= k
    return out


def binomial(n, k):
    if k < 0 or k > n:
        return 0
    if k > n - k:
        k = n - k
    c = 1
    for i in range(k):
        c = c * (n - i) // (i + 1)
    return c


def sum_multiples_3_or_5(n):
    total = 0
    for k in range(n):
        if k % 3 == 0 or k % 5 == 0:
            total += k
    return total


def largest_prime_factor(n):
    factor = 2
    last = 1
    while n > 1:
        if n % factor == 0:
            last = factor
            n //= factor
            while n % factor == 0:
                n //= factor
        factor += 1
        if factor * factor > n:
            if n > 1:
                last = n
            break
    return last


def count_divisors(n):
    count = 0
    d = 1
    while d * d <= n:
        if n % d == 0:
            count += 1 if d * d == n else 2
        d += 1
    return count


def josephus(n, k):
    survivor = 0
    for m in range(2, n + 1):
        survivor = (survivor + k) % m
    return survivor + 1


def armstrong(n):
    digits = 0
    t = n
    while t > 0:
        digits += 1
        t //= 10
    total = 0
    t = n
    while t > 0:
        d = t % 10
        p = 1
        for _ in range(digits):
            p *= d
        total += p
        t //= 10
    return total == n


def triangular_index(target):
    k = 0
    tri = 0
    while tri < target:
        k += 1
        tri += k
    return k if tri == target else -k


def perfect_number(n):
    s = 1
    d = 2
    while d * d <= n:
        if n % d == 0:
            s += d
            if d != n // d:
                s += n // d
        d += 1
    return s == n and n != 1


def base_digits(n, base):
    count = 0
    while True:
        count += 1
        n //= base
        if n == 0:
            break
    return count


def catalan(n):
    c = 1
    for i in range(n):
        c = c * 2 * (2 * i + 1) // (i + 2)
    return c


def euler_totient(n):
    result = n
    p = 2
    m = n
    while p * p <= m:
        if m % p == 0:
            while m % p == 0:
                m //= p
            result -= result // p
        p += 1
    if m > 1:
        result -= result // m
    return result


CASES = [
    Case(collatz_steps, [(1,), (6,), (27,)], note="Collatz stopping time"),
    Case(collatz_max, [(7,), (27,)], note="Collatz peak, conditional expression"),
    Case(gcd_euclid, [(48, 18), (17, 5), (0, 9)], note="Euclid's algorithm, tuple swap"),
    Case(gcd_recursive_static, [(48, 18), (21, 14)], static_argnums=(0, 1),
         note="recursive GCD on static arguments"),
    Case(binary_gcd, [(48, 18), (0, 7), (64, 48), (17, 5)], note="Stein's binary GCD"),
    Case(lcm_by_gcd, [(4, 6), (21, 6)], note="lcm with a truthiness test `while y:`"),
    Case(mod_pow, [(3, 13, 7), (2, 10, 1000), (5, 0, 13)], note="square-and-multiply"),
    Case(is_prime, [(1,), (2,), (9,), (97,), (91,)], note="trial division with early returns"),
    Case(count_primes_sieve, [(30,), (50,)], static_argnums=(0,),
         note="sieve of Eratosthenes on np.ones"),
    Case(nth_fibonacci, [(0,), (1,), (10,), (30,)], note="Fibonacci, tuple assignment"),
    Case(fibonacci_until, [(1,), (100,)], note="Fibonacci until a limit"),
    Case(digit_sum, [(0,), (12345,)], note="digit sum"),
    Case(reverse_digits, [(1230,), (7,)], note="reverse digits"),
    Case(is_palindrome_number, [(12321,), (1231,), (-1,)], note="palindrome number"),
    Case(popcount, [(0,), (255,), (1024 + 7,)], note="Kernighan popcount, `while n:`"),
    Case(integer_sqrt, [(0,), (1,), (16,), (99,)], note="binary search integer sqrt"),
    Case(factorial_loop, [(0,), (5,), (10,)], note="factorial"),
    Case(binomial, [(5, 2), (10, 7), (4, 6)], note="binomial coefficient with guards"),
    Case(sum_multiples_3_or_5, [(10,), (100,)], note="multiples of 3 or 5"),
    Case(largest_prime_factor, [(13195,), (97,), (1,)], note="largest prime factor"),
    Case(count_divisors, [(1,), (12,), (36,)], note="divisor count"),
    Case(josephus, [(7, 3), (1, 2)], note="Josephus problem"),
    Case(armstrong, [(153,), (154,), (9474,)], note="Armstrong numbers, nested loops"),
    Case(triangular_index, [(10,), (11,)], note="triangular number index"),
    Case(perfect_number, [(28,), (27,), (1,)], note="perfect number"),
    Case(base_digits, [(0, 10), (255, 2), (999, 10)], note="while True with break"),
    Case(catalan, [(0,), (5,), (10,)], note="Catalan numbers"),
    Case(euler_totient, [(1,), (9,), (36,), (97,)], note="Euler's totient"),
]
