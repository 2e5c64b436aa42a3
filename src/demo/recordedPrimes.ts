/**
 * Recorded answers to the demo prompt "primes_up_to(n)", in the styles the real models answer in.
 * One is subtly wrong on purpose (the range stops before n) so the demo shows the judge at work.
 */
import type { Recording } from './replayTypes';

const gpt4oMini = `Here's a clean and efficient solution using the **Sieve of Eratosthenes**, which runs in O(n log log n) time:

\`\`\`python
def primes_up_to(n):
    """Return a list of all prime numbers less than or equal to n."""
    if n < 2:
        return []
    is_prime = [True] * (n + 1)
    is_prime[0] = is_prime[1] = False
    for i in range(2, int(n ** 0.5) + 1):
        if is_prime[i]:
            for multiple in range(i * i, n + 1, i):
                is_prime[multiple] = False
    return [i for i, prime in enumerate(is_prime) if prime]


if __name__ == "__main__":
    print(primes_up_to(50))
\`\`\`

### How it works
1. We create a boolean list \`is_prime\` where each index represents a number.
2. Starting from 2, we mark all multiples of each prime as \`False\`.
3. We only need to check up to \`√n\`, since any composite number has a factor no larger than its square root.
4. Finally, we collect the indices still marked \`True\`.

\`\`\`python tests
assert primes_up_to(50) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]
assert primes_up_to(1) == []
assert primes_up_to(2) == [2]
assert primes_up_to(13)[-1] == 13
assert primes_up_to(0) == []
assert len(primes_up_to(100)) == 25
\`\`\`

**Output:**
\`\`\`text
[2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]
\`\`\``;

// Trial division that stops at n - 1: right for 50 (not prime), wrong whenever n itself is prime.
const llama33 = `**Prime Numbers up to N**
==========================

Here's a Python function that generates a list of prime numbers up to a given number \`n\`.

\`\`\`python
def primes_up_to(n):
    """
    Returns a list of prime numbers up to n.

    Args:
        n (int): The upper limit.

    Returns:
        list: A list of prime numbers.
    """
    primes = []
    for num in range(2, n):
        is_prime = True
        for i in range(2, int(num ** 0.5) + 1):
            if num % i == 0:
                is_prime = False
                break
        if is_prime:
            primes.append(num)
    return primes


if __name__ == "__main__":
    print(primes_up_to(50))
\`\`\`

### Explanation

*   We iterate over each number \`num\` starting from 2.
*   For each number, we check divisibility by every \`i\` from 2 up to the square root of \`num\`.
*   If \`num\` has no divisors, it is prime and gets appended to the list.

### Tests

\`\`\`python tests
assert primes_up_to(10) == [2, 3, 5, 7]
assert primes_up_to(1) == []
assert primes_up_to(30) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
assert 4 not in primes_up_to(20)
\`\`\`

This will output: \`[2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]\``;

const qwenCoder = `\`\`\`python
def primes_up_to(n):
    return [x for x in range(2, n + 1) if all(x % d for d in range(2, int(x ** 0.5) + 1))]


if __name__ == "__main__":
    print(primes_up_to(50))
\`\`\`

\`\`\`python tests
assert primes_up_to(50)[-1] == 47
assert primes_up_to(2) == [2]
assert primes_up_to(1) == []
assert primes_up_to(11) == [2, 3, 5, 7, 11]
\`\`\``;

const deepseekR1 = `<think>
Okay, the user wants a function primes_up_to(n) that returns all primes less than or equal to n, and then print primes_up_to(50).

The classic approach is the Sieve of Eratosthenes. Create a list of booleans of size n+1, mark 0 and 1 as non-prime, then for each i from 2 up to sqrt(n), if i is still marked prime, mark its multiples starting at i*i as composite.

Wait, what if n is less than 2? Then there are no primes, so return an empty list early. Also n = 2 should give [2], so the range must include n itself — that's why the list has n+1 entries.

I could use a bytearray to save memory, and slice assignment is faster than an inner loop: sieve[i*i::i] = bytes(len(range(i*i, n+1, i))). That's neat.

Let me check with n = 10: sieve starts all ones, clear 0 and 1. i=2: clear 4, 6, 8, 10. i=3: clear 9. sqrt(10) ≈ 3.16 so stop. Remaining: 2, 3, 5, 7. Correct.

For 50 the answer should be 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47 — fifteen primes.

The instructions also ask for a tests block with asserts. I'll include edge cases: 0, 1, 2, a prime boundary like 13, and the count of primes below 100, which is 25.
</think>

To find all primes up to \`n\`, the Sieve of Eratosthenes is the standard choice: it crosses out multiples of each prime, and whatever survives is prime.

\`\`\`python
import math


def primes_up_to(n: int) -> list[int]:
    """Return all primes p with 2 <= p <= n, using the Sieve of Eratosthenes."""
    if n < 2:
        return []
    sieve = bytearray([1]) * (n + 1)
    sieve[0] = sieve[1] = 0
    for i in range(2, math.isqrt(n) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytes(len(range(i * i, n + 1, i)))
    return [i for i, flag in enumerate(sieve) if flag]


if __name__ == "__main__":
    print(primes_up_to(50))
\`\`\`

\`\`\`python tests
assert primes_up_to(0) == []
assert primes_up_to(1) == []
assert primes_up_to(2) == [2]
assert primes_up_to(13) == [2, 3, 5, 7, 11, 13]
assert len(primes_up_to(100)) == 25
assert primes_up_to(50)[-1] == 47
\`\`\`

**Key points:**
- \`math.isqrt\` avoids floating-point error in the square root bound.
- Slice assignment on a \`bytearray\` clears all multiples in one step, which is much faster than a Python-level inner loop.`;

export const PRIMES_ANSWERS: Readonly<Record<string, Recording>> = {
  'demo-gpt-4o-mini': { text: gpt4oMini, ttftMs: 380, chunkDelayMs: 9 },
  'demo-llama-3.3-70b': { text: llama33, ttftMs: 170, chunkDelayMs: 3 },
  'demo-qwen2.5-coder': { text: qwenCoder, ttftMs: 650, chunkDelayMs: 22 },
  'demo-deepseek-r1': { text: deepseekR1, ttftMs: 900, chunkDelayMs: 6 },
};
