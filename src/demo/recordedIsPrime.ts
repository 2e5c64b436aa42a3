/**
 * Recorded answers to the sample's own ask, "make is_prime faster" on sample/primes.py. Every answer
 * keeps `is_prime(n)`'s name and signature, so the pick can replace the selected function and
 * `primes_below` still calls it. The Llama answer stops its divisor loop one short of the square
 * root (9, 25 and 49 come out prime), a mistake the other models' tests catch.
 *
 * The models are sent either the selected function or, with nothing selected, the whole file; they
 * answer in kind: the function alone (no `__main__` block, the file has one), or the whole file.
 */
import { recordingsOf, type AnswerParts } from './answerParts';
import type { Recording } from './replayTypes';

const FILE_HEAD =
  '"""A small file to try Quorum on: select `is_prime` and ask the models to make it faster."""\n\n\n';
const FILE_TAIL = `

def primes_below(limit):
    return [n for n in range(limit) if is_prime(n)]


if __name__ == "__main__":
    print(primes_below(50))
`;

const gpt4oMini: AnswerParts = {
  before:
    'Trial division only needs to test divisors up to √n, and after 2 and 3 every prime is of the form 6k ± 1, so the loop can step by 6:',
  code: `def is_prime(n):
    if n < 2:
        return False
    if n < 4:
        return True
    if n % 2 == 0 or n % 3 == 0:
        return False
    d = 5
    while d * d <= n:
        if n % d == 0 or n % (d + 2) == 0:
            return False
        d += 6
    return True
`,
  tests: `assert is_prime(2) and is_prime(3) and is_prime(5)
assert not is_prime(1) and not is_prime(0) and not is_prime(-7)
assert not is_prime(9) and not is_prime(25) and not is_prime(49)
assert is_prime(97) and not is_prime(91)
assert is_prime(7919)`,
  after: 'This checks O(√n / 3) candidates instead of n − 2.',
};

// Stops at int(n ** 0.5) exclusive: squares of primes (9, 25, 49) pass as prime.
const llama33: AnswerParts = {
  before: `**Optimized Prime Check**
==========================

We can skip even numbers and stop at the square root of \`n\`:`,
  code: `def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    for d in range(3, int(n ** 0.5), 2):
        if n % d == 0:
            return False
    return True
`,
  tests: `assert is_prime(2)
assert is_prime(13)
assert not is_prime(1)
assert not is_prime(10)`,
  after:
    '### Explanation\n\n*   Even numbers other than 2 are rejected at once.\n*   Odd divisors are tested up to the square root.',
};

const qwenCoder: AnswerParts = {
  before: '',
  code: `import math


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    for d in range(3, math.isqrt(n) + 1, 2):
        if n % d == 0:
            return False
    return True
`,
  tests: `assert is_prime(2)
assert not is_prime(9)
assert is_prime(31)
assert not is_prime(1)
assert not is_prime(121)`,
};

const deepseekR1: AnswerParts = {
  reasoning: `Okay, the user wants is_prime to be faster, and it must keep the same name and signature because primes_below calls it.

The current loop tries every d from 2 to n - 1. A composite n has a factor no larger than sqrt(n), so stopping at d * d <= n is enough. Even numbers can go first: 2 is prime, any other even number is not. Then only odd d need testing.

Edge cases: n < 2 is not prime (0, 1, negatives). 9 = 3 * 3 must be caught, so the condition must be d * d <= n, not d * d < n. 25 the same.

Tests: 2, 3, 9, 25, 97, 1, 0.`,
  before: 'Test divisors only up to √n, and only odd ones after 2:',
  code: `def is_prime(n: int) -> bool:
    """True when n is a prime number."""
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
`,
  tests: `assert is_prime(2) and is_prime(3)
assert not is_prime(9)
assert not is_prime(25)
assert is_prime(97)
assert not is_prime(0) and not is_prime(1)`,
};

const ANSWERS: Readonly<Record<string, AnswerParts>> = {
  'demo-gpt-4o-mini': gpt4oMini,
  'demo-llama-3.3-70b': llama33,
  'demo-qwen2.5-coder': qwenCoder,
  'demo-deepseek-r1': deepseekR1,
};

/** The answers to the selected function, and to the whole file. */
export const IS_PRIME_ANSWERS = recordingsOf(ANSWERS, 'python');
export const IS_PRIME_FILE_ANSWERS: Readonly<Record<string, Recording>> = recordingsOf(
  ANSWERS,
  'python',
  (code) => FILE_HEAD + code + FILE_TAIL,
);
