"""What a generated population is built on: the villages of the database with the products sold there,
the enrolment officers serving them and their health facilities; the code lists; today's date. Read
once, before the first batch."""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone

from openimis.core.configuration import module_config


class GenerationRefused(Exception):
    """The database lacks what a population needs (villages, products, officers, code lists)."""


@dataclass
class ProductChoice:
    product: object  # the current product row (product.Product)
    date_from: datetime.date
    date_to: datetime.date
    installments: int  # how many contributions may pay a policy


@dataclass
class Area:
    """A village, with what its families can get."""

    village_id: int
    health_facility_ids: list[int] = field(default_factory=list)
    officer_ids: list[int] = field(default_factory=list)
    products: list[ProductChoice] = field(default_factory=list)


class CodeList:
    """The keys of one code list with the weight of each (unknown keys weigh 1)."""

    def __init__(self, keys: list, weights: dict | None = None):
        self.keys = keys
        self.cumulated = list(itertools.accumulate((weights or {}).get(key, 1) for key in keys))

    def draw(self, rng: random.Random):
        return rng.choices(self.keys, cum_weights=self.cumulated)[0] if self.keys else None

    def __contains__(self, key) -> bool:
        return key in self.keys


def _model(label: str):
    return apps.get_model(label)


def _current(label: str):
    return _model(label).objects.current()


def _keys(label: str) -> list:
    return list(_model(label).objects.order_by("pk").values_list("pk", flat=True))


def _ancestors(locations: dict[int, int | None], location_id: int) -> list[int]:
    found = []
    while location_id is not None and location_id not in found:
        found.append(location_id)
        location_id = locations.get(location_id)
    return found


class World:
    def __init__(self):
        if not apps.is_installed("openimis.insuree"):
            raise GenerationRefused("generate_data needs the insuree module")
        self.today = timezone.now().date()
        self.midnight = datetime.datetime.combine(self.today, datetime.time(), tzinfo=datetime.UTC)
        self.with_policies = apps.is_installed("openimis.policy")
        self.with_premiums = self.with_policies and apps.is_installed("openimis.contribution")
        self.majority = int(module_config("core").get("age_of_majority", 18))
        try:  # born on or before this day: an adult today
            self.adults_born_by = self.today.replace(year=self.today.year - self.majority)
        except ValueError:  # 29 February
            self.adults_born_by = self.today.replace(year=self.today.year - self.majority, day=28)
        insuree_config = module_config("insuree")
        self.modulo_root = insuree_config.get("insuree_number_modulo_root")
        self.excluded_numbers = set(insuree_config.get("excluded_insuree_chfids") or [])
        self._check_number_length(insuree_config)
        self.genders = CodeList(_keys("insuree.Gender"), {"O": 0})
        self.family_types = CodeList(_keys("insuree.FamilyType"),
                                     {"H": 85, "C": 2, "G": 3, "O": 3, "P": 1, "S": 3, "T": 3})
        self.confirmation_types = CodeList(_keys("insuree.ConfirmationType"))
        self.professions = CodeList(_keys("insuree.Profession"), {1: 2, 2: 3, 3: 4, 4: 1})
        self.educations = CodeList(_keys("insuree.Education"), {1: 0, 2: 4, 3: 4, 4: 2, 5: 1, 6: 0, 7: 1})
        self.identification_types = CodeList(_keys("insuree.IdentificationType"), {"N": 6, "V": 2})
        self.relations = set(_keys("insuree.Relation"))
        self.audit_user_id = self._audit_user_id()
        self.areas = self._areas()
        self._refuse_when_empty()

    @staticmethod
    def _check_number_length(config: dict) -> None:
        shortest, longest = config.get("insuree_number_min_length"), config.get("insuree_number_max_length")
        if (longest and int(longest) < 9) or (shortest and int(shortest) > 9):
            raise GenerationRefused("the insurance numbers generated have 9 digits, which the configured "
                                    "insuree_number_min_length / insuree_number_max_length refuse")

    def _audit_user_id(self) -> int:
        users = _current("core.InteractiveUser").order_by("id")
        admin = users.filter(login_name="Admin").first() or users.first()
        return admin.id if admin else 0

    def _areas(self) -> list[Area]:
        parents = dict(_current("location.Location").values_list("id", "parent_id"))
        villages = _current("location.Location").filter(type="V").order_by("id").values_list("id", flat=True)
        facilities: dict[int, list[int]] = {}
        for facility_id, location_id in _current("location.HealthFacility").order_by("id").values_list(
                "id", "location_id"):
            facilities.setdefault(location_id, []).append(facility_id)
        officers = _current("core.Officer").exclude(works_to__date__lt=self.today).order_by("id")
        officer_areas = dict(officers.values_list("id", "location_id"))
        served: dict[int, list[int]] = {}
        for officer_id, village_id in _current("location.OfficerVillage").filter(
                officer_id__in=list(officer_areas)).order_by("id").values_list("officer_id", "location_id"):
            served.setdefault(village_id, []).append(officer_id)
        products = self._products() if self.with_policies else []
        areas = []
        for village_id in villages:
            above = _ancestors(parents, village_id)
            area = Area(village_id)
            for location_id in above:
                area.health_facility_ids.extend(facilities.get(location_id, []))
            area.officer_ids = (served.get(village_id)
                                or [officer for officer, where in officer_areas.items() if where in above]
                                or list(officer_areas))
            area.products = [choice for choice in products
                             if choice.product.location_id is None or choice.product.location_id in above]
            areas.append(area)
        return areas

    def _products(self) -> list[ProductChoice]:
        oldest = self.today - datetime.timedelta(days=3 * 366)
        choices = []
        for product in _current("product.Product").order_by("id"):
            date_from, date_to = product.date_from.date(), product.date_to.date()
            if date_to >= oldest and date_from < self.today:
                installments = max(1, product.max_installments or 1)
                choices.append(ProductChoice(product, date_from, date_to, installments))
        return choices

    def _refuse_when_empty(self) -> None:
        missing = []
        if not self.areas:
            missing.append("villages")
        if not self.genders.keys:
            missing.append("genders")
        if self.with_policies:
            if not any(area.products for area in self.areas):
                missing.append("current products sold in a village")
            if not any(area.officer_ids for area in self.areas):
                missing.append("enrolment officers")
        if missing:
            raise GenerationRefused(
                f"the database has no {', '.join(missing)} to build a population on; load the demo dataset "
                "first (`openimis manage load_demo_data` on an empty database, or start the server once "
                "with DEMO_DATASET=true)")
