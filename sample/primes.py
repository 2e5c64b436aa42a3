"""A small file to try Quorum on: select `is_prime` and ask the models to make it faster."""


def is_prime(n):
    if n < 2:
        return False
    for d in range(2, n):
        if n % d == 0:
            return False
    return True


def primes_below(limit):
    return [n for n in range(limit) if is_prime(n)]


if __name__ == "__main__":
    print(primes_below(50))
