"""Insurance numbers (CHF ID) for generated insurees: 9 digits, an 8-digit body walked through a seeded
permutation of 10000000..99999999, then a check digit that passes the configured modulo check (spec 7.5;
the Luhn-type root 10 when none is configured). Numbers some row already holds are skipped; the walk never
gives a number twice (up to 90 million)."""

from __future__ import annotations

import math
import random

from openimis.devtools.bulk import taken_values

BODY_START, BODY_SPACE = 10_000_000, 90_000_000
READ_ALL_BELOW = 500_000  # insurees: fewer, and every number in use is read once; more, each batch asks


def _luhn_group(group: int) -> int:
    """The spec's digit sum of four digits at positions 0-3 (or 4-7): positions 0 and 2 doubled."""
    total = 0
    for position, digit in enumerate(f"{group:04d}"):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total


LUHN_GROUPS = [_luhn_group(group) for group in range(10_000)]


def check_digit(body: int, root: int) -> int | None:
    """The last digit making `body` + digit valid, or None when the root cannot give one digit."""
    if root == 10:
        return -(LUHN_GROUPS[body // 10_000] + LUHN_GROUPS[body % 10_000]) % 10
    digit = body % root
    return digit if digit < 10 else None


class InsuranceNumbers:
    def __init__(self, rng: random.Random, insuree_model, root: int | None, excluded: set[str],
                 start_index: int):
        self.model = insuree_model
        self.root = int(root or 10)
        self.excluded = excluded
        self.offset = rng.randrange(BODY_SPACE)
        stride = rng.randrange(BODY_SPACE // 3, BODY_SPACE // 2)
        while math.gcd(stride, BODY_SPACE) != 1:
            stride += 1
        self.stride = stride
        self.index = start_index  # a later run over the same database continues the walk
        self.in_use: set[str] | None = None
        if start_index < READ_ALL_BELOW:
            numbers = insuree_model._base_manager.exclude(chf_id=None).values_list("chf_id", flat=True)
            self.in_use = set(numbers)

    def _next(self) -> str | None:
        body = BODY_START + (self.offset + self.index * self.stride) % BODY_SPACE
        self.index += 1
        digit = check_digit(body, self.root)
        if digit is None:
            return None
        number = f"{body}{digit}"
        return None if number in self.excluded else number

    def take(self, count: int) -> list[str]:
        numbers: list[str] = []
        while len(numbers) < count:
            candidates = []
            while len(candidates) < count - len(numbers):
                number = self._next()
                if number is not None:
                    candidates.append(number)
            taken = self.in_use if self.in_use is not None else taken_values(self.model, "chf_id", candidates)
            numbers.extend(number for number in candidates if number not in taken)
        return numbers
