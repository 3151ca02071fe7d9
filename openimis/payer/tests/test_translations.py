"""Payer messages in the user's language: French for a French user, English otherwise."""

from __future__ import annotations

import uuid

import pytest
from django.utils import translation

from openimis.core import services as core_services
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.tests.helpers import errors_of
from openimis.payer import services
from openimis.payer.models import Payer
from openimis.payer.tests.helpers import places, send


def payer_data(location, **overrides) -> dict:
    return {"name": "Fund", "type": "G", "location_uuid": location.uuid, "address": "Main street",
            "email": "fund@example.org", **overrides}


def refusal(call, *args) -> ValidationFailed | NotFound:
    with pytest.raises((ValidationFailed, NotFound)) as caught:
        call(*args)
    return caught.value


@pytest.fixture
def where(db):
    return places()


@pytest.fixture
def french_admin(db):
    admin = core_services.create_administrator("Admin", "admin123", "Admin", "Admin")
    core_services.change_user_language(admin, "fr")
    return admin


@pytest.mark.parametrize(("language", "messages"), [
    ("fr", ["Nom du payeur est obligatoire", "Nom du payeur dépasse 100 caractères",
            "Le type de payeur est obligatoire", "Type de payeur inconnu : X",
            "La localisation du payeur est obligatoire",
            "Un payeur est rattaché à une région ou à un district",
            "x@ n'est pas une adresse électronique", "Téléphone dépasse 50 caractères",
            "Fax dépasse 50 caractères", "Adresse dépasse 100 caractères"]),
    ("en", ["Payer name is mandatory", "Payer name is longer than 100 characters",
            "The payer type is mandatory", "Unknown payer type: X", "The location of the payer is mandatory",
            "A payer belongs to a region or a district", "x@ is not an e-mail address",
            "Phone is longer than 50 characters", "Fax is longer than 50 characters",
            "Address is longer than 100 characters"]),
])
def test_validation_messages_in_french_and_in_english(admin_user, where, language, messages):
    district = where["district"]
    cases = [
        payer_data(district, name=" "),
        payer_data(district, name="N" * 101),
        payer_data(district, type=None),
        payer_data(district, type="X"),
        payer_data(district, location_uuid=None),
        payer_data(where["village"]),
        payer_data(district, email="x@"),
        payer_data(district, phone="5" * 51),
        payer_data(district, fax="5" * 51),
        payer_data(district, address="A" * 101),
    ]
    with translation.override(language):
        found = [str(refusal(services.create_payer, admin_user, data).message) for data in cases]
    assert found == messages
    assert not Payer.objects.exists()


def test_a_french_user_gets_the_payer_errors_of_a_mutation_in_french(gql, french_admin, where):
    assert "errors" not in gql.login("Admin", "admin123")
    mutation_id = send(gql, "createPayer", {"name": "Fund", "type": "X",
                                            "locationUuid": where["district"].uuid})
    assert [error["message"] for error in errors_of(mutation_id)] == ["Type de payeur inconnu : X"]
    mutation_id = send(gql, "createPayer", {"name": "Fund", "type": "G", "locationUuid": str(uuid.uuid4())})
    assert [error["message"] for error in errors_of(mutation_id)] == ["Localisation inconnue"]
    mutation_id = send(gql, "deletePayer", {"uuids": [str(uuid.uuid4())]})
    assert [error["message"] for error in errors_of(mutation_id)] == ["Payeur introuvable"]
    payer = services.create_payer(french_admin, payer_data(where["district"]))
    services.update_payer(french_admin, {**payer_data(where["district"]), "uuid": payer.uuid, "name": "New"})
    history = Payer.objects.get(legacy_id=payer.id)
    mutation_id = send(gql, "updatePayer", {"uuid": history.uuid, "name": "Again", "type": "G",
                                            "locationUuid": where["district"].uuid})
    assert [error["message"] for error in errors_of(mutation_id)] == [
        "impossible de modifier des données historiques"]
    mutation_id = send(gql, "deletePayer", {"uuids": [history.uuid]})
    assert [error["message"] for error in errors_of(mutation_id)] == ["Le payeur est déjà supprimé"]
    assert translation.get_language() in (None, "en", "en-us")


def test_an_english_user_gets_the_payer_errors_in_english(admin_gql, where):
    mutation_id = send(admin_gql, "createPayer", {"name": "Fund", "type": "X",
                                                  "locationUuid": where["district"].uuid})
    assert [error["message"] for error in errors_of(mutation_id)] == ["Unknown payer type: X"]
