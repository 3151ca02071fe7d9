"""Claim attachments (spec 11.3), tested through the services: files kept in the data folder and never in
the database, links, refusals writing nothing, the download helper, update and delete."""

from __future__ import annotations

import base64

import pytest

from openimis.claim import attachments, entry
from openimis.claim.models import Claim, ClaimAttachment, ClaimAttachmentType
from openimis.claim.rights import CLAIM_SEARCH
from openimis.core import services as core_services
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.legacy_import.demo import load_demo_dataset
from openimis.testing.client import make_user

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.4 a scanned referral letter"
DOCUMENT = base64.b64encode(CONTENT).decode()
MISSING = "6c1b9a4e-0d3a-4f4e-9d6c-2b1f6b4c7a10"


@pytest.fixture
def admin(db):
    load_demo_dataset()
    return core_services.create_administrator("AttachAdmin", None, "Attach", "Admin")


@pytest.fixture
def claim(admin) -> Claim:
    return Claim.objects.current().get(code="CID00001")  # the demo's, at VIDS001


def file_data(claim: Claim, **changes) -> dict:
    data = {"claim_uuid": claim.uuid, "general_type": "FILE", "type": "referral", "title": "Letter",
            "date": "2024-05-02", "filename": "letter.pdf", "mime": "application/pdf", "document": DOCUMENT}
    data.update(changes)
    return data


def files() -> list[str]:
    folder = attachments.attachments_folder()
    return sorted(str(path) for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def refused(call, *arguments, error=ValidationFailed, match=None):
    before = (ClaimAttachment.objects.count(), files())
    with pytest.raises(error, match=match):
        call(*arguments)
    assert (ClaimAttachment.objects.count(), files()) == before


def test_a_file_is_written_to_the_data_folder_and_not_to_the_database(admin, claim):
    attachment = attachments.create_attachment(admin, file_data(claim))
    row = ClaimAttachment.objects.filter(pk=attachment.pk).values().get()
    assert (row["general_type"], row["title"], row["type"], row["filename"], row["mime"]) == (
        "FILE", "Letter", "referral", "letter.pdf", "application/pdf")
    assert str(row["date"]) == "2024-05-02" and row["audit_user_id"] == admin.id_for_audit
    assert row["url"] is None and row["storage_name"]
    assert DOCUMENT not in str(row) and "PDF" not in str(row)  # the bytes are not in the row
    path = attachments.stored_file_path(attachment.storage_name)
    assert path.read_bytes() == CONTENT
    assert path.is_relative_to(attachments.attachments_folder())
    assert attachment.storage_name.rsplit("/", 1)[-1] != "letter.pdf"  # named by a fresh uuid


def test_a_data_url_is_accepted_and_the_name_and_mime_default_sensibly(admin, claim):
    attachment = attachments.create_attachment(admin, file_data(
        claim, document=f"data:image/png;base64,{DOCUMENT}", mime=None, filename="C:\\scans\\photo.png"))
    assert attachment.filename == "photo.png" and attachment.mime == "image/png"
    path, filename, mime = attachments.attachment_file(admin, attachment.pk)
    assert path.read_bytes() == CONTENT and (filename, mime) == ("photo.png", "image/png")


def test_a_link_keeps_its_url_and_no_file(admin, claim):
    before = files()
    attachment = attachments.create_attachment(admin, {"claim_uuid": claim.uuid, "general_type": "URL",
                                                       "title": "Record", "url": "https://example.org/r/1"})
    assert attachment.general_type == "URL" and attachment.url == "https://example.org/r/1"
    assert attachment.storage_name is None and files() == before
    assert attachments.attachment_file(admin, attachment.pk) is None  # nothing to download


def test_a_predefined_type_is_checked_and_gives_the_general_type(admin, claim):
    kind = ClaimAttachmentType.objects.create(claim_attachment_type="Medical record",
                                              claim_general_type="URL")
    attachment = attachments.create_attachment(admin, {"claim_uuid": claim.uuid, "predefined_type": kind.pk,
                                                       "url": "http://example.org/x"})
    assert attachment.predefined_type_id == kind.pk and attachment.general_type == "URL"
    refused(attachments.create_attachment, admin, file_data(claim, predefined_type=99999),
            match="attachment type: 99999")


@pytest.mark.parametrize(("changes", "message"), [
    ({"document": "%%% not base64 %%%"}, "not valid base64"),
    ({"document": "QUJ"}, "not valid base64"),
    ({"document": None}, "needs its document"),
    ({"document": "===="}, "base64|empty"),
    ({"general_type": "PAPER"}, "FILE or URL"),
    ({"general_type": "URL", "url": None}, "needs its url"),
    ({"general_type": "URL", "url": "javascript:alert(1)"}, "http or https"),
    ({"general_type": "URL", "url": "ftp://example.org/file"}, "http or https"),
    ({"date": "2024-13-45"}, "Invalid date"),
    ({"claim_uuid": MISSING}, "Claim not found"),
    ({"claim_uuid": "not a uuid"}, "Claim not found"),
    ({"claim_uuid": None}, "claim of an attachment is mandatory"),
])
def test_refusals_write_nothing(admin, claim, changes, message):
    error = NotFound if message == "Claim not found" else ValidationFailed
    refused(attachments.create_attachment, admin, file_data(claim, **changes), error=error, match=message)


def test_an_oversized_file_is_refused(admin, claim):
    too_large = base64.b64encode(b"x" * (attachments.MAX_FILE_BYTES + 1)).decode()
    refused(attachments.create_attachment, admin, file_data(claim, document=too_large),
            match="larger than 10 MB")
    assert len(attachments.decoded_document(base64.b64encode(b"y" * 1000).decode())) == 1000


def test_a_claim_out_of_reach_or_deleted_takes_no_attachment(admin, claim):
    stranger = make_user("stranger", [CLAIM_SEARCH])
    stranger.claim_admin_id = 17  # VIHC001, not the claim's facility
    stranger.save(update_fields=["claim_admin"])
    refused(attachments.create_attachment, stranger, file_data(claim), error=NotFound)
    entry.delete_claim(admin, claim.uuid)
    refused(attachments.create_attachment, admin, file_data(claim), error=NotFound)


def test_the_download_helper_serves_visible_current_files_only(admin, claim):
    attachment = attachments.create_attachment(admin, file_data(claim))
    path, filename, mime = attachments.attachment_file(admin, attachment.pk)
    assert path.read_bytes() == CONTENT and (filename, mime) == ("letter.pdf", "application/pdf")
    assert attachments.attachment_file(admin, str(attachment.pk).upper()) is not None
    owner = make_user("owner", [CLAIM_SEARCH])
    owner.claim_admin_id = 16  # VIDS001, the claim's facility
    owner.save(update_fields=["claim_admin"])
    assert attachments.attachment_file(owner, attachment.pk) is not None
    stranger = make_user("stranger", [CLAIM_SEARCH])
    stranger.claim_admin_id = 17
    stranger.save(update_fields=["claim_admin"])
    assert attachments.attachment_file(stranger, attachment.pk) is None
    assert attachments.attachment_file(admin, MISSING) is None
    assert attachments.attachment_file(admin, "not-a-uuid") is None
    path.unlink()
    assert attachments.attachment_file(admin, attachment.pk) is None  # the file is gone


def test_delete_is_soft_and_keeps_the_file(admin, claim):
    attachment = attachments.create_attachment(admin, file_data(claim))
    path = attachments.stored_file_path(attachment.storage_name)
    assert attachments.current_attachments().filter(claim=claim).count() == 1
    deleted = attachments.delete_attachment(admin, attachment.pk)
    assert deleted.validity_to is not None
    assert ClaimAttachment.objects.filter(pk=attachment.pk, validity_to__isnull=False).exists()
    assert attachments.current_attachments().filter(claim=claim).count() == 0
    assert path.is_file()
    assert attachments.attachment_file(admin, attachment.pk) is None
    refused(attachments.delete_attachment, admin, attachment.pk, error=NotFound)
    refused(attachments.update_attachment, admin, {"id": attachment.pk, "title": "x"}, error=NotFound)


def test_update_changes_the_given_fields_in_place(admin, claim, django_capture_on_commit_callbacks):
    attachment = attachments.create_attachment(admin, file_data(claim))
    first_path = attachments.stored_file_path(attachment.storage_name)
    before = attachment.validity_from
    updated = attachments.update_attachment(admin, {"id": str(attachment.pk), "title": "Letter (signed)"})
    assert updated.pk == attachment.pk and updated.title == "Letter (signed)"
    assert updated.filename == "letter.pdf" and updated.storage_name == attachment.storage_name
    assert updated.validity_from > before and ClaimAttachment.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        replaced = attachments.update_attachment(admin, {"id": attachment.pk, "document": base64.b64encode(
            b"new content").decode(), "filename": "letter-v2.pdf"})
    assert replaced.filename == "letter-v2.pdf"
    assert attachments.stored_file_path(replaced.storage_name).read_bytes() == b"new content"
    assert not first_path.exists()  # the replaced file is removed once committed
    second_path = attachments.stored_file_path(replaced.storage_name)
    with django_capture_on_commit_callbacks(execute=True):
        link = attachments.update_attachment(admin, {"id": attachment.pk, "general_type": "URL",
                                                     "url": "https://example.org/letter"})
    assert link.general_type == "URL" and link.storage_name is None and not second_path.exists()


def test_update_refusals_write_nothing(admin, claim):
    attachment = attachments.create_attachment(admin, file_data(claim))
    link = attachments.create_attachment(admin, {"claim_uuid": claim.uuid, "general_type": "URL",
                                                 "url": "https://example.org/a"})
    refused(attachments.update_attachment, admin, {"id": attachment.pk, "document": "!!"}, match="base64")
    refused(attachments.update_attachment, admin, {"id": attachment.pk, "general_type": "URL"},
            match="needs its url")
    refused(attachments.update_attachment, admin, {"id": link.pk, "general_type": "FILE"},
            match="needs its document")
    refused(attachments.update_attachment, admin, {"id": MISSING, "title": "x"}, error=NotFound)
    refused(attachments.update_attachment, admin, {"id": None, "title": "x"}, error=NotFound)
    row = ClaimAttachment.objects.get(pk=attachment.pk)
    assert (row.title, row.general_type, row.storage_name) == ("Letter", "FILE", attachment.storage_name)


def test_visible_attachments_follow_the_claims_the_actor_sees(admin, claim):
    attachment = attachments.create_attachment(admin, file_data(claim))
    stranger = make_user("stranger", [CLAIM_SEARCH])
    stranger.claim_admin_id = 17
    stranger.save(update_fields=["claim_admin"])
    assert list(attachments.visible_attachments(admin)) == [attachment]
    assert attachments.attachment_counts([claim.pk, claim.pk + 1000]) == {claim.pk: 1}
    assert not attachments.visible_attachments(stranger).exists()


def test_stored_names_never_leave_the_attachments_folder():
    assert attachments.stored_file_path("../secret") is None
    assert attachments.stored_file_path("/etc/passwd") is None
    assert attachments.stored_file_path("2024/05/../../x") is None
    assert attachments.stored_file_path("") is None
