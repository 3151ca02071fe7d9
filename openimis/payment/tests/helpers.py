"""Helpers of the payment tests (no tests here): a family with an idle policy and a contribution, the
activation option, and the operations fe-payment sends."""

from __future__ import annotations

import datetime

from openimis.contribution import services as contribution_services
from openimis.contribution.models import Premium
from openimis.core.models import ModuleConfiguration, MutationLog
from openimis.insuree import family_services
from openimis.insuree import services as insuree_services
from openimis.insuree.tests.helpers import places
from openimis.payment.models import Payment, PaymentDetail, PaymentMutation
from openimis.policy import services as policy_services
from openimis.policy.models import InsureePolicy, Policy
from openimis.policy.tests.helpers import make_officer, make_product

TODAY = datetime.date.today()


def days(number: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=number)


def make_world(prefix: str = "PM") -> dict:
    tree = places(prefix)
    village = tree["villages"][0]
    family = family_services.create_family(None, {
        "location_id": village.id, "poverty": False, "head_insuree": {
            "chf_id": "400000001", "last_name": "Kamau", "other_names": "Esther", "gender_id": "F",
            "dob": "1981-03-01", "current_village_id": village.id}})
    child = insuree_services.create_insuree(None, {
        "family_id": family.id, "chf_id": "400000002", "last_name": "Kamau", "other_names": "Tom",
        "gender_id": "M", "dob": "2016-06-01", "relationship_id": 4})
    return {"family": family, "members": [family.head_insuree, child], "product": make_product("PM1"),
            "officer": make_officer("PME1", tree["district"]), "district": tree["district"], "tree": tree}


def activation_option(option: int) -> None:
    ModuleConfiguration.objects.update_or_create(module="policy", layer="be",
                                                 defaults={"config": f'{{"activation_option": {option}}}'})


def new_policy(world: dict, value: str = "50.00", start: datetime.date | None = None) -> Policy:
    start = start or days(-10)
    return policy_services.create_policy(None, {
        "enroll_date": min(start, TODAY).isoformat(), "start_date": start.isoformat(),
        "expiry_date": (start + datetime.timedelta(days=364)).isoformat(), "value": value,
        "product_id": world["product"].id, "family_id": world["family"].id,
        "officer_id": world["officer"].id})


def contribution(policy: Policy, amount: str, receipt: str, pay_date: datetime.date | None = None) -> Premium:
    return contribution_services.create_premium(None, {
        "policy_uuid": policy.uuid, "amount": amount, "receipt": receipt,
        "pay_date": (pay_date or days(-5)).isoformat(), "pay_type": "M"})


def reloaded(row):
    return type(row).objects.get(pk=row.pk)


def row_counts() -> tuple[int, ...]:
    return (Payment.objects.count(), PaymentDetail.objects.count(), PaymentMutation.objects.count(),
            Policy.objects.count(), InsureePolicy.objects.count())


# --- what fe-payment sends ------------------------------------------------------------------------

# fetchPaymentsSummaries / fetchPremiumsPayments (formatPageQueryWithCount, PAYMENT_SUMMARIES_PROJECTION)
SUMMARY = ("uuid id requestDate expectedAmount receivedDate receivedAmount status receiptNo typeOfPayment "
           "clientMutationId validityTo")
FULL = (f"{SUMMARY} officerCode phoneNumber transactionNo origin matchedDate rejectedReason dateLastSms "
        "languageName transferFee clientMutationId")


def payments_query(arguments: str, projection: str = SUMMARY, root: str = "payments") -> str:
    return (f"{{ {root}({arguments}) {{ totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor "
            f"endCursor }} edges {{ node {{ {projection} }} }} }} }}")


def mutation(name: str, fields: str, client_mutation_id: str) -> str:
    """formatMutation: the input written inline, with the label and the client mutation id."""
    return (f'mutation {{ {name}(input: {{ clientMutationId: "{client_mutation_id}", '
            f'clientMutationLabel: "{name}" {fields} }}) {{ clientMutationId internalId }} }}')


def payment_fields(**values) -> str:
    """formatPaymentGQL: amounts and dates as texts, the status as a number, `premiumUuid`."""
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        parts.append(f"{key}: {value}" if key == "status" else f'{key}: "{value}"')
    return " ".join(parts)


def status_of(client_mutation_id: str) -> MutationLog:
    return MutationLog.objects.get(client_mutation_id=client_mutation_id)
