"""Who lives in a generated family: names, sizes, relationships, ages, genders. Pure draws from a seeded
`random.Random`, no database.

About a quarter of all people bear a last name containing "son" (the benchmark searches
`lastName_Icontains: "son"`); no other name of these lists contains it.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

SON_SHARE = 0.25
SON_LAST_NAMES = (
    "Johnson", "Wilson", "Anderson", "Jackson", "Nelson", "Robinson", "Thompson", "Harrison", "Peterson",
    "Richardson", "Watson", "Dawson", "Ferguson", "Gibson", "Hudson", "Morrison", "Stevenson", "Davidson",
    "Carlson", "Larson", "Olson", "Simpson", "Hanson", "Jameson", "Pearson", "Benson", "Dickson", "Patterson",
)
OTHER_LAST_NAMES = (
    "Macintyre", "Smith", "Brown", "Taylor", "Miller", "Davis", "Garcia", "Rodriguez", "Martinez", "Lopez",
    "Moore", "Martin", "Lee", "White", "Harris", "Clark", "Lewis", "Walker", "Hall", "Allen", "Young",
    "King", "Wright", "Scott", "Green", "Baker", "Adams", "Hill", "Campbell", "Mitchell", "Roberts",
    "Carter", "Phillips", "Evans", "Turner", "Torres", "Parker", "Collins", "Edwards", "Stewart", "Morris",
    "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward",
    "Wood", "Brooks", "Bennett", "Gray", "Hughes", "Price", "Foster", "Ross", "Powell", "Sullivan",
    "Mwangi", "Otieno", "Kamau", "Wanjiru", "Achieng", "Okello", "Mensah", "Boateng", "Nkosi", "Dlamini",
    "Banda", "Phiri", "Mutua", "Kariuki", "Njoroge", "Diallo", "Traore", "Keita", "Ndlovu", "Moyo",
)
MALE_NAMES = (
    "Joseph", "Abu", "John", "David", "Peter", "James", "Daniel", "Samuel", "Paul", "Michael", "Emmanuel",
    "Joshua", "Isaac", "Moses", "Elijah", "Omar", "Juma", "Baraka", "Kofi", "Kwame", "Amadou", "Ibrahim",
    "Thomas", "George", "Henry", "Charles", "Frank", "Patrick", "Victor", "Felix", "Oscar", "Hugo",
)
FEMALE_NAMES = (
    "Jane", "Adele", "Mary", "Grace", "Esther", "Ruth", "Sarah", "Fatuma", "Amina", "Zawadi", "Neema",
    "Aisha", "Halima", "Mariam", "Rose", "Joyce", "Agnes", "Lucy", "Alice", "Clara", "Irene", "Naomi",
    "Eva", "Hannah", "Lydia", "Martha", "Olivia", "Sophie", "Chloe", "Nadia", "Leila", "Imani",
)
STREETS = ("Ranchou", "Jetset", "Market", "Mission", "Station", "River", "Hill", "Church", "School",
           "Lake", "Forest", "Mango", "Baobab", "Harbour", "Garden")
STREET_KINDS = ("road", "street", "lane", "zone", "avenue")

FAMILY_SIZES = (1, 2, 3, 4, 5, 6, 7)
FAMILY_SIZE_WEIGHTS = (8, 12, 17, 22, 18, 13, 10)  # mean 4.1
FAMILY_SIZE_CUMULATED = list(itertools.accumulate(FAMILY_SIZE_WEIGHTS))

# relationship ids of the openIMIS code list
SIBLING, PARENT, UNCLE, CHILD, GRANDPARENT, EMPLOYEE, OTHER, SPOUSE = 1, 2, 3, 4, 5, 6, 7, 8
MEMBER_KINDS = (CHILD, PARENT, SIBLING, UNCLE, GRANDPARENT, OTHER, EMPLOYEE)
MEMBER_KIND_WEIGHTS = (82, 5, 4, 2, 2, 3, 2)
MEMBER_KIND_CUMULATED = list(itertools.accumulate(MEMBER_KIND_WEIGHTS))


@dataclass(slots=True)
class Person:
    relationship: int | None  # None for the head
    age: int
    male: bool
    last_name: str
    other_names: str


def last_name(rng: random.Random) -> str:
    return rng.choice(SON_LAST_NAMES) if rng.random() < SON_SHARE else rng.choice(OTHER_LAST_NAMES)


def _first_name(rng: random.Random, male: bool) -> str:
    return rng.choice(MALE_NAMES if male else FEMALE_NAMES)


def family_size(rng: random.Random) -> int:
    return rng.choices(FAMILY_SIZES, cum_weights=FAMILY_SIZE_CUMULATED)[0]


def address(rng: random.Random) -> str:
    return f"{rng.choice(STREETS)} {rng.choice(STREET_KINDS)} {rng.randint(1, 250)}"


def _member_age(rng: random.Random, kind: int, head_age: int) -> int:
    if kind == CHILD:
        return rng.randint(0, max(0, min(head_age - 16, 45)))
    if kind in (PARENT, UNCLE):
        return min(90, head_age + rng.randint(18, 32))
    if kind == GRANDPARENT:
        return min(90, head_age + rng.randint(40, 55))
    if kind == SIBLING:
        return max(0, head_age + rng.randint(-12, 12))
    if kind == EMPLOYEE:
        return rng.randint(18, 60)
    return rng.randint(2, 80)


def members(rng: random.Random, size: int) -> list[Person]:
    """The head first, then the others in the order they were registered."""
    head_age = min(85, 18 + int(rng.triangular(0, 67, 20)))
    head_male = rng.random() < 0.6
    family_name = last_name(rng)
    people = [Person(None, head_age, head_male, family_name, _first_name(rng, head_male))]
    if size >= 2 and rng.random() < 0.8:
        spouse_age = max(18, head_age + rng.randint(-8, 8))
        spouse_name = family_name if rng.random() < 0.8 else last_name(rng)
        people.append(Person(SPOUSE, spouse_age, not head_male, spouse_name, _first_name(rng, not head_male)))
    while len(people) < size:
        kind = rng.choices(MEMBER_KINDS, cum_weights=MEMBER_KIND_CUMULATED)[0]
        male = rng.random() < 0.5
        name = family_name if kind in (CHILD, SIBLING, PARENT, GRANDPARENT) else last_name(rng)
        people.append(Person(kind, _member_age(rng, kind, head_age), male, name, _first_name(rng, male)))
    return people
