"""Payments over the API, as fe-payment drives them: the operations it sends validate and answer in the
shape it reads; the mutation log lists the payments; rights; row security by district; every error path
leaves the database unchanged."""

from __future__ import annotations

import json

import pytest

from openimis.core.models import MutationLog
from openimis.location.tests.helpers import restricted_client
from openimis.payment import rights as payment_rights
from openimis.payment import services
from openimis.payment.models import MATCHED, Payment, PaymentMutation
from openimis.payment.tests.helpers import (
    FULL,
    activation_option,
    contribution,
    days,
    make_world,
    mutation,
    new_policy,
    payment_fields,
    payments_query,
    reloaded,
    row_counts,
    status_of,
)
from openimis.policy.models import ACTIVE, READY

pytestmark = pytest.mark.django_db
SEARCH = payment_rights.PAYMENT_SEARCH


@pytest.fixture
def world(db):
    return make_world()


def send(gql, name: str, fields: str, client_mutation_id: str = "cm-1") -> MutationLog:
    result = gql(mutation(name, fields, client_mutation_id))
    assert "errors" not in result, result
    assert result["data"][name]["clientMutationId"] == client_mutation_id
    return status_of(client_mutation_id)


def messages(log: MutationLog) -> list[str]:
    assert log.status == MutationLog.ERROR, (log.status, log.error)
    return [error["message"] for error in json.loads(log.error)]


def listed(gql, arguments: str = "first: 10", root: str = "payments") -> list[dict]:
    result = gql(payments_query(arguments, FULL, root))
    assert "errors" not in result, result
    data = result["data"][root]
    assert data["totalCount"] == len(data["edges"])
    return [edge["node"] for edge in data["edges"]]


def test_the_family_page_flow_creates_a_matched_payment_that_activates_the_policy(admin_gql, world):
    activation_option(2)
    policy = new_policy(world, value="50.00", start=days(-10))
    premium = contribution(policy, "50", "R1", days(-6))
    assert reloaded(policy).status == READY
    fields = payment_fields(receivedDate=days(-2).isoformat(), requestDate=days(-3).isoformat(),
                            expectedAmount="50", receivedAmount="50", status=4, receiptNo="MP-01",
                            typeOfPayment="M", officerCode="PME1", premiumUuid=premium.uuid)
    log = send(admin_gql, "createPayment", fields)
    assert log.status == MutationLog.SUCCESS, log.error
    payment = PaymentMutation.objects.get(mutation=log).payment
    assert (payment.status, payment.receipt_no) == (MATCHED, "MP-01")
    assert reloaded(policy).status == ACTIVE
    # the family page's panel
    [node] = listed(admin_gql, f'premiumUuids: ["{premium.uuid}"], orderBy: "-receivedDate", first: 10',
                    "paymentsByPremiums")
    assert (node["uuid"], node["status"], node["receivedAmount"], node["receiptNo"], node["matchedDate"]) == (
        payment.uuid, MATCHED, "50.00", "MP-01", payment.matched_date.isoformat())
    # the payment page reloads it by the client mutation id, then by uuid
    assert [n["uuid"] for n in listed(admin_gql, 'clientMutationId: "cm-1"')] == [payment.uuid]
    assert [n["uuid"] for n in listed(admin_gql, f'uuid: "{payment.uuid}"')] == [payment.uuid]
    # the mutation log lists it
    logs = admin_gql('{ mutationLogs(clientMutationId: "cm-1") { edges { node { status payments { '
                     'payment { uuid } } } } } }')
    [logged] = logs["data"]["mutationLogs"]["edges"]
    assert logged["node"]["payments"] == [{"payment": {"uuid": payment.uuid}}]


def test_the_payments_page_filters(admin_gql, world):
    premium = contribution(new_policy(world), "20", "R1")
    services.create_payment(None, {"received_amount": "20", "received_date": days(-1).isoformat(),
                                   "premium_uuid": premium.uuid, "receipt_no": "ABC-1",
                                   "type_of_payment": "M"})
    services.create_payment(None, {"expected_amount": "10", "request_date": days(-9).isoformat(),
                                   "receipt_no": "XYZ-2", "type_of_payment": "C"})
    def receipts(arguments: str) -> list[str]:
        return [node["receiptNo"] for node in listed(admin_gql, arguments)]

    assert sorted(receipts('orderBy: ["-receivedDate"], first: 10')) == ["ABC-1", "XYZ-2"]
    assert receipts('receiptNo_Icontains: "abc", first: 10') == ["ABC-1"]
    assert receipts(f'receivedDate_Gte: "{days(-2).isoformat()}"') == ["ABC-1"]
    assert receipts(f'requestDate_Lte: "{days(-5).isoformat()}"') == ["XYZ-2"]
    assert receipts(f"status: {MATCHED}") == ["ABC-1"]
    assert receipts('typeOfPayment: "C"') == ["XYZ-2"]
    assert receipts("showReconciled: true") == ["ABC-1"]
    additional = json.dumps(json.dumps({"premiumUuid": premium.uuid, "unknown": 1}))
    assert receipts(f"additionalFilter: {additional}") == ["ABC-1"]


def test_payment_details_show_the_premium_and_the_payment(admin_gql, world):
    premium = contribution(new_policy(world), "20", "R1")
    payment = services.create_payment(None, {"received_amount": "20", "received_date": days(-1).isoformat(),
                                             "premium_uuid": premium.uuid})
    result = admin_gql('{ paymentDetails(first: 10) { totalCount edges { node { productCode insuranceNumber '
                       "policyStage amount expectedAmount enrollmentDate payment { uuid status } premium { "
                       "uuid amount receipt } } } } }")
    assert "errors" not in result, result
    [edge] = result["data"]["paymentDetails"]["edges"]
    assert edge["node"] == {
        "productCode": "PM1", "insuranceNumber": "400000001", "policyStage": "N", "amount": "20.00",
        "expectedAmount": "20.00", "enrollmentDate": premium.policy.enroll_date.isoformat(),
        "payment": {"uuid": payment.uuid, "status": MATCHED},
        "premium": {"uuid": premium.uuid, "amount": "20.00", "receipt": "R1"}}
    premiums = admin_gql(f'{{ premiumsByPolicies(policyUuids: ["{premium.policy.uuid}"]) {{ edges {{ node {{ '
                         "receipt paymentDetails { totalCount edges { node { amount payment { uuid } } } } "
                         "} } } }")
    assert "errors" not in premiums, premiums
    assert premiums["data"]["premiumsByPolicies"]["edges"][0]["node"]["paymentDetails"] == {
        "totalCount": 1, "edges": [{"node": {"amount": "20.00", "payment": {"uuid": payment.uuid}}}]}
    nested = admin_gql(payments_query("first: 10", "uuid paymentDetails { totalCount edges { node { amount "
                                                   "premium { receipt } } } }"))
    assert nested["data"]["payments"]["edges"][0]["node"]["paymentDetails"] == {
        "totalCount": 1, "edges": [{"node": {"amount": "20.00", "premium": {"receipt": "R1"}}}]}


def test_update_versions_the_payment_and_delete_ends_it(admin_gql, world):
    premium = contribution(new_policy(world), "20", "R1")
    payment = services.create_payment(None, {"expected_amount": "20", "premium_uuid": premium.uuid})
    log = send(admin_gql, "updatePayment", payment_fields(
        uuid=payment.uuid, expectedAmount="20", receivedAmount="20", receivedDate=days(-1).isoformat(),
        status=1, receiptNo="U-1"), "cm-up")
    assert log.status == MutationLog.SUCCESS, log.error
    assert reloaded(payment).status == MATCHED
    assert [n["receiptNo"] for n in listed(admin_gql, "showHistory: true")] in (["U-1", None], [None, "U-1"])
    log = send(admin_gql, "deletePayment", f'uuids: ["{payment.uuid}"]', "cm-del")
    assert log.status == MutationLog.SUCCESS, log.error
    assert listed(admin_gql) == []
    log = send(admin_gql, "updatePayment", payment_fields(uuid=payment.uuid, receivedAmount="1"), "cm-again")
    assert messages(log) == ["A deleted payment or a past version of a payment cannot be changed"]


def test_mutation_errors_write_nothing(admin_gql, world):
    premium = contribution(new_policy(world), "20", "R1")
    kept = services.create_payment(None, {"received_amount": "5"})
    before = row_counts()
    log = send(admin_gql, "createPayment", payment_fields(receivedAmount="-5", premiumUuid=premium.uuid),
               "e1")
    assert messages(log) == ["Received amount cannot be negative"]
    log = send(admin_gql, "createPayment", payment_fields(status=42), "e2")
    assert messages(log) == ["Unknown payment status: 42"]
    log = send(admin_gql, "updatePayment", payment_fields(uuid=kept.uuid, receivedDate=days(5).isoformat()),
               "e3")
    assert messages(log) == [f"Received date {days(5).isoformat()} is in the future"]
    unknown = "00000000-0000-4000-8000-000000000000"
    log = send(admin_gql, "deletePayment", f'uuids: ["{kept.uuid}", "{unknown}"]', "e4")
    assert messages(log)[0] == "Payment not found"
    assert row_counts() == before and reloaded(kept).is_current


def test_rights_are_checked(gql, user_factory, world):
    premium = contribution(new_policy(world), "20", "R1")
    payment = services.create_payment(None, {"received_amount": "20", "received_date": days(-1).isoformat(),
                                             "premium_uuid": premium.uuid})
    searcher = restricted_client(user_factory, "searcher", world["district"], [SEARCH])
    assert [n["uuid"] for n in listed(searcher)] == [payment.uuid]
    before = row_counts()
    for name, fields in [("createPayment", payment_fields(receivedAmount="1")),
                         ("updatePayment", payment_fields(uuid=payment.uuid, receivedAmount="1")),
                         ("deletePayment", f'uuids: ["{payment.uuid}"]')]:
        refused = searcher(mutation(name, fields, f"r-{name}"))
        assert refused["errors"][0]["message"] == "unauthorized", name
    assert row_counts() == before
    nobody = restricted_client(user_factory, "nobody", world["district"], [])
    for root in ("payments", "paymentDetails"):
        assert nobody(f"{{ {root}(first: 1) {{ totalCount }} }}")["errors"][0]["message"] == "unauthorized"
    refused = nobody(f'{{ paymentsByPremiums(premiumUuids: ["{premium.uuid}"]) {{ totalCount }} }}')
    assert refused["errors"][0]["message"] == "unauthorized"


def test_row_security_by_district(gql, user_factory, world):
    from openimis.location.tests.helpers import make_tree

    premium = contribution(new_policy(world), "20", "R1")
    tied = services.create_payment(None, {"received_amount": "20", "received_date": days(-1).isoformat(),
                                          "premium_uuid": premium.uuid})
    loose = services.create_payment(None, {"expected_amount": "5"})
    services.update_payment(None, {"uuid": tied.uuid, "received_amount": "20",
                                   "received_date": days(-1).isoformat(), "receipt_no": "v2"})
    here = restricted_client(user_factory, "here", world["district"], [SEARCH])
    assert {n["uuid"] for n in listed(here)} == {tied.uuid, loose.uuid}
    assert len(listed(here, "showHistory: true")) == 3
    elsewhere = restricted_client(user_factory, "there", make_tree("OT", "Other")["district"], [SEARCH])
    assert {n["uuid"] for n in listed(elsewhere)} == {loose.uuid}
    assert len(listed(elsewhere, "showHistory: true")) == 1
    assert listed(elsewhere, f'premiumUuids: ["{premium.uuid}"]', "paymentsByPremiums") == []
    details = elsewhere("{ paymentDetails(first: 10) { totalCount } }")
    assert details["data"]["paymentDetails"]["totalCount"] == 0
    assert Payment.objects.count() == 3
