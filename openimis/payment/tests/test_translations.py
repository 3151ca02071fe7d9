"""Payment messages in the user's language: French for a French user, English otherwise."""

from __future__ import annotations

import pytest
from django.utils import translation

from openimis.core import services as core_services
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.tests.helpers import errors_of
from openimis.payment import services
from openimis.payment.models import Payment
from openimis.payment.tests.helpers import days, mutation, payment_fields

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def refusal(call, *args) -> ValidationFailed | NotFound:
    with pytest.raises((ValidationFailed, NotFound)) as caught:
        call(*args)
    return caught.value


@pytest.fixture
def french_admin(db):
    admin = core_services.create_administrator("Admin", "admin123", "Admin", "Admin")
    core_services.change_user_language(admin, "fr")
    return admin


@pytest.mark.parametrize(("language", "messages"), [
    ("fr", ["Statut de paiement inconnu : 7", f"Date de réception ({days(2).isoformat()}) est dans le futur",
            "La date de réception précède la date de demande",
            "Montant reçu : la valeur ne peut pas être négative", "Numéro de reçu dépasse 100 caractères",
            "Contribution introuvable",
            "Seul un paiement reçu qui règle une contribution peut être rapproché"]),
    ("en", ["Unknown payment status: 7", f"Received date {days(2).isoformat()} is in the future",
            "The received date is before the request date", "Received amount cannot be negative",
            "Receipt number is longer than 100 characters", "Contribution not found",
            "Only a received payment that pays a contribution can be matched"]),
])
def test_validation_messages_in_french_and_in_english(db, language, messages):
    cases = [
        {"status": 7},
        {"received_date": days(2).isoformat()},
        {"request_date": days(0).isoformat(), "received_date": days(-1).isoformat()},
        {"received_amount": "-1"},
        {"receipt_no": "R" * 101},
        {"premium_uuid": UNKNOWN},
        {"status": 5},
    ]
    with translation.override(language):
        found = [str(refusal(services.create_payment, None, data).message) for data in cases]
    assert found == messages
    assert not Payment.objects.exists()


def test_a_french_user_gets_the_payment_errors_of_a_mutation_in_french(gql, french_admin):
    assert "errors" not in gql.login("Admin", "admin123")
    gql(mutation("createPayment", payment_fields(status=7), "fr-1"))
    assert [error["message"] for error in errors_of("fr-1")] == ["Statut de paiement inconnu : 7"]
    gql(mutation("deletePayment", f'uuids: ["{UNKNOWN}"]', "fr-2"))
    assert [error["message"] for error in errors_of("fr-2")] == ["Paiement introuvable"]
    payment = services.create_payment(french_admin, {"expected_amount": "5"})
    services.delete_payment(french_admin, payment.uuid)
    gql(mutation("updatePayment", payment_fields(uuid=payment.uuid), "fr-3"))
    assert [error["message"] for error in errors_of("fr-3")] == [
        "Un paiement supprimé ou une version antérieure d'un paiement ne peut pas être modifié"]
    assert translation.get_language() in (None, "en", "en-us")
