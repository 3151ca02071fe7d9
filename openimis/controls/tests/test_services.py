"""The rules of the mobile enrolment, called on the service: what is refused before anything is written,
and the parts that name an existing record."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import translation

from openimis.controls import services
from openimis.core import services as core_services
from openimis.core.errors import PermissionDenied, ServiceError, ValidationFailed
from openimis.insuree.models import Family, Insuree
from openimis.insuree.tests.helpers import places
from openimis.policy.models import Policy
from openimis.policy.tests.helpers import make_officer, make_product

TODAY = datetime.date.today()


@pytest.fixture
def admin(db):
    return core_services.create_administrator("Admin", "admin123", "Admin", "Admin")


@pytest.fixture
def world(db):
    tree = places("MS")
    return {"village": tree["villages"][0], "product": make_product("MS1"),
            "officer": make_officer("MSE1", tree["district"])}


def family_data(world, chf_id: str = "400000001", **changes) -> dict:
    head = {"chf_id": chf_id, "last_name": "Wanjiru", "other_names": "Ann", "gender_id": "F",
            "dob": "1990-01-01", "uuid": str(uuid.uuid4())}
    return {"uuid": str(uuid.uuid4()), "location_id": world["village"].id, "head_insuree": head, **changes}


def policy_data(world, mobile_id: int, **changes) -> dict:
    return {"mobile_id": mobile_id, "enroll_date": TODAY.isoformat(), "start_date": TODAY.isoformat(),
            "expiry_date": (TODAY + datetime.timedelta(days=364)).isoformat(), "value": "20.00",
            "product_id": world["product"].id, "family_id": 0, "officer_id": world["officer"].id, **changes}


def refusal(actor, data: dict) -> ServiceError:
    counts = (Family.objects.count(), Insuree.objects.count(), Policy.objects.count())
    with pytest.raises(ServiceError) as caught:
        services.enrol(actor, data)
    assert (Family.objects.count(), Insuree.objects.count(), Policy.objects.count()) == counts
    return caught.value


def test_refused_before_anything_is_written(admin, world):
    assert isinstance(refusal(None, {"family": family_data(world)}), PermissionDenied)
    assert refusal(admin, {"policies": [], "premiums": []}).message == "The enrolment has no family"
    twice = refusal(admin, {"family": family_data(world), "policies": [policy_data(world, 1),
                                                                        policy_data(world, 1)]})
    assert twice.message == "Two policies of the enrolment have the mobileId 1"
    unnumbered = refusal(admin, {"family": family_data(world), "policies": [policy_data(world, None)]})
    assert unnumbered.message == "Policy 1 of the enrolment has no mobileId"
    headless = refusal(admin, {"family": {**family_data(world), "head_insuree": None}})
    assert headless.message == "A family needs a head insuree"
    assert headless.as_dicts() == [{"message": "A family needs a head insuree", "detail": "family"}]


def test_the_policies_belong_to_the_enrolled_family_whatever_family_id_they_carry(admin, world):
    enrolment = services.enrol(admin, {"family": family_data(world), "policies": [policy_data(world, 5)],
                                       "premiums": []})
    assert [policy.family_id for policy in enrolment.policies] == [enrolment.family.id]
    assert enrolment.insurees == [] and enrolment.premiums == []


def test_a_policy_of_another_family_is_not_taken_over(admin, world):
    first = services.enrol(admin, {"family": family_data(world), "policies": [policy_data(world, 1)]})
    taken = policy_data(world, 1, uuid=first.policies[0].uuid)
    error = refusal(admin, {"family": family_data(world, "400000002"), "policies": [taken]})
    assert error.message == "The policy belongs to another family"
    assert error.as_dicts()[0]["detail"] == f"policy 1: {first.policies[0].uuid}"


def test_errors_in_the_language_of_the_user(admin, world):
    with translation.override("fr"):
        error = refusal(admin, {"family": family_data(world), "policies": [policy_data(world, 2),
                                                                            policy_data(world, 2)]})
        assert error.message == "Deux polices de l'enrôlement ont le mobileId 2"
        assert isinstance(error, ValidationFailed)
