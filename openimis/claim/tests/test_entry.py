"""Claim entry (spec 11.9, 11.10), tested through the services on the demo dataset: create with its lines
and amounts, every refusal writing nothing, codes, update with versions, delete, restore."""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from openimis.claim import attachments, entry, selectors
from openimis.claim.models import Claim, ClaimAttachment, ClaimItem, ClaimService, ClaimStatus
from openimis.claim.rights import CLAIM_ADD, CLAIM_RESTORE, CLAIM_UPDATE
from openimis.core import services as core_services
from openimis.core.errors import NotFound, PermissionDenied, ValidationFailed
from openimis.core.legacy_import.demo import load_demo_dataset
from openimis.core.models import ModuleConfiguration
from openimis.medical.models import Item, Service
from openimis.testing.client import make_user

pytestmark = pytest.mark.django_db

INSUREE = 1  # chfId 070707070
FACILITY = 18  # VIDS001, claim administrator 16
OTHER_FACILITY = 11  # VIHC001
REJECTED_FACILITY = 2  # RAHOS001, where the demo's rejected claim RAD00001 is
REJECTED_ADMIN = 11  # RHOS0011, of RAHOS001
ITEM, OTHER_ITEM = 1, 2
SERVICE, OTHER_SERVICE = 90, 74
DIAGNOSES = [2, 3, 4, 5, 6]


@pytest.fixture
def admin(db):
    load_demo_dataset()
    return core_services.create_administrator("EntryAdmin", None, "Entry", "Admin")


def set_config(**values):
    ModuleConfiguration.objects.update_or_create(module="claim", layer="be",
                                                 defaults={"config": json.dumps(values)})


def claim_data(**changes) -> dict:
    data = {
        "code": "ENTRY001",
        "insuree_id": INSUREE,
        "health_facility_id": FACILITY,
        "icd_id": DIAGNOSES[0],
        "date_from": "2024-05-01",
        "date_claimed": "2024-05-02",
        "visit_type": "O",
        "admin_id": 16,
        "items": [
            {"item_id": ITEM, "qty_provided": "3", "price_asked": "10.10", "explanation": "tablets"},
            {"item_id": OTHER_ITEM, "qty_provided": Decimal("1.5"), "price_asked": "0.33"},
        ],
        "services": [{"service_id": SERVICE, "qty_provided": "1", "price_asked": Decimal("400")}],
    }
    data.update(changes)
    return data


def written() -> tuple:
    """What a refused operation must leave as it was: every row of the claim tables, and the files."""
    folder = attachments.attachments_folder()
    files = sorted(str(path) for path in folder.rglob("*") if path.is_file()) if folder.exists() else []
    return (Claim.objects.count(), ClaimItem.objects.count(), ClaimService.objects.count(),
            ClaimAttachment.objects.count(), files)


def refused(call, *arguments, error=ValidationFailed, match=None):
    before = written()
    with pytest.raises(error, match=match) as raised:
        call(*arguments)
    assert written() == before
    return raised.value


def facility_user(username: str, claim_admin_id: int, rights: list[int]):
    """A user bound to the facility of a claim administrator (as a claim administrator's login is)."""
    user = make_user(username, rights)
    user.claim_admin_id = claim_admin_id
    user.save(update_fields=["claim_admin"])
    return user


# --- create -------------------------------------------------------------------------------------


def test_create_stores_the_claim_its_lines_and_the_claimed_amount_to_the_cent(admin):
    claim = entry.create_claim(admin, claim_data(icd1_id=DIAGNOSES[1], date_to="2024-05-03",
                                                 json_ext={"source": "test"}, pre_authorization=True,
                                                 feedback_status=8, review_status=8))
    claim.refresh_from_db()
    assert claim.code == "ENTRY001" and claim.is_current
    assert (claim.status, claim.review_status, claim.feedback_status) == (ClaimStatus.ENTERED, 1, 1)
    # 3 x 10.10 + 1.5 x 0.33 + 1 x 400 = 430.795, rounded to the cent
    assert claim.claimed == Decimal("430.80")
    assert claim.icd_1_id == DIAGNOSES[1] and claim.icd_2_id is None
    assert claim.json_ext == {"source": "test"} and claim.pre_authorization is True
    assert claim.audit_user_id == admin.id_for_audit and claim.restore_id is None
    items = list(claim.items.current().order_by("item_id"))
    assert [(line.item_id, line.qty_provided, line.price_asked) for line in items] == [
        (ITEM, Decimal("3.00"), Decimal("10.10")), (OTHER_ITEM, Decimal("1.50"), Decimal("0.33"))]
    assert {(line.status, line.rejection_reason) for line in items} == {(1, None)}
    assert items[0].explanation == "tablets"
    service = claim.services.current().get()
    assert (service.service_id, service.status, service.rejection_reason) == (SERVICE, 1, None)


def test_a_claim_may_have_no_line_and_the_client_may_choose_its_uuid(admin):
    chosen = "6c1b9a4e-0d3a-4f4e-9d6c-2b1f6b4c7a10"
    claim = entry.create_claim(admin, claim_data(uuid=chosen, items=[], services=[]))
    assert claim.uuid == chosen and claim.claimed == Decimal("0.00")


@pytest.mark.parametrize(("changes", "message"), [
    ({"code": None}, "Claim code is mandatory"),
    ({"code": "X" * 21}, "longer than 20"),
    ({"insuree_id": None}, "Insuree is mandatory"),
    ({"insuree_id": 999999}, "insuree: 999999"),
    ({"health_facility_id": None}, "Health facility is mandatory"),
    ({"health_facility_id": 99999}, "99999"),
    ({"icd_id": None}, "Main diagnosis is mandatory"),
    ({"icd_id": 999999}, "diagnosis: 999999"),
    ({"icd2_id": 999999}, "diagnosis: 999999"),
    ({"date_from": None}, "dateFrom"),
    ({"date_claimed": None}, "dateClaimed"),
    ({"date_from": "2024-05-03"}, "claim date cannot be before"),
    ({"date_to": "2024-04-30"}, "end date cannot be before"),
    ({"date_from": "not a date"}, "Invalid date"),
    ({"visit_type": "X"}, "visit type"),
    ({"admin_id": 99999}, "claim administrator: 99999"),
    ({"refer_from_id": 99999}, "referFromId"),
    ({"refer_to_id": 99999}, "referToId"),
    ({"guarantee_id": "G" * 51}, "guaranteeId"),
    ({"json_ext": "{not json"}, "jsonExt"),
    ({"uuid": "not-a-uuid"}, "uuid"),
    ({"items": [{"item_id": 999999, "qty_provided": "1", "price_asked": "1"}]}, "999999"),
    ({"items": [{"qty_provided": "1", "price_asked": "1"}]}, "Item is mandatory"),
    ({"items": [{"item_id": ITEM, "qty_provided": "0", "price_asked": "1"}]}, "more than zero"),
    ({"items": [{"item_id": ITEM, "qty_provided": "-2", "price_asked": "1"}]}, "more than zero"),
    ({"items": [{"item_id": ITEM, "qty_provided": "1", "price_asked": "-1"}]}, "cannot be negative"),
    ({"items": [{"item_id": ITEM, "qty_provided": "1"}]}, "Price of 0001 is mandatory"),
    ({"items": [{"item_id": ITEM, "qty_provided": "1", "price_asked": "abc"}]}, "not a number"),
    ({"services": [{"service_id": SERVICE, "qty_provided": "2", "price_asked": "1"}]}, "explain why"),
    ({"services": [{"service_id": 999999, "qty_provided": "1", "price_asked": "1"}]}, "999999"),
])
def test_create_refusals_write_nothing(admin, changes, message):
    refused(entry.create_claim, admin, claim_data(**changes), match=message)


def test_a_service_given_more_than_once_with_an_explanation_or_without_the_rule_is_accepted(admin):
    service = {"service_id": SERVICE, "qty_provided": "2", "price_asked": "1", "explanation": "twice"}
    assert entry.create_claim(admin, claim_data(code="EXPL1", services=[service])).claimed
    set_config(claim_validation_multiple_services_explanation_required=False)
    service = {"service_id": SERVICE, "qty_provided": "2", "price_asked": "1"}
    assert entry.create_claim(admin, claim_data(code="EXPL2", services=[service])).claimed


def test_too_many_additional_diagnoses_are_refused(admin):
    set_config(additional_diagnosis_number_allowed=1)
    refused(entry.create_claim, admin, claim_data(icd1_id=DIAGNOSES[1], icd2_id=DIAGNOSES[2]),
            match="at most 1 additional")
    assert entry.create_claim(admin, claim_data(icd1_id=DIAGNOSES[1])).icd_1_id == DIAGNOSES[1]


def test_the_code_length_follows_the_configuration(admin):
    set_config(max_claim_length=5)
    refused(entry.create_claim, admin, claim_data(code="ABCDEF"), match="longer than 5")


def test_a_quantity_above_the_maximum_of_the_item_or_service_is_refused(admin):
    Item.objects.filter(pk=ITEM).update(maximum_amount=Decimal("2"))
    Service.objects.filter(pk=SERVICE).update(maximum_amount=Decimal("1"))
    refused(entry.create_claim, admin, claim_data(), match="0001 may not exceed 2")
    line = {"service_id": SERVICE, "qty_provided": "2", "price_asked": "1", "explanation": "x"}
    refused(entry.create_claim, admin, claim_data(items=[], services=[line]), match="may not exceed 1")
    assert entry.create_claim(admin, claim_data(items=[{"item_id": ITEM, "qty_provided": "2",
                                                        "price_asked": "1"}]))


def test_deleted_items_diagnoses_insurees_and_facilities_are_refused(admin):
    now = timezone.now()
    Item.objects.filter(pk=OTHER_ITEM).update(validity_to=now)
    refused(entry.create_claim, admin, claim_data(), match=f"Item {OTHER_ITEM} is unknown or deleted")
    from openimis.insuree.models import Insuree
    from openimis.location.models import HealthFacility

    HealthFacility.objects.filter(pk=OTHER_FACILITY).update(validity_to=now)
    refused(entry.create_claim, admin, claim_data(items=[], refer_to_id=OTHER_FACILITY), match="referToId")
    Insuree.objects.filter(pk=INSUREE).update(validity_to=now)
    refused(entry.create_claim, admin, claim_data(items=[]), match="insuree")


def test_the_facility_must_be_within_the_actors_reach(admin):
    user = facility_user("vids", 16, [CLAIM_ADD])  # bound to VIDS001
    assert entry.create_claim(user, claim_data()).health_facility_id == FACILITY
    refused(entry.create_claim, user, claim_data(code="OTHER1", health_facility_id=OTHER_FACILITY),
            error=PermissionDenied, match="VIHC001")
    nobody = make_user("nowhere", [CLAIM_ADD])  # no district, no facility
    refused(entry.create_claim, nobody, claim_data(code="OTHER2"), error=PermissionDenied)


def test_a_bad_attachment_makes_the_whole_claim_refused_and_leaves_no_file(admin):
    good = {"title": "scan", "filename": "scan.pdf", "document": base64.b64encode(b"%PDF-1.4 ...").decode()}
    bad = {"title": "broken", "filename": "x.pdf", "document": "%%% not base64 %%%"}
    refused(entry.create_claim, admin, claim_data(attachments=[good, bad]), match="base64")
    refused(entry.create_claim, admin, claim_data(attachments=[{"general_type": "URL"}]), match="url")


def test_a_failure_after_a_file_was_written_removes_the_file(admin, monkeypatch):
    document = base64.b64encode(b"first file").decode()
    attachments_input = [{"title": "one", "document": document}, {"title": "two", "document": document}]
    saves = []
    original = ClaimAttachment.save

    def failing_second_save(self, *arguments, **options):
        saves.append(self)
        if len(saves) == 2:
            raise RuntimeError("the database went away")
        return original(self, *arguments, **options)

    monkeypatch.setattr(ClaimAttachment, "save", failing_second_save)
    refused(entry.create_claim, admin, claim_data(attachments=attachments_input), error=RuntimeError)


def test_create_stores_the_attachments_of_the_input(admin):
    content = b"the referral letter"
    claim = entry.create_claim(admin, claim_data(attachments=[
        {"title": "letter", "filename": "letter.txt", "mime": "text/plain",
         "document": base64.b64encode(content).decode()},
        {"general_type": "URL", "title": "record", "url": "https://example.org/record/1"},
    ]))
    rows = attachments.current_attachments().filter(claim=claim)
    stored = {attachment.title: attachment for attachment in rows}
    assert set(stored) == {"letter", "record"}
    path = attachments.stored_file_path(stored["letter"].storage_name)
    assert path.read_bytes() == content and stored["letter"].filename == "letter.txt"
    assert stored["record"].storage_name is None and stored["record"].url == "https://example.org/record/1"


# --- codes --------------------------------------------------------------------------------------


def test_a_code_is_unique_within_a_facility_but_may_repeat_in_another(admin):
    entry.create_claim(admin, claim_data(code="SAME1"))
    error = refused(entry.create_claim, admin, claim_data(code="SAME1"), match="SAME1")
    assert isinstance(error, entry.ClaimCodeTaken)
    refused(entry.create_claim, admin, claim_data(code="CID00001"), match="CID00001")  # a demo claim
    other = entry.create_claim(admin, claim_data(code="SAME1", health_facility_id=OTHER_FACILITY))
    assert other.health_facility_id == OTHER_FACILITY
    assert not selectors.claim_code_is_free("SAME1")
    assert not selectors.claim_code_is_free("SAME1", health_facility_id=FACILITY)
    assert selectors.claim_code_is_free("SAME1", health_facility_id=REJECTED_FACILITY)
    assert selectors.claim_code_is_free("UNUSED-CODE") and not selectors.claim_code_is_free("  ")


def test_the_database_index_refuses_a_code_taken_after_the_check_with_the_same_message(admin, monkeypatch):
    entry.create_claim(admin, claim_data(code="RACE1"))
    monkeypatch.setattr(entry, "_check_code_free", lambda claim: None)  # as if a concurrent request won
    error = refused(entry.create_claim, admin, claim_data(code="RACE1"), match="RACE1")
    assert isinstance(error, entry.ClaimCodeTaken)


def test_a_code_of_a_deleted_claim_may_be_used_again(admin):
    claim = entry.create_claim(admin, claim_data(code="AGAIN1"))
    entry.delete_claim(admin, claim.uuid)
    assert entry.create_claim(admin, claim_data(code="AGAIN1")).is_current


def test_autogenerated_codes_are_distinct_and_follow_the_prefix_and_length(admin):
    first = entry.create_claim(admin, claim_data(code="auto", autogenerate=True))
    second = entry.create_claim(admin, claim_data(code="auto", autogenerate=True,
                                                  health_facility_id=OTHER_FACILITY))
    assert re.fullmatch(r"C\d{8}", first.code) and re.fullmatch(r"C\d{8}", second.code)
    assert int(second.code[1:]) == int(first.code[1:]) + 1
    set_config(autogenerate_prefix="HF-", code_length=4)
    third = entry.create_claim(admin, claim_data(code="auto", autogenerate=True))
    assert third.code == "HF-0001"
    assert entry.next_autogenerated_code() == "HF-0002"


def test_autogenerating_when_every_number_is_used_is_refused(admin):
    set_config(autogenerate_prefix="Z", code_length=1)
    entry.create_claim(admin, claim_data(code="Z9"))
    refused(entry.create_claim, admin, claim_data(code="auto", autogenerate=True), match="No claim code")


# --- update -------------------------------------------------------------------------------------


def lines_of(claim: Claim) -> tuple[dict, dict]:
    return ({line.item_id: line for line in claim.items.current()},
            {line.service_id: line for line in claim.services.current()})


def test_update_versions_the_claim_and_its_lines_and_keeps_the_ids_of_lines_given_with_their_id(admin):
    claim = entry.create_claim(admin, claim_data())
    items, services = lines_of(claim)
    kept_item, dropped_item, kept_service = items[ITEM], items[OTHER_ITEM], services[SERVICE]
    updated = entry.update_claim(admin, claim_data(
        uuid=claim.uuid, code="ENTRY001B", explanation="corrected",
        items=[{"id": kept_item.pk, "item_id": ITEM, "qty_provided": "4", "price_asked": "10.10"},
               {"item_id": OTHER_ITEM, "qty_provided": "1", "price_asked": "5"}],
        services=[{"id": kept_service.pk, "service_id": OTHER_SERVICE, "qty_provided": "1",
                   "price_asked": "100"}]))
    assert updated.pk == claim.pk
    updated.refresh_from_db()
    assert (updated.code, updated.explanation, updated.status) == ("ENTRY001B", "corrected", 2)
    assert updated.claimed == Decimal("145.40")  # 4 x 10.10 + 1 x 5 + 1 x 100
    history = Claim.objects.filter(legacy_id=claim.pk)
    assert history.count() == 1 and history.get().code == "ENTRY001" and history.get().validity_to
    items, services = lines_of(updated)
    assert items[ITEM].pk == kept_item.pk and items[ITEM].qty_provided == Decimal("4.00")
    assert items[OTHER_ITEM].pk != dropped_item.pk  # a new line: the old one was not given with its id
    dropped_item.refresh_from_db()
    assert dropped_item.validity_to is not None
    assert services[OTHER_SERVICE].pk == kept_service.pk and SERVICE not in services
    old_item = ClaimItem.objects.get(legacy_id=kept_item.pk)
    assert old_item.qty_provided == Decimal("3.00") and old_item.validity_to is not None
    assert ClaimService.objects.get(legacy_id=kept_service.pk).service_id == SERVICE
    assert claim.items.current().count() == 2 and claim.services.current().count() == 1


def test_update_is_allowed_on_a_checked_claim_and_keeps_its_status(admin):
    claim = entry.create_claim(admin, claim_data())
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.CHECKED)
    updated = entry.update_claim(admin, claim_data(uuid=claim.uuid, items=[]))
    assert updated.status == ClaimStatus.CHECKED and updated.claimed == Decimal("400.00")


@pytest.mark.parametrize("status", [ClaimStatus.REJECTED, ClaimStatus.PROCESSED, ClaimStatus.VALUATED])
def test_update_is_refused_unless_entered_or_checked(admin, status):
    claim = entry.create_claim(admin, claim_data())
    Claim.objects.filter(pk=claim.pk).update(status=status)
    refused(entry.update_claim, admin, claim_data(uuid=claim.uuid, code="CHANGED"),
            match="no longer be changed")


def test_update_refusals_write_nothing(admin):
    claim = entry.create_claim(admin, claim_data())
    other = entry.create_claim(admin, claim_data(code="OTHER"))
    other_item = other.items.current().first()
    refused(entry.update_claim, admin, claim_data(uuid="6c1b9a4e-0d3a-4f4e-9d6c-2b1f6b4c7a10"),
            error=NotFound)
    refused(entry.update_claim, admin, claim_data(uuid=None), match="uuid is mandatory")
    refused(entry.update_claim, admin, claim_data(uuid=claim.uuid, code="OTHER"), match="OTHER")
    line = {"id": other_item.pk, "item_id": ITEM, "qty_provided": "1", "price_asked": "1"}
    refused(entry.update_claim, admin, claim_data(uuid=claim.uuid, items=[line]), match="not a current line")
    own = claim.items.current().first()
    twice = [{"id": own.pk, "item_id": ITEM, "qty_provided": "1", "price_asked": "1"}] * 2
    refused(entry.update_claim, admin, claim_data(uuid=claim.uuid, items=twice), match="given twice")
    refused(entry.update_claim, admin, claim_data(uuid=claim.uuid, date_claimed="2024-01-01"),
            match="claim date")


def test_a_claim_out_of_reach_cannot_be_updated_or_deleted(admin):
    claim = entry.create_claim(admin, claim_data())
    stranger = facility_user("vihc", 17, [CLAIM_UPDATE])  # bound to VIHC001
    refused(entry.update_claim, stranger, claim_data(uuid=claim.uuid), error=NotFound)
    refused(entry.delete_claim, stranger, claim.uuid, error=NotFound)


# --- delete -------------------------------------------------------------------------------------


def test_delete_ends_the_claim_its_lines_and_its_attachments(admin):
    claim = entry.create_claim(admin, claim_data(attachments=[
        {"general_type": "URL", "url": "https://example.org/a", "title": "a"}]))
    deleted = entry.delete_claim(admin, claim.uuid)
    assert deleted.pk == claim.pk
    claim.refresh_from_db()
    assert claim.validity_to is not None
    assert not claim.items.current().exists() and not claim.services.current().exists()
    assert not attachments.current_attachments().filter(claim=claim).exists()
    assert Claim.objects.filter(legacy_id=claim.pk).exists()
    refused(entry.delete_claim, admin, claim.uuid, error=NotFound)


@pytest.mark.parametrize("status", [ClaimStatus.REJECTED, ClaimStatus.CHECKED])
def test_a_rejected_or_checked_claim_may_be_deleted(admin, status):
    claim = entry.create_claim(admin, claim_data())
    Claim.objects.filter(pk=claim.pk).update(status=status)
    assert entry.delete_claim(admin, claim.uuid).validity_to is not None


@pytest.mark.parametrize("status", [ClaimStatus.PROCESSED, ClaimStatus.VALUATED])
def test_a_processed_or_valuated_claim_cannot_be_deleted(admin, status):
    claim = entry.create_claim(admin, claim_data())
    Claim.objects.filter(pk=claim.pk).update(status=status)
    refused(entry.delete_claim, admin, claim.uuid, match="cannot be deleted")


# --- restore ------------------------------------------------------------------------------------


def rejected_claim() -> Claim:
    return Claim.objects.current().get(code="RAD00001")


def restore_data(source: Claim, code: str = "RAD00001-R", **changes) -> dict:
    return claim_data(**{"code": code, "health_facility_id": REJECTED_FACILITY, "admin_id": REJECTED_ADMIN,
                         "restore": source.uuid, **changes})


def test_a_rejected_claim_is_restored_into_a_new_claim_linked_to_it(admin):
    source = rejected_claim()
    assert source.status == ClaimStatus.REJECTED
    claim = entry.create_claim(admin, restore_data(source))
    assert claim.restore_id == source.pk and claim.status == ClaimStatus.ENTERED
    assert list(source.restorations.current()) == [claim]


def test_a_restored_claim_may_keep_the_code_of_the_rejected_one_but_not_share_it(admin):
    """fe-claim restores a rejected claim under the same code; a second claim with it is refused."""
    source = rejected_claim()
    claim = entry.create_claim(admin, restore_data(source, code=source.code))
    assert claim.code == source.code and claim.restore_id == source.pk
    refused(entry.create_claim, admin, restore_data(source, code=source.code), match=source.code)
    refused(entry.create_claim, admin, claim_data(code=source.code, health_facility_id=REJECTED_FACILITY,
                                                  admin_id=REJECTED_ADMIN), match=source.code)


def test_only_a_rejected_claim_can_be_restored(admin):
    entered = Claim.objects.current().get(code="CID00001")
    refused(entry.create_claim, admin, restore_data(entered), match="Only a rejected claim")
    refused(entry.create_claim, admin, restore_data(entered, restore="6c1b9a4e-0d3a-4f4e-9d6c-2b1f6b4c7a10"),
            error=NotFound)


def test_restoring_needs_the_restore_right(admin):
    source = rejected_claim()
    without = facility_user("without", REJECTED_ADMIN, [CLAIM_ADD])
    refused(entry.create_claim, without, restore_data(source), error=PermissionDenied, match="restore")
    with_right = facility_user("with", REJECTED_ADMIN, [CLAIM_ADD, CLAIM_RESTORE])
    assert entry.create_claim(with_right, restore_data(source)).restore_id == source.pk


def test_the_number_of_restorations_is_limited_when_configured(admin):
    set_config(claim_max_restore=1)
    source = rejected_claim()
    entry.create_claim(admin, restore_data(source, code="R1"))
    refused(entry.create_claim, admin, restore_data(source, code="R2"), match="restored 1 times")
    set_config(claim_max_restore=None)
    assert entry.create_claim(admin, restore_data(source, code="R2")).restore_id == source.pk
