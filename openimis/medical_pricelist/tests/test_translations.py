"""Messages of the price-list and claim modules in the user's language: French for a French user (over
GraphQL, and inside `translation.override("fr")` as a mutation runs), English otherwise; and their
French catalogues complete."""

from __future__ import annotations

import json
import re
import uuid as uuid_module
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from openimis.claim import services as claim_services
from openimis.core import services as core_services
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.models import MutationLog
from openimis.location.models import HealthFacility, Location
from openimis.medical.models import Item, Service
from openimis.medical_pricelist import services

PLACEHOLDER = re.compile(r"%\(\w+\)s")
MISSING_UUID = "00000000-0000-0000-0000-000000000009"


@pytest.fixture
def admin(db):
    return core_services.create_administrator("Admin", "admin123", "Admin", "Admin")


@pytest.fixture
def french_admin(admin):
    core_services.change_user_language(admin, "fr")
    return admin


@pytest.fixture
def district(db):
    region = Location.objects.create(code="TR", name="Translation region", type="R")
    return Location.objects.create(code="TRD", name="Translation district", type="D", parent=region)


@pytest.fixture
def item(db):
    return Item.objects.create(code="I1", name="Item 1", type="D", price=10, care_type="B")


@pytest.fixture
def service(db):
    return Service.objects.create(code="S1", name="Service 1", type="C", price=20, care_type="B", level="S")


def new_list(actor, kind: str, name: str, **data):
    return services.create_pricelist(kind, actor, {"name": name, "pricelist_date": "2024-01-01", **data})


def failure(language: str, call, error=ValidationFailed) -> ValidationFailed | NotFound:
    """The error `call` raises inside `translation.override(language)`, as a mutation runs."""
    with translation.override(language), pytest.raises(error) as raised:
        call()
    return raised.value


# --- over GraphQL, as a French user ---------------------------------------------------------------

def _create_list_over_graphql(gql, kind: str, name: str) -> MutationLog:
    mutation = "createItemsPricelist" if kind == "items" else "createServicesPricelist"
    mutation_id = str(uuid_module.uuid4())
    result = gql(f"mutation ($input: {mutation[0].upper()}{mutation[1:]}MutationInput!) "
                 f"{{ {mutation}(input: $input) {{ clientMutationId }} }}",
                 {"input": {"name": name, "pricelistDate": "2024-01-01", "clientMutationId": mutation_id,
                            "clientMutationLabel": "translation test"}})
    assert "errors" not in result, result
    return MutationLog.objects.get(client_mutation_id=mutation_id)


@pytest.mark.parametrize(("kind", "expected"), [
    ("items", "Une liste de prix des produits médicaux nommée Taken existe déjà"),
    ("services", "Une liste de prix des services médicaux nommée Taken existe déjà"),
])
def test_a_french_user_gets_the_taken_name_error_in_french(gql, french_admin, kind, expected):
    new_list(french_admin, kind, "Taken")
    assert "errors" not in gql.login("Admin", "admin123")
    log = _create_list_over_graphql(gql, kind, "Taken")
    assert log.status == MutationLog.ERROR
    assert json.loads(log.error)[0]["message"] == expected


@pytest.mark.parametrize(("kind", "expected"), [
    ("items", "Items price list name Taken already exists"),
    ("services", "Services price list name Taken already exists"),
])
def test_an_english_user_gets_the_taken_name_error_in_english(gql, admin, kind, expected):
    new_list(admin, kind, "Taken")
    assert "errors" not in gql.login("Admin", "admin123")
    log = _create_list_over_graphql(gql, kind, "Taken")
    assert log.status == MutationLog.ERROR
    assert json.loads(log.error)[0]["message"] == expected


# --- the price-list services, in French and in English ----------------------------------------------

@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "pricelistDate est obligatoire"),
    ("en", "pricelistDate is mandatory"),
])
def test_missing_date(admin, language, expected):
    error = failure(language, lambda: services.create_pricelist("items", admin, {"name": "A"}))
    assert error.message == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Date invalide : 31/12/2024"),
    ("en", "Invalid date: 31/12/2024"),
])
def test_bad_date(admin, language, expected):
    error = failure(language, lambda: new_list(admin, "items", "A", pricelist_date="31/12/2024"))
    assert error.message == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Le nom dépasse 100 caractères"),
    ("en", "name is longer than 100 characters"),
])
def test_too_long_name(admin, language, expected):
    error = failure(language, lambda: new_list(admin, "items", "x" * 101))
    assert error.message == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Une liste de prix appartient à une région ou à un district"),
    ("en", "A price list belongs to a region or a district"),
])
def test_list_of_a_village(admin, district, language, expected):
    village = Location.objects.create(code="TRDV", name="Village", type="V", parent=Location.objects.create(
        code="TRDM", name="Municipality", type="W", parent=district))
    error = failure(language, lambda: new_list(admin, "items", "A", location_id=village.uuid))
    assert (error.message, error.detail) == (expected, "TRDV")


@pytest.mark.parametrize(("language", "kind", "expected"), [
    ("fr", "items", f"Produit médical inconnu : {MISSING_UUID}"),
    ("fr", "services", f"Service médical inconnu : {MISSING_UUID}"),
    ("en", "items", f"Unknown item: {MISSING_UUID}"),
    ("en", "services", f"Unknown service: {MISSING_UUID}"),
])
def test_unknown_line(admin, language, kind, expected):
    error = failure(language, lambda: new_list(admin, kind, "A", added_details=[MISSING_UUID]))
    assert error.message == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Un produit médical ne peut pas être ajouté et retiré en même temps"),
    ("en", "An item cannot be added and removed at once"),
])
def test_line_added_and_removed(admin, item, language, expected):
    error = failure(language, lambda: new_list(admin, "items", "A", added_details=[item.uuid],
                                               removed_details=[item.uuid]))
    assert (error.message, error.detail) == (expected, item.uuid)


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Le service médical S1 ne figure pas sur la liste de prix"),
    ("en", "The service S1 is not on the price list"),
])
def test_overriding_price_of_a_service_not_on_the_list(admin, service, language, expected):
    error = failure(language, lambda: new_list(admin, "services", "A",
                                               price_overrules=[{"uuid": service.uuid, "price": "1"}]))
    assert (error.message, error.detail) == (expected, service.uuid)


def test_negative_overriding_price_names_the_price_in_the_language(admin, item):
    data = {"added_details": [item.uuid], "price_overrules": [{"uuid": item.uuid, "price": "-1"}]}
    french = failure("fr", lambda: new_list(admin, "items", "A", **data))
    english = failure("en", lambda: new_list(admin, "items", "A", **data))
    assert french.message.startswith("Prix ") and english.message.startswith("price ")


@pytest.mark.parametrize(("language", "kind", "expected"), [
    ("fr", "items", "Liste de prix des produits médicaux introuvable"),
    ("fr", "services", "Liste de prix des services médicaux introuvable"),
    ("en", "items", "Items price list not found"),
    ("en", "services", "Services price list not found"),
])
def test_unknown_list(admin, language, kind, expected):
    error = failure(language, lambda: services.delete_pricelist(kind, admin, MISSING_UUID), NotFound)
    assert (error.message, error.detail) == (expected, MISSING_UUID)


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ["L'uuid est obligatoire", "impossible de modifier des données historiques"]),
    ("en", ["uuid is mandatory", "cannot update historical data"]),
])
def test_update_without_uuid_or_of_a_deleted_list(admin, language, expected):
    pricelist = new_list(admin, "items", "A")
    services.delete_pricelist("items", admin, pricelist.uuid)
    without_uuid = failure(language, lambda: services.update_pricelist("items", admin, {"name": "C"}))
    deleted = failure(language, lambda: services.delete_pricelist("items", admin, pricelist.uuid))
    assert [without_uuid.message, deleted.message] == expected


@pytest.mark.parametrize(("language", "kind", "expected"), [
    ("fr", "items", "La liste de prix des produits médicaux Used est utilisée par les établissements de "
                    "santé HFA, HFB"),
    ("fr", "services", "La liste de prix des services médicaux Used est utilisée par les établissements "
                       "de santé HFA, HFB"),
    ("en", "items", "Items price list Used is used by the health facilities HFA, HFB"),
    ("en", "services", "Services price list Used is used by the health facilities HFA, HFB"),
])
def test_list_of_a_facility_cannot_be_deleted(admin, district, language, kind, expected):
    pricelist = new_list(admin, kind, "Used")
    for code in ("HFB", "HFA"):
        HealthFacility.objects.create(code=code, name=code, legal_form_id="G", level="H", location=district,
                                      care_type="B", **{f"{kind}_pricelist": pricelist})
    error = failure(language, lambda: services.delete_pricelist(kind, admin, pricelist.uuid))
    assert (error.message, error.detail) == (expected, pricelist.uuid)


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ["Le produit médical I1 figure sur les listes de prix A, B : retirez-le d'abord de ces listes",
            "Le service médical S1 figure sur les listes de prix C : retirez-le d'abord de ces listes"]),
    ("en", ["The item I1 is on the price lists A, B: remove it from them first",
            "The service S1 is on the price lists C: remove it from them first"]),
])
def test_listed_item_or_service_cannot_be_deleted(admin, item, service, language, expected):
    new_list(admin, "items", "B", added_details=[item.uuid])
    new_list(admin, "items", "A", added_details=[item.uuid])
    new_list(admin, "services", "C", added_details=[service.uuid])
    item_error = failure(language, lambda: services.refuse_deleting_listed_item(admin, item))
    service_error = failure(language, lambda: services.refuse_deleting_listed_service(admin, service))
    assert [item_error.message, service_error.message] == expected


# --- the claim administrator of a user -------------------------------------------------------------

@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ("L'établissement de santé est obligatoire pour un administrateur des prestations",
            "userTypes contient CLAIM_ADMIN mais healthFacilityId est absent")),
    ("en", ("Health facility is mandatory for a claim administrator",
            "userTypes contains CLAIM_ADMIN but healthFacilityId is missing")),
])
def test_claim_admin_without_health_facility(admin, language, expected):
    user = core_services.create_plain_user("clerk", "Secret123")
    error = failure(language, lambda: claim_services.save_claim_admin_of_user(admin, user, "CLAIM_ADMIN", {}))
    assert (error.message, error.detail) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Établissement de santé inconnu : 999999"),
    ("en", "Unknown health facility: 999999"),
])
def test_claim_admin_of_an_unknown_health_facility(admin, language, expected):
    user = core_services.create_plain_user("clerk", "Secret123")
    error = failure(language, lambda: claim_services.save_claim_admin_of_user(
        admin, user, "CLAIM_ADMIN", {"health_facility_id": 999999}))
    assert error.message == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Nom est obligatoire"),
    ("en", "Last name is mandatory"),
])
def test_claim_admin_without_last_name(admin, district, language, expected):
    facility = HealthFacility.objects.create(code="HFC", name="HFC", legal_form_id="G", level="H",
                                             location=district, care_type="B")
    user = core_services.create_plain_user("clerk", "Secret123")
    error = failure(language, lambda: claim_services.save_claim_admin_of_user(
        admin, user, "CLAIM_ADMIN", {"health_facility_id": facility.id, "other_names": "Jo"}))
    assert error.message == expected


# --- the catalogues ---------------------------------------------------------------------------------

def _entries(po_file: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (continued lines joined), header left out."""
    text = po_file.read_text(encoding="utf-8")
    entries = {}
    for msgid, msgstr in re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', text, re.M):
        joined = ["".join(re.findall(r'"(.*)"', part)) for part in (msgid, msgstr)]
        if joined[0]:
            entries[joined[0]] = joined[1]
    return entries


@pytest.mark.parametrize(("module", "count"), [("medical_pricelist", 22), ("claim", 88)])
def test_french_catalogue_translates_every_message(module, count):
    locale = Path(settings.PACKAGE_DIR) / module / "locale"
    french = _entries(locale / "fr" / "LC_MESSAGES" / "django.po")
    assert len(french) == count
    for msgid, msgstr in french.items():
        assert "{" not in msgid and msgstr, msgid
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
    english = _entries(locale / "en" / "LC_MESSAGES" / "django.po")
    assert set(english) == set(french) and not any(english.values())
    assert (locale / "fr" / "LC_MESSAGES" / "django.mo").exists()
