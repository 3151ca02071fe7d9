"""Medical messages in the user's language: French for a French user, English otherwise."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import translation

from openimis.core import services as core_services
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.tests.helpers import errors_of, mutate
from openimis.medical import services
from openimis.medical.models import Item


def item_data(code="IT1", **overrides) -> dict:
    return {"code": code, "name": f"Item {code}", "type": "D", "price": "12.50", "care_type": "B",
            "patient_category": 15, **overrides}


def service_data(code="SV1", **overrides) -> dict:
    return {"code": code, "name": f"Service {code}", "type": "C", "price": "40", "care_type": "O",
            "patient_category": 15, "level": "S", "packagetype": "S", **overrides}


def refusal(call, *args) -> ValidationFailed | NotFound:
    with pytest.raises((ValidationFailed, NotFound)) as caught:
        call(*args)
    return caught.value


@pytest.fixture
def french_admin(db):
    admin = core_services.create_administrator("Admin", "admin123", "Admin", "Admin")
    core_services.change_user_language(admin, "fr")
    return admin


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Le code d'article DUP existe déjà"),
    ("en", "Item code DUP already exists"),
])
def test_a_duplicate_item_code_in_the_language_of_the_caller(admin_user, language, expected):
    services.create_item(admin_user, item_data("DUP"))
    with translation.override(language):
        error = refusal(services.create_item, admin_user, item_data("DUP"))
    assert str(error.message) == expected
    assert Item.objects.current().filter(code="DUP").count() == 1


@pytest.mark.parametrize(("language", "messages"), [
    ("fr", ["name est obligatoire", "code dépasse 6 caractères",
            "careType doit valoir l'une de ces valeurs : I, O, B",
            "price : la valeur ne peut pas être négative",
            "price n'est pas un nombre", "frequency doit être un nombre entier",
            "Catégorie de patients inconnue : CHILD",
            "patientCategory doit admettre au moins un sexe et une tranche d'âge",
            "manualPrice doit valoir 0 ou 1", "Service inconnu dans le forfait", "Service introuvable"]),
    ("en", ["name is mandatory", "code is longer than 6 characters", "careType must be one of I, O, B",
            "price cannot be negative", "price is not a number", "frequency must be a whole number",
            "Unknown patient category: CHILD",
            "patientCategory must allow at least one gender and one age group",
            "manualPrice must be 0 or 1", "Unknown service in the package", "Service not found"]),
])
def test_validation_messages_in_french_and_in_english(admin_user, language, messages):
    calls = [
        (services.create_item, item_data(name=" ")),
        (services.create_item, item_data("TOOLONG")),
        (services.create_item, item_data(care_type="X")),
        (services.create_item, item_data(price="-1")),
        (services.create_item, item_data(price="abc")),
        (services.create_item, item_data(frequency="1.5")),
        (services.create_item, item_data(patient_category=None, patient_categories=["MALE", "CHILD"])),
        (services.create_item, item_data(patient_category=3)),
        (services.create_service, service_data(manual_price="maybe")),
        (services.create_service, service_data(packagetype="P", services=[{"service_id": 999999}])),
    ]
    with translation.override(language):
        found = [str(refusal(call, admin_user, data).message) for call, data in calls]
        found.append(str(refusal(services.delete_service, admin_user, str(uuid.uuid4())).message))
    assert found == messages


def test_a_french_user_gets_the_medical_error_of_a_mutation_in_french(gql, french_admin):
    assert "errors" not in gql.login("Admin", "admin123")
    services.create_item(french_admin, item_data("TAKEN"))
    mutation_id = str(uuid.uuid4())
    mutate(gql, "createItem", {"code": "TAKEN", "name": "Other", "type": "D", "price": "1", "careType": "B",
                               "patientCategory": 15}, mutation_id)
    assert [error["message"] for error in errors_of(mutation_id)] == ["Le code d'article TAKEN existe déjà"]
    mutation_id = str(uuid.uuid4())
    mutate(gql, "deleteItem", {"uuids": [str(uuid.uuid4())]}, mutation_id)
    assert "Article introuvable" in json.dumps(errors_of(mutation_id), ensure_ascii=False)
    assert translation.get_language() in (None, "en", "en-us")


def test_an_english_user_gets_the_medical_error_of_a_mutation_in_english(admin_gql, admin_user):
    services.create_item(admin_user, item_data("TAKEN"))
    mutation_id = str(uuid.uuid4())
    mutate(admin_gql, "createItem", {"code": "TAKEN", "name": "Other", "type": "D", "price": "1",
                                     "careType": "B", "patientCategory": 15}, mutation_id)
    assert [error["message"] for error in errors_of(mutation_id)] == ["Item code TAKEN already exists"]
