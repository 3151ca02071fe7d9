"""Nothing lost, nothing doubled (issue 12): the same write sent by several clients at the same instant.

Each race runs the service in 8 threads, each with its own database connection (opened beforehand),
released together by a barrier; every round commits for real. A code is taken once and the others get the
usual message; concurrent updates of one family leave one history row per earlier state; a policy paid
in full by several contributions at once is activated once.

They need row locks and concurrent writers: PostgreSQL (the CI's second pass, `DB_ENGINE=postgresql`).
SQLite serialises its writers by holding the whole database (IMMEDIATE transactions), which the test
database of pytest does not show with threads.
"""

from __future__ import annotations

import datetime
import threading
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections

from openimis.contribution import services as contribution_services
from openimis.core.errors import ServiceError
from openimis.insuree import family_services
from openimis.insuree import services as insuree_services
from openimis.insuree.models import Family, Gender, Insuree
from openimis.location import services as location_services
from openimis.location.models import Location
from openimis.location.tests.helpers import make_tree
from openimis.policy import services as policy_services
from openimis.policy.models import ACTIVE, IDLE, InsureePolicy, Policy
from openimis.policy.tests.helpers import make_officer, make_product

WORKERS = 8
ROUNDS = 3



def _concurrent_writers() -> bool:
    """PostgreSQL; or SQLite with a test database in a file (`DB_TEST_NAME`): an in-memory one is shared
    between threads through SQLite's shared cache, whose table locks fail at once instead of waiting."""
    if connection.vendor == "postgresql":
        return True
    test_name = connection.settings_dict.get("TEST", {}).get("NAME")
    return connection.vendor == "sqlite" and bool(test_name) and "memory" not in str(test_name)


pytestmark = [
    pytest.mark.skipif(not _concurrent_writers(),
                       reason="races need concurrent writers: PostgreSQL (DB_ENGINE=postgresql, the CI's "
                              "second pass) or SQLite with a test database in a file (DB_TEST_NAME)"),
    pytest.mark.django_db(transaction=True),  # every round commits; the tables are emptied after the test
]


@pytest.fixture(autouse=True)
def _genders():
    """The code list the insurees need: a transactional test before this one may have emptied the table the
    migrations seed."""
    for code, label in (("F", "Female"), ("M", "Male")):
        Gender.objects.get_or_create(code=code, defaults={"gender": label})


class Outcome:
    def __init__(self, value=None, refusal: ServiceError | None = None, failure: BaseException | None = None):
        self.value, self.refusal, self.failure = value, refusal, failure

    def __repr__(self):
        return f"Outcome({self.value!r}, {self.refusal!r}, {self.failure!r})"


def race(work, workers: int = WORKERS) -> list[Outcome]:
    """`work(index)` in `workers` threads at once; what each returned, or the error it raised."""
    barrier = threading.Barrier(workers)
    outcomes: list[Outcome | None] = [None] * workers

    def run(index: int) -> None:
        try:
            connection.ensure_connection()  # this thread's own connection, opened before the start
            barrier.wait(timeout=30)
            outcomes[index] = Outcome(value=work(index))
        except ServiceError as error:
            outcomes[index] = Outcome(refusal=error)
        except BaseException as error:  # reported by the assertions below
            outcomes[index] = Outcome(failure=error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker is still running"
    failures = [outcome.failure for outcome in outcomes if outcome.failure is not None]
    assert not failures, failures
    return outcomes


def succeeded(outcomes: list[Outcome]) -> list:
    return [outcome.value for outcome in outcomes if outcome.refusal is None]


def refusals(outcomes: list[Outcome]) -> list[str]:
    return [outcome.refusal.message for outcome in outcomes if outcome.refusal is not None]


def test_a_new_location_code_is_taken_once():
    caught_by_the_database = 0
    for round_number in range(ROUNDS):
        code = f"RC{round_number}"
        outcomes = race(lambda index, code=code: location_services.create_location(
            None, {"type": "R", "code": code, "name": f"Race region {index}"}))
        assert len(succeeded(outcomes)) == 1, outcomes
        assert refusals(outcomes) == [f"Location code {code} is already used"] * (WORKERS - 1)
        assert Location.objects.current().filter(code=code).count() == 1
        caught_by_the_database += sum(isinstance(outcome.refusal.__cause__, IntegrityError)
                                      for outcome in outcomes if outcome.refusal is not None)
    print(f"refusals that passed the check and were stopped by the unique index: {caught_by_the_database}")


def test_a_uuid_chosen_by_the_client_is_taken_once():
    for round_number in range(ROUNDS):
        chosen = str(uuid.uuid4())
        codes = [f"RU{round_number}{index}" for index in range(WORKERS)]
        outcomes = race(lambda index, chosen=chosen, codes=codes: location_services.create_location(
            None, {"type": "R", "uuid": chosen, "code": codes[index], "name": "Race region"}))
        assert len(succeeded(outcomes)) == 1, outcomes
        assert refusals(outcomes) == [f"The uuid {chosen} is already used by another record"] * (WORKERS - 1)
        assert Location.objects.filter(uuid=chosen).count() == 1


def _insuree_data(chf_id: str, index: int) -> dict:
    return {"chf_id": chf_id, "last_name": "Racer", "other_names": f"Number {index}", "gender_id": "F",
            "dob": "1990-01-01"}


def test_a_new_insurance_number_is_taken_once():
    for round_number in range(ROUNDS):
        chf_id = f"70000000{round_number}"
        outcomes = race(lambda index, chf_id=chf_id: insuree_services.create_insuree(
            None, _insuree_data(chf_id, index)))
        assert len(succeeded(outcomes)) == 1, outcomes
        assert refusals(outcomes) == [f"The insurance number {chf_id} is already taken"] * (WORKERS - 1)
        assert Insuree.objects.current().filter(chf_id=chf_id).count() == 1


def _family(village, chf_id: str) -> Family:
    return family_services.create_family(None, {
        "head_insuree": {**_insuree_data(chf_id, 0), "current_village_id": village.id},
        "location_id": village.id, "address": "First address"})


def test_concurrent_updates_of_a_family_keep_every_earlier_state():
    village = make_tree("RF", "Race family")["villages"][0]
    for round_number in range(ROUNDS):
        family = _family(village, f"71000000{round_number}")
        addresses = [f"Address {round_number}.{index}" for index in range(WORKERS)]
        outcomes = race(lambda index, family=family, addresses=addresses: family_services.update_family(
            None, {"uuid": family.uuid, "location_id": village.id, "address": addresses[index]}))
        assert len(succeeded(outcomes)) == WORKERS, outcomes
        history = list(Family.objects.filter(legacy_id=family.id).values_list("address", flat=True))
        current = Family.objects.get(pk=family.pk).address
        assert len(history) == WORKERS
        # each history row is another earlier state: the first address and all new ones but the last
        assert Counter([*history, current]) == Counter(["First address", *addresses])


def test_a_policy_paid_in_full_several_times_at_once_is_activated_once():
    tree = make_tree("RP", "Race policy")
    product = make_product("RACE")
    officer = make_officer("RACEE1", tree["district"])
    today = datetime.date.today()
    for round_number in range(ROUNDS):
        family = _family(tree["villages"][0], f"72000000{round_number}")
        policy = policy_services.create_policy(None, {
            "enroll_date": today, "start_date": today, "expiry_date": today + datetime.timedelta(days=364),
            "value": "20", "product_id": product.id, "family_id": family.id, "officer_id": officer.id})
        assert policy.status == IDLE
        receipts = [f"RR{round_number}-{index}" for index in range(WORKERS)]
        outcomes = race(lambda index, policy=policy, receipts=receipts: contribution_services.create_premium(
            None, {"policy_uuid": policy.uuid, "amount": "20", "receipt": receipts[index], "pay_date": today,
                   "pay_type": "C"}))
        assert len(succeeded(outcomes)) == WORKERS, outcomes
        policy.refresh_from_db()
        assert policy.status == ACTIVE
        assert policy.effective_date == today
        assert Policy.objects.filter(legacy_id=policy.id).count() == 1  # one activation, one history row
        assert list(Policy.objects.filter(legacy_id=policy.id).values_list("status", flat=True)) == [IDLE]
        covered = InsureePolicy.objects.current().get(policy=policy)
        assert covered.effective_date == today
        assert InsureePolicy.objects.filter(legacy_id=covered.id).count() == 1


def test_a_receipt_is_used_once_per_product():
    tree = make_tree("RR", "Race receipt")
    product = make_product("RACR")
    officer = make_officer("RACRE1", tree["district"])
    today = datetime.date.today()
    for round_number in range(ROUNDS):
        policies = []
        for index in range(WORKERS):
            family = _family(tree["villages"][0], f"73{round_number}{index:06d}")
            policies.append(policy_services.create_policy(None, {
                "enroll_date": today, "start_date": today,
                "expiry_date": today + datetime.timedelta(days=364), "value": "20",
                "product_id": product.id, "family_id": family.id, "officer_id": officer.id}))
        receipt = f"SAME-{round_number}"

        def pay(index, policies=policies, receipt=receipt):
            return contribution_services.create_premium(None, {
                "policy_uuid": policies[index].uuid, "amount": Decimal("5"), "receipt": receipt,
                "pay_date": today, "pay_type": "C"})

        outcomes = race(pay)
        assert len(succeeded(outcomes)) == 1, outcomes
        refused = f"The receipt {receipt} is already used for this product"
        assert refusals(outcomes) == [refused] * (WORKERS - 1)
