"""Generated people with valid-elfproef BSNs. Only fake data: cases are about real lives."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

LANGUAGES = ("Arabisch", "Tigrinya", "Dari", "Farsi", "Turks", "Oekraïens", "Somalisch", "Koerdisch", "Engels")


def bsn_is_valid(bsn: str) -> bool:
    """The elfproef: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11 (and not all zeros)."""
    if len(bsn) != 9 or not bsn.isdigit() or bsn == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(bsn[:8], range(9, 1, -1), strict=True)) - int(bsn[8])
    return total % 11 == 0


def make_bsn(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        if digits[0] == 0:
            continue
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:  # the last digit must equal the weighted sum mod 11
            bsn = "".join(map(str, digits)) + str(check)
            if bsn_is_valid(bsn):
                return bsn


@dataclass(frozen=True)
class Person:
    naam: str
    bsn: str
    geboortedatum: str
    voertaal: str


class PersonFactory:
    def __init__(self, seed: int = 2026):
        from faker import Faker  # imported here: Faker takes ~0.2 s to load its providers

        self.rng = random.Random(seed)
        self.faker = Faker("nl_NL")
        self.faker.seed_instance(seed)

    def person(self, today: date) -> Person:
        age_days = self.rng.randint(17 * 365, 70 * 365)
        return Person(
            naam=self.faker.name(),
            bsn=make_bsn(self.rng),
            geboortedatum=(today - timedelta(days=age_days)).isoformat(),
            voertaal=self.rng.choice(LANGUAGES),
        )
