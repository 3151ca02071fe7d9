"""The enquiry of fe-policy (spec 7.6): eligibility by insuree, item and service, with the operations'
texts as the package writes them. Claims do not exist yet: nothing has been used."""

from __future__ import annotations

import pytest

from openimis.policy.tests.helpers import new_policy, world
from openimis.product.models import ProductItem, ProductService
from openimis.product.tests.helpers import make_item, make_service

pytestmark = pytest.mark.django_db

ELIGIBILITY = """
    {
      policyEligibilityByInsuree(chfId:"%s")
      {
        prodId,
        totalAdmissionsLeft, totalVisitsLeft, totalConsultationsLeft, totalSurgeriesLeft, totalDeliveriesLeft, totalAntenatalLeft,
        consultationAmountLeft, surgeryAmountLeft, deliveryAmountLeft, hospitalizationAmountLeft, antenatalAmountLeft
      }
    }
"""  # noqa: E501
ITEM = '{ policyItemEligibilityByInsuree(chfId:"%s", itemCode:"%s") { minDateItem, itemLeft, isItemOk } }'
SERVICE = ('{ policyServiceEligibilityByInsuree(chfId:"%s", serviceCode:"%s") '
           '{ minDateService, serviceLeft, isServiceOk } }')


def test_eligibility_of_a_covered_insuree(admin_gql):
    data = world(admin_gql, "EL", "500000001", max_no_visits=5, max_no_hospitalization=2,
                 max_amount_surgery=300)
    item, service = make_item(), make_service()
    ProductItem.objects.create(product=data["product"], item=item, limit_no_adult=3)
    ProductService.objects.create(product=data["product"], service=service, waiting_period_adult=2)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"], isPaid=True)
    answer = admin_gql(ELIGIBILITY % "500000001")["data"]["policyEligibilityByInsuree"]
    assert answer["prodId"] == str(data["product"].id)  # 24.10 answers the product's id
    counts = (answer["totalVisitsLeft"], answer["totalAdmissionsLeft"], answer["totalSurgeriesLeft"])
    assert counts == (5, 2, None)
    assert answer["surgeryAmountLeft"] == 300
    assert admin_gql(ITEM % ("500000001", item.code))["data"]["policyItemEligibilityByInsuree"] == {
        "minDateItem": policy.effective_date.isoformat(), "itemLeft": 3, "isItemOk": True}
    service_answer = admin_gql(SERVICE % ("500000001", service.code))["data"]
    service_answer = service_answer["policyServiceEligibilityByInsuree"]
    assert service_answer["isServiceOk"] is False  # two months of waiting from today's cover
    assert service_answer["serviceLeft"] is None
    unknown = admin_gql(ITEM % ("500000001", "NOPE"))
    assert unknown["errors"][0]["message"] == "No medical item with the code NOPE"
    unknown = admin_gql(SERVICE % ("500000001", "NOPE"))
    assert unknown["errors"][0]["message"] == "No medical service with the code NOPE"


def test_no_policy_and_unknown_insuree(admin_gql):
    world(admin_gql, "EN", "500000002")
    answer = admin_gql(ELIGIBILITY % "500000002")["data"]["policyEligibilityByInsuree"]
    assert answer["prodId"] is None and answer["totalVisitsLeft"] == 0 and answer["surgeryAmountLeft"] == 0
    refused = admin_gql(ELIGIBILITY % "000000000")
    assert "No insuree with the insurance number 000000000" in refused["errors"][0]["message"]


def test_an_idle_policy_names_its_product_and_allows_no_item(admin_gql):
    data = world(admin_gql, "EI", "500000003", max_no_visits=4)
    item = make_item()
    ProductItem.objects.create(product=data["product"], item=item, limit_no_adult=3)
    new_policy(admin_gql, data["product"], data["family"], data["officer"])  # not paid: idle
    answer = admin_gql(ELIGIBILITY % "500000003")["data"]["policyEligibilityByInsuree"]
    assert (answer["prodId"], answer["totalVisitsLeft"]) == (str(data["product"].id), 4)
    item_answer = admin_gql(ITEM % ("500000003", item.code.lower()))["data"]["policyItemEligibilityByInsuree"]
    assert item_answer["isItemOk"] is False  # an item counts under an active policy only


def test_active_or_last_expired_keeps_one_policy_per_product_besides_the_idle_ones(admin_gql):
    import datetime

    from openimis.policy.enquiry import summary_rows
    from openimis.policy.models import ACTIVE, EXPIRED, IDLE, SUSPENDED, Policy

    data = world(admin_gql, "EA", "500000004")
    made = [new_policy(admin_gql, data["product"], data["family"], data["officer"]) for _ in range(5)]
    today = datetime.date.today()
    shapes = [(ACTIVE, 30), (ACTIVE, 60), (SUSPENDED, 90), (EXPIRED, 120), (IDLE, 10)]
    for policy, (status, days) in zip(made, shapes, strict=True):
        expiry = today + datetime.timedelta(days)
        Policy.objects.filter(pk=policy.pk).update(status=status, expiry_date=expiry)
    rows = summary_rows(Policy.objects.filter(family=data["family"]).current(), True)
    assert sorted(row.policy_id for row in rows) == sorted([made[1].id, made[4].id])  # the later active
    Policy.objects.filter(pk__in=[made[0].pk, made[1].pk]).update(status=EXPIRED)
    rows = summary_rows(Policy.objects.filter(family=data["family"]).current(), True)
    assert sorted(row.policy_id for row in rows) == sorted([made[2].id, made[4].id])  # then the suspended
