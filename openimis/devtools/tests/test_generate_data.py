"""`openimis manage generate_data`: a synthetic population over the demo dataset, valid for the
application and shaped as the benchmark expects."""

from __future__ import annotations

import datetime
import json
import random
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from openimis.contribution.models import Premium
from openimis.core import services
from openimis.core.legacy_import.demo import DEMO_LOGIN, load_demo_dataset
from openimis.core.models import ModuleConfiguration
from openimis.devtools import numbers, population
from openimis.insuree.models import Family, Insuree
from openimis.insuree.numbers import number_error
from openimis.policy.models import ACTIVE, EXPIRED, IDLE, InsureePolicy, Policy

GENERATED = (Family, Insuree, Policy, InsureePolicy, Premium)


@pytest.fixture
def demo(db):
    services.ensure_reference_data()
    load_demo_dataset()
    return {model: set(model._base_manager.values_list("pk", flat=True)) for model in GENERATED}


def generate(**options) -> str:
    output = StringIO()
    call_command("generate_data", stdout=output, **{"insurees": 300, "seed": 1, **options})
    return output.getvalue()


def new_rows(before: dict, model):
    return model._base_manager.exclude(pk__in=before[model])


@pytest.fixture
def generated(demo):
    output = generate(batch=100)  # several batches: each is planned while the previous one is written
    assert "generated" in output and "insurees/s" in output
    return {model: new_rows(demo, model) for model in GENERATED}


class GraphQL:
    def __init__(self, client):
        self.client = client

    def __call__(self, query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}})
        return self.client.post("/api/graphql", data=body, content_type="application/json").json()

    def login(self, username: str, password: str) -> dict:
        return self("mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }",
                    {"u": username, "p": password})


def dangling_references(model) -> list[str]:
    """The foreign keys of `model` that name no row."""
    problems = []
    for field in model._meta.concrete_fields:
        if not field.is_relation:
            continue
        named = set(model._base_manager.exclude(**{field.attname: None})
                    .values_list(field.attname, flat=True).distinct())
        found = set(field.related_model._base_manager.filter(pk__in=named).values_list("pk", flat=True))
        if named - found:
            problems.append(f"{model.__name__}.{field.name}: {sorted(named - found)[:5]}")
    return problems


def test_the_population_has_the_demo_shape(generated):
    insurees, families = generated[Insuree], generated[Family]
    assert 300 <= insurees.count() <= 306
    assert 300 / 7 <= families.count() <= 300 / 2.5
    sizes = Counter(insurees.values_list("family_id", flat=True))
    assert set(sizes.values()) <= set(range(1, 8)) and 3 < sum(sizes.values()) / len(sizes) < 5
    villages = set(families.values_list("location__type", flat=True))
    assert villages == {"V"}
    for family in families.select_related("head_insuree"):
        heads = [member for member in family.members.all() if member.head]
        assert heads == [family.head_insuree] and family.head_insuree.family_id == family.id
    numbers = list(insurees.values_list("chf_id", flat=True))
    assert all(len(number) == 9 and number.isdigit() for number in numbers)
    assert Insuree.objects.filter(chf_id__in=numbers).count() == len(numbers)  # unique, and none taken
    sons = insurees.filter(last_name__icontains="son").count()
    assert 0.15 <= sons / len(numbers) <= 0.35
    ages = [(datetime.date.today() - dob).days / 365.25 for dob in insurees.values_list("dob", flat=True)]
    assert min(ages) < 10 and max(ages) > 65
    assert set(insurees.values_list("gender_id", flat=True)) <= {"M", "F"}
    oldest = timezone.now() - datetime.timedelta(days=3 * 366)
    for model, rows in generated.items():
        assert not rows.filter(validity_to__isnull=False).exists()
        assert not rows.filter(legacy_id__isnull=False).exists()
        assert not rows.filter(validity_from__lt=oldest).exists()
        assert not rows.filter(validity_from__gt=timezone.now()).exists()
        if hasattr(model, "uuid"):
            uuids = list(rows.values_list("uuid", flat=True))
            assert len(set(uuids)) == len(uuids) and all(len(uuid) == 36 for uuid in uuids)
        assert not rows.filter(audit_user_id=0).exists()
        assert dangling_references(model) == []


def test_policies_cover_the_families_and_premiums_pay_them(generated):
    policies, families = generated[Policy], generated[Family]
    assert 0.6 <= policies.count() / families.count() <= 0.95
    statuses = Counter(policies.values_list("status", flat=True))
    assert statuses[ACTIVE] > statuses[IDLE] + statuses[EXPIRED] and set(statuses) <= {ACTIVE, IDLE, EXPIRED}
    today = datetime.date.today()
    for policy in policies.select_related("product", "family", "officer").prefetch_related(
            "insuree_policies__insuree", "premiums"):
        village_and_above = {policy.family.location_id, policy.family.location.parent.parent_id,
                             policy.family.location.parent.parent.parent_id}
        assert policy.product.location_id is None or policy.product.location_id in village_and_above
        assert policy.officer.validity_to is None
        assert policy.enroll_date < today and policy.start_date <= policy.expiry_date
        members = policy.family.members.count()
        covered = policy.insuree_policies.all()
        limit = policy.product.max_members or members
        assert len(covered) == min(members, limit)
        for coverage in covered:
            assert coverage.insuree.family_id == policy.family_id
            assert (coverage.start_date, coverage.effective_date, coverage.expiry_date) == (
                policy.start_date, policy.effective_date, policy.expiry_date)
        paid = sum((premium.amount for premium in policy.premiums.all()), Decimal(0))
        if policy.status == IDLE:
            assert paid == 0 and policy.effective_date is None
        else:
            assert paid == policy.value > 0
            assert policy.effective_date == max(max(p.pay_date for p in policy.premiums.all()),
                                                policy.start_date)
        if policy.status == ACTIVE:
            assert policy.expiry_date >= today
        if policy.status == EXPIRED:
            assert policy.expiry_date < today
    receipts = list(generated[Premium].values_list("policy__product_id", "receipt"))
    assert len(set(receipts)) == len(receipts)


def test_the_api_lists_the_population(generated, client):
    gql = GraphQL(client)
    assert "errors" not in gql.login(*DEMO_LOGIN)
    sons = generated[Insuree].filter(last_name__icontains="son").count()
    result = gql('{ insurees(first: 5, lastName_Icontains: "son") { totalCount edges { node { chfId lastName '
                 'family { uuid headInsuree { chfId } } } } } '
                 'families(first: 5) { totalCount edges { node { uuid validityFrom } } } '
                 'policies(first: 5) { totalCount edges { node { uuid status value product { code } } } } '
                 'premiums(first: 5) { totalCount edges { node { receipt amount payDate } } } }')
    assert "errors" not in result, result
    data = result["data"]
    assert data["insurees"]["totalCount"] >= sons and len(data["insurees"]["edges"]) == 5
    assert data["families"]["totalCount"] >= generated[Family].count()
    newest = [edge["node"]["validityFrom"] for edge in data["families"]["edges"]]
    assert newest == sorted(newest, reverse=True)
    assert data["policies"]["totalCount"] >= generated[Policy].count()
    assert data["premiums"]["totalCount"] >= generated[Premium].count()
    active = generated[Policy].filter(status=ACTIVE).first()
    head = active.family.head_insuree.chf_id
    result = gql('query($chfId: String!) { policiesByInsuree(chfId: $chfId, activeOrLastExpiredOnly: true) '
                 '{ edges { node { productCode status expiryDate balance } } } '
                 'policyEligibilityByInsuree(chfId: $chfId) { prodId totalVisitsLeft } }', {"chfId": head})
    assert "errors" not in result, result
    assert [edge["node"]["productCode"] for edge in result["data"]["policiesByInsuree"]["edges"]] == [
        active.product.code]


def test_the_database_accepts_every_reference(demo):
    generate(insurees=50, reference_checks=True)  # PostgreSQL fires its foreign-key triggers for anyone
    connection.check_constraints()
    assert new_rows(demo, Insuree).count() >= 50


def test_the_same_seed_gives_the_same_people(demo):
    def people():
        rows = new_rows(demo, Insuree).order_by("id")
        return list(rows.values_list("chf_id", "last_name", "other_names", "dob", "uuid", "family__uuid"))

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        generate(insurees=40, seed=7)
        first = people()
        raise Undo
    generate(insurees=40, seed=7)
    assert people() == first
    generate(insurees=40, seed=7)  # over a database that changed, the same seed draws other rows
    numbers_and_uuids = [(row[0], row[4]) for row in people()]
    assert len(numbers_and_uuids) > len(first)
    for values in zip(*numbers_and_uuids, strict=True):
        assert len(set(values)) == len(values)


@pytest.mark.parametrize("read_all", [True, False])
def test_numbers_in_use_are_skipped(demo, monkeypatch, read_all):
    monkeypatch.setattr(numbers, "READ_ALL_BELOW", 10 ** 9 if read_all else 0)
    first = numbers.InsuranceNumbers(random.Random(3), Insuree, None, set(), 0).take(3)
    Insuree.objects.filter(pk=Insuree.objects.order_by("pk").first().pk).update(chf_id=first[1])
    again = numbers.InsuranceNumbers(random.Random(3), Insuree, None, set(), 0).take(3)
    assert again[0] == first[0] and first[1] not in again and again[1] == first[2]


@pytest.mark.parametrize("root", [10, 7])
def test_insurance_numbers_pass_the_configured_check(demo, root):
    ModuleConfiguration.objects.create(module="insuree", layer="be",
                                       config=f'{{"insuree_number_modulo_root": {root}}}')
    generate(insurees=60, batch=25)
    for number, uuid in new_rows(demo, Insuree).values_list("chf_id", "uuid"):
        assert number_error(number, except_uuid=uuid) is None, number


def test_name_lists_keep_son_to_a_quarter():
    assert all("son" in name.lower() for name in population.SON_LAST_NAMES)
    others = population.OTHER_LAST_NAMES + population.MALE_NAMES + population.FEMALE_NAMES
    assert not any("son" in name.lower() for name in others)


def test_an_empty_database_is_refused(db):
    with pytest.raises(CommandError, match="load the demo dataset"):
        generate()
    assert not Insuree.objects.exists() and not Family.objects.exists()
