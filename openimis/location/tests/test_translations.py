"""Messages of the location module in the user's language: French for a French user (over GraphQL, and
inside `translation.override("fr")` as a mutation runs), English otherwise; and its French catalogue
complete."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from openimis.core import services as core_services
from openimis.core.errors import NotFound, PermissionDenied, ValidationFailed
from openimis.core.models import MutationLog
from openimis.location import rights, services
from openimis.location.tests.helpers import location_input, make_facility, make_tree, run_mutation
from openimis.testing.client import make_user

PLACEHOLDER = re.compile(r"%\(\w+\)s")
CATALOGUE = Path(settings.PACKAGE_DIR) / "location" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def tree(db):
    return make_tree("N", "North")


@pytest.fixture
def admin(db):
    return core_services.create_administrator("Admin", "admin123", "Admin", "Admin")


@pytest.fixture
def french_admin(admin):
    core_services.change_user_language(admin, "fr")
    return admin


def failure(language: str, call, error=ValidationFailed):
    """The error `call` raises inside `translation.override(language)`, as a mutation runs."""
    with translation.override(language), pytest.raises(error) as raised:
        call()
    return raised.value


# --- over GraphQL: the mutation log in the sender's language ------------------------------------

@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Le code de localisation N est déjà utilisé"),
    ("en", "Location code N is already used"),
])
def test_the_duplicate_code_error_is_in_the_language_of_the_sender(gql, admin, tree, language, expected):
    core_services.change_user_language(admin, language)
    assert "errors" not in gql.login("Admin", "admin123")
    log = run_mutation(gql, "createLocation", location_input("N", "Another", "R"))
    assert log.status == MutationLog.ERROR
    assert json.loads(log.error)[0]["message"] == expected


def test_a_french_user_gets_a_wrong_level_in_french(gql, french_admin, tree):
    assert "errors" not in gql.login("Admin", "admin123")
    log = run_mutation(gql, "createLocation", location_input("V9", "Village", "V", tree["district"].uuid))
    assert json.loads(log.error)[0] == {"message": "Le parent d'un village doit être une commune",
                                        "detail": "ND est un district"}


def test_an_english_user_keeps_english_with_a_french_browser(gql, admin, tree):
    assert "errors" not in gql.login("Admin", "admin123")
    text = location_input("V9", "Village", "V", tree["district"].uuid)
    log = run_mutation(lambda query: gql(query, HTTP_ACCEPT_LANGUAGE="fr"), "createLocation", text)
    assert json.loads(log.error)[0] == {"message": "The parent of a village must be a municipality",
                                        "detail": "ND is a district"}


# --- the location tree, in French and in English --------------------------------------------------

@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Nom de la localisation est obligatoire"),
    ("en", "Location name is mandatory"),
])
def test_a_missing_name_names_the_field_in_the_language(tree, language, expected):
    data = {"code": "R8", "name": "", "type": "R"}
    error = failure(language, lambda: services.create_location(None, data))
    assert error.message == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Familles : la valeur doit être comprise entre 0 et 2147483647"),
    ("en", "Families must be between 0 and 2147483647"),
])
def test_a_negative_count(tree, language, expected):
    data = {"code": "R8", "name": "Eight", "type": "R", "families": -3}
    assert failure(language, lambda: services.create_location(None, data)).message == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ("Type de localisation inconnu : X", "les types sont R, D, W, V")),
    ("en", ("Unknown location type: X", "the types are R, D, W, V")),
])
def test_an_unknown_type(tree, language, expected):
    data = {"code": "X1", "name": "X", "type": "X"}
    error = failure(language, lambda: services.create_location(None, data))
    assert (error.message, error.detail) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Une commune doit avoir un district parent (parentUuid)"),
    ("en", "A municipality needs a parent district (parentUuid)"),
])
def test_a_municipality_without_parent(tree, language, expected):
    data = {"code": "W8", "name": "Eight", "type": "W"}
    assert failure(language, lambda: services.create_location(None, data)).message == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ("Un village ne peut être déplacé que sous une commune", "N est une région")),
    ("en", ("A village can only move under a municipality", "N is a region")),
])
def test_a_village_moved_under_a_region(tree, language, expected):
    data = {"uuid": tree["villages"][0].uuid, "new_parent_uuid": tree["region"].uuid}
    error = failure(language, lambda: services.move_location(None, data))
    assert (error.message, error.detail) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ("La localisation ND ne peut pas être supprimée : elle est encore utilisée",
            "ND et les localisations qui en dépendent sont encore utilisées par ")),
    ("en", ("Location ND cannot be deleted: it is still used",
            "ND and the locations below it are still used by ")),
])
def test_deleting_a_location_in_use(tree, language, expected):
    make_facility("HF1", tree["district"])
    error = failure(language, lambda: services.delete_location(None, {"uuid": tree["district"].uuid}))
    assert error.message == expected[0] and error.detail.startswith(expected[1])


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Localisation introuvable"),
    ("en", "Location not found"),
])
def test_an_unknown_location(tree, language, expected):
    error = failure(language, lambda: services.delete_location(None, {"uuid": "no-such-uuid"}), NotFound)
    assert (error.message, error.detail) == (expected, "no-such-uuid")


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "créer ou modifier des régions et des districts nécessite le droit 121906"),
    ("en", "creating or changing regions and districts needs right 121906"),
])
def test_the_reason_of_a_refused_region(tree, language, expected):
    clerk = make_user("clerk", [rights.LOCATION_ADD])
    data = {"code": "R5", "name": "Five", "type": "R"}
    error = failure(language, lambda: services.create_location(clerk, data), PermissionDenied)
    assert (error.message, error.detail) == ("unauthorized", expected)


# --- health facilities, in French and in English -------------------------------------------------

def facility_data(tree, **changes) -> dict:
    return {"code": "HF9", "name": "Facility nine", "legal_form_id": "G", "level": "H", "care_type": "B",
            "location_id": tree["district"].id, **changes}


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ("Type de soins inconnu : Z", "valeurs possibles : I, O, B")),
    ("en", ("Unknown care type: Z", "one of I, O, B")),
])
def test_an_unknown_care_type(tree, language, expected):
    data = facility_data(tree, care_type="Z")
    error = failure(language, lambda: services.create_health_facility(None, data))
    assert (error.message, error.detail) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ("Un établissement de santé doit être situé dans un district", "N est une région")),
    ("en", ("A health facility is located in a district", "N is a region")),
])
def test_a_facility_in_a_region(tree, language, expected):
    data = facility_data(tree, location_id=tree["region"].id)
    error = failure(language, lambda: services.create_health_facility(None, data))
    assert (error.message, error.detail) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Le village %(id)s figure deux fois dans les zones de desserte"),
    ("en", "Village %(id)s is listed twice in the catchments"),
])
def test_a_village_twice_in_the_catchments(tree, language, expected):
    village = tree["villages"][0]
    catchments = [{"location_id": village.id, "catchment": 50}, {"location_id": village.id, "catchment": 20}]
    data = facility_data(tree, catchments=catchments)
    error = failure(language, lambda: services.create_health_facility(None, data))
    assert error.message == expected % {"id": village.id}


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Le code d'établissement de santé HF1 est déjà utilisé"),
    ("en", "Health facility code HF1 is already used"),
])
def test_a_taken_facility_code(tree, language, expected):
    make_facility("HF1", tree["district"])
    data = facility_data(tree, code="HF1")
    error = failure(language, lambda: services.create_health_facility(None, data))
    assert error.message == expected


# --- the catalogue -------------------------------------------------------------------------------

def test_the_french_catalogue_translates_every_message_with_its_placeholders():
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', text, re.M)
    messages = [("".join(re.findall(r'"(.*)"', msgid)), "".join(re.findall(r'"(.*)"', msgstr)))
                for msgid, msgstr in entries]
    messages = [(msgid, msgstr) for msgid, msgstr in messages if msgid]
    assert len(messages) > 80
    assert "fuzzy" not in text
    for msgid, msgstr in messages:
        assert msgstr, msgid
        assert "{" not in msgid, msgid
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
