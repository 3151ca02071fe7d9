"""Insuree messages in the user's language: French for a French user, English otherwise."""

from __future__ import annotations

import pytest
from django.utils import translation

from openimis.core import services as core_services
from openimis.core.errors import ValidationFailed
from openimis.core.tests.helpers import errors_of
from openimis.insuree import family_services, numbers, services
from openimis.insuree.tests.helpers import head, insuree_input, member, send
from openimis.insuree.tests.helpers import places as make_places


@pytest.fixture
def places(db):
    return make_places()


def family_data(village, chf_id="100000001", **head_overrides) -> dict:
    return {
        "location_id": village.id,
        "head_insuree": {
            "chf_id": chf_id,
            "last_name": "Mwangi",
            "other_names": "Amina",
            "gender_id": "F",
            "dob": "1985-04-12",
            **head_overrides,
        },
    }


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Le numéro d'assurance 100000001 est déjà attribué"),
        ("en", "The insurance number 100000001 is already taken"),
    ],
)
def test_a_taken_number_in_the_language_of_the_caller(admin_user, places, language, expected):
    family_services.create_family(admin_user, family_data(places["villages"][0]))
    with translation.override(language):
        assert numbers.number_error("100000001").message == expected
        with pytest.raises(ValidationFailed) as caught:
            family_services.create_family(admin_user, family_data(places["villages"][1]))
    assert str(caught.value.message) == expected


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        (
            "fr",
            [
                "Nom est obligatoire",
                "Le sexe est obligatoire",
                "La date de naissance ne peut pas être dans le futur",
                "Le statut DE exige un motif de ce statut",
                "État civil inconnu : Q",
            ],
        ),
        (
            "en",
            [
                "Last name is mandatory",
                "The gender is mandatory",
                "The date of birth cannot be in the future",
                "Status DE needs a reason of that status",
                "Unknown marital status: Q",
            ],
        ),
    ],
)
def test_insuree_checks_are_translated(admin_user, places, language, messages):
    village = places["villages"][0]
    bad = [{"last_name": " "}, {"gender_id": None}, {"dob": "2999-01-01"}, {"status": "DE"}, {"marital": "Q"}]
    found = []
    with translation.override(language):
        for changes in bad:
            with pytest.raises(ValidationFailed) as caught:
                family_services.create_family(admin_user, family_data(village, **changes))
            found.append(str(caught.value.message))
    assert found == messages


def test_a_french_user_reads_the_refusal_in_french_in_the_mutation_log(admin_gql, admin_user, places):
    family = family_services.create_family(admin_user, family_data(places["villages"][0]))
    core_services.change_user_language(admin_user, "fr")
    client_mutation_id = send(admin_gql, "deleteInsurees", f'uuids: ["{family.head_insuree.uuid}"]')
    assert errors_of(client_mutation_id)[0]["message"] == (
        "L'assuré 100000001 est chef de famille et ne peut pas être supprimé"
    )
    client_mutation_id = send(admin_gql, "createInsuree", insuree_input(member("100000001", family.id)))
    assert errors_of(client_mutation_id)[0]["message"] == "Le numéro d'assurance 100000001 est déjà attribué"
    client_mutation_id = send(
        admin_gql,
        "createFamily",
        insuree_input(head("300000001")).replace("chfId", "headInsuree: {chfId") + "}",
    )
    assert errors_of(client_mutation_id)[0]["message"] == "Le village de la famille est obligatoire"
    assert services.config()["insuree_fsp_mandatory"] is False
