"""Claim attachments (spec 11.3): a document or a link attached to a claim. Plain Python, no GraphQL;
`data` uses the snake_case names of the GraphQL input (`claim_uuid`, `general_type`, `predefined_type`,
`document`...).

A FILE attachment's bytes live in the data folder, never in the database: under MEDIA_ROOT in the claim
module's `attachments_folder` (an absolute folder is taken as it is), in a file named by a fresh uuid
(`storage_name` = `<year>/<month>/<uuid>`); the name the user gave the file is kept in `filename`. A URL
attachment keeps its `url` (http or https only: the frontend shows it as a link) and no file.

Decisions where openIMIS leaves it open:
- a file is at most `MAX_FILE_BYTES` (10 MB) once decoded, and may not be empty;
- an update changes the row in place (only the fields the input carries; `validity_from` refreshed): a
  replaced or dropped file is removed from the disk once the transaction commits;
- a delete is soft (`validity_to` set) and keeps the file: the ended row still names it, as every
  history row of the project keeps what it recorded;
- files written by an operation that then fails are removed before the error leaves it (see
  `FileWrites`); a transaction rolled back further out, after the service returned, leaves its files
  behind unreferenced.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import mimetypes
import uuid as uuid_module
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.claim import selectors
from openimis.claim.models import Claim, ClaimAttachment, ClaimAttachmentType, GeneralType
from openimis.core import inputs
from openimis.core.configuration import module_config
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.history import lock
from openimis.core.services import audit_id

MAX_FILE_BYTES = 10 * 1024 * 1024
# the longest base64 text that can decode to MAX_FILE_BYTES
MAX_ENCODED_LENGTH = 4 * ((MAX_FILE_BYTES + 2) // 3)
DEFAULT_MIME = "application/octet-stream"
DEFAULT_FILENAME = "attachment"
NAME_MAX_LENGTH = 255
TEXT_MAX_LENGTH = 1000
URL_MAX_LENGTH = 2000
URL_SCHEMES = ("http", "https")


# --- where the files are ------------------------------------------------------------------------


def attachments_folder() -> Path:
    """The folder of the attachment files: `attachments_folder` of the claim module under MEDIA_ROOT."""
    folder = str(module_config("claim").get("attachments_folder") or "claim_attachments")
    return Path(settings.MEDIA_ROOT) / folder


def stored_file_path(storage_name: str | None) -> Path | None:
    """The file a `storage_name` names inside the attachments folder; None when it names none (empty, or
    a name that would leave the folder)."""
    if not storage_name:
        return None
    parts = PurePosixPath(storage_name.replace("\\", "/")).parts
    if not parts or parts[0] == "/" or any(part in ("", ".", "..") for part in parts):
        return None
    return attachments_folder().joinpath(*parts)


class FileWrites:
    """The files one operation wrote: used as a context manager, it removes them when an error leaves the
    block (the database rows naming them are rolled back with the transaction)."""

    def __init__(self):
        self.paths: list[Path] = []

    def __enter__(self) -> FileWrites:
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        if error_type is not None:
            for path in self.paths:
                path.unlink(missing_ok=True)

    def write(self, content: bytes) -> str:
        """Write `content` to a new file; its storage name."""
        today = timezone.localdate()
        storage_name = f"{today.year:04d}/{today.month:02d}/{uuid_module.uuid4().hex}"
        path = stored_file_path(storage_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.paths.append(path)
        path.write_bytes(content)
        return storage_name


def _remove_after_commit(storage_name: str | None) -> None:
    path = stored_file_path(storage_name)
    if path is not None:
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


# --- parsing the input --------------------------------------------------------------------------


@dataclass
class PreparedAttachment:
    """An attachment's input, parsed and checked, its document decoded; nothing written yet. A field the
    input did not carry is None and absent from `given`."""

    given: set[str]
    general_type: str | None = None
    type: str | None = None
    title: str | None = None
    date: datetime.date | None = None
    filename: str | None = None
    mime: str | None = None
    url: str | None = None
    predefined_type: ClaimAttachmentType | None = None
    content: bytes | None = None


def decoded_document(document) -> bytes:
    """The bytes of a base64 document (a `data:...;base64,` URL is accepted); refused when it is not
    base64, empty, or larger than MAX_FILE_BYTES."""
    text = str(document).strip()
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    text = "".join(text.split())
    too_large = ValidationFailed(_("The attached file is larger than %(megabytes)s MB")
                                 % {"megabytes": MAX_FILE_BYTES // (1024 * 1024)})
    if len(text) > MAX_ENCODED_LENGTH:
        raise too_large
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(_("The attached document is not valid base64 content")) from None
    if not content:
        raise ValidationFailed(_("The attached file is empty"))
    if len(content) > MAX_FILE_BYTES:
        raise too_large
    return content


def _general_type(value) -> str | None:
    if value in (None, ""):
        return None
    text = str(getattr(value, "value", value)).strip().upper()
    if text not in GeneralType.values:
        raise ValidationFailed(_("Unknown attachment type %(value)s: FILE or URL") % {"value": value},
                               str(value))
    return text


def _predefined_type(value) -> ClaimAttachmentType | None:
    key = inputs.as_id(value, "predefinedType")
    if key is None:
        return None
    found = ClaimAttachmentType.objects.current().filter(pk=key).first()
    if found is None:
        raise ValidationFailed(_("Unknown attachment type: %(id)s") % {"id": value}, str(value))
    return found


def _url(data: dict) -> str | None:
    url = inputs.text(data, "url", "url", URL_MAX_LENGTH)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in URL_SCHEMES or not parts.netloc:
        raise ValidationFailed(_("The link of an attachment must be an http or https address"), url)
    return url


def _filename(data: dict) -> str | None:
    name = inputs.text(data, "filename", "filename", NAME_MAX_LENGTH)
    if name is None:
        return None
    name = PurePosixPath(name.replace("\\", "/")).name  # the name only, never a path
    return name or None


def prepare(data: dict) -> PreparedAttachment:
    """Parse and check an attachment's input (no write): its texts, date, type, link and document."""
    given = {key for key, value in data.items() if value is not None}
    prepared = PreparedAttachment(given=given)
    prepared.general_type = _general_type(data.get("general_type"))
    prepared.type = inputs.text(data, "type", "type", TEXT_MAX_LENGTH)
    prepared.title = inputs.text(data, "title", _("Title"), TEXT_MAX_LENGTH)
    prepared.date = inputs.as_date(data.get("date"))
    prepared.filename = _filename(data)
    prepared.mime = inputs.text(data, "mime", "mime", NAME_MAX_LENGTH)
    prepared.url = _url(data)
    prepared.predefined_type = _predefined_type(data.get("predefined_type"))
    document = data.get("document")
    prepared.content = decoded_document(document) if document not in (None, "") else None
    return prepared


def _new_general_type(prepared: PreparedAttachment) -> str:
    if prepared.general_type:
        return prepared.general_type
    if prepared.predefined_type is not None and prepared.predefined_type.claim_general_type:
        return prepared.predefined_type.claim_general_type
    return GeneralType.URL if prepared.url and prepared.content is None else GeneralType.FILE


def check_new(prepared: PreparedAttachment) -> None:
    """The rules of a new attachment: a file needs its document, a link its url."""
    general_type = _new_general_type(prepared)
    if general_type == GeneralType.FILE and prepared.content is None:
        raise ValidationFailed(_("A file attachment needs its document"))
    if general_type == GeneralType.URL and not prepared.url:
        raise ValidationFailed(_("A link attachment needs its url"))


# --- writes -------------------------------------------------------------------------------------


def _guessed_mime(filename: str | None) -> str:
    return (mimetypes.guess_type(filename)[0] if filename else None) or DEFAULT_MIME


def store(actor, claim: Claim, prepared: PreparedAttachment, writes: FileWrites) -> ClaimAttachment:
    """Create the attachment of `claim` from a prepared input (checked with `check_new`): its file first
    (recorded in `writes`), then its row."""
    check_new(prepared)
    general_type = _new_general_type(prepared)
    attachment = ClaimAttachment(claim=claim, general_type=general_type, type=prepared.type,
                                 title=prepared.title, predefined_type=prepared.predefined_type,
                                 audit_user_id=audit_id(actor))
    attachment.date = prepared.date or timezone.localdate()
    if general_type == GeneralType.FILE:
        attachment.filename = prepared.filename or prepared.title or DEFAULT_FILENAME
        attachment.mime = prepared.mime or _guessed_mime(attachment.filename)
        attachment.storage_name = writes.write(prepared.content)
    else:
        attachment.url = prepared.url
        attachment.filename = prepared.filename
        attachment.mime = prepared.mime
    attachment.save()
    return attachment


def _visible_claim(actor, claim_uuid) -> Claim:
    wanted = inputs.uuid_or_none(claim_uuid)
    if claim_uuid in (None, ""):
        raise ValidationFailed(_("The claim of an attachment is mandatory"))
    claim = selectors.claim_by(actor, uuid=wanted) if wanted else None
    if claim is None:
        raise NotFound(_("Claim not found"), str(claim_uuid))
    return claim


@transaction.atomic
def create_attachment(actor, data: dict) -> ClaimAttachment:
    """`createClaimAttachment`: attach a file or a link to a current claim the actor may see."""
    claim = _visible_claim(actor, data.get("claim_uuid"))
    prepared = prepare(data)
    check_new(prepared)
    with FileWrites() as writes:
        return store(actor, claim, prepared, writes)


def _visible_attachment(actor, attachment_id) -> ClaimAttachment:
    wanted = inputs.uuid_or_none(attachment_id)
    found = visible_attachments(actor).filter(pk=wanted).first() if wanted else None
    if found is None:
        raise NotFound(_("Attachment not found"), str(attachment_id))
    return found


@transaction.atomic
def update_attachment(actor, data: dict) -> ClaimAttachment:
    """`updateClaimAttachment`: change, in place, the fields the input carries of a current attachment of
    a claim the actor may see. A new document replaces the file; an attachment turned into a link drops
    its file (removed from the disk once committed)."""
    attachment = lock(_visible_attachment(actor, data.get("id")))
    if attachment.validity_to is not None:
        raise NotFound(_("Attachment not found"), str(data.get("id")))
    prepared = prepare(data)
    given = prepared.given
    general_type = prepared.general_type or attachment.general_type
    for field in ("type", "title", "date", "mime"):
        if field in given:
            setattr(attachment, field, getattr(prepared, field))
    if "filename" in given:
        attachment.filename = prepared.filename
    if "predefined_type" in given:
        attachment.predefined_type = prepared.predefined_type
    if "url" in given:
        attachment.url = prepared.url
    with FileWrites() as writes:
        if general_type == GeneralType.FILE:
            if prepared.content is not None:
                _remove_after_commit(attachment.storage_name)
                attachment.storage_name = writes.write(prepared.content)
            elif not attachment.storage_name:
                raise ValidationFailed(_("A file attachment needs its document"))
            attachment.filename = attachment.filename or attachment.title or DEFAULT_FILENAME
            attachment.mime = attachment.mime or _guessed_mime(attachment.filename)
        else:
            if not attachment.url:
                raise ValidationFailed(_("A link attachment needs its url"))
            _remove_after_commit(attachment.storage_name)
            attachment.storage_name = None
        attachment.general_type = general_type
        attachment.date = attachment.date or timezone.localdate()
        attachment.validity_from = timezone.now()
        attachment.audit_user_id = audit_id(actor)
        attachment.save()
    return attachment


@transaction.atomic
def delete_attachment(actor, attachment_id) -> ClaimAttachment:
    """`deleteClaimAttachment`: soft delete (`validity_to` = now) of a current attachment of a claim the
    actor may see; its file stays on disk with the ended row."""
    attachment = lock(_visible_attachment(actor, attachment_id))
    if attachment.validity_to is not None:
        raise NotFound(_("Attachment not found"), str(attachment_id))
    attachment.validity_to = timezone.now()
    attachment.audit_user_id = audit_id(actor)
    attachment.save(update_fields=["validity_to", "audit_user_id"])
    return attachment


def end_attachments_of(actor, claim: Claim) -> int:
    """Soft-delete the current attachments of a claim that is being deleted (no transaction of its own:
    the caller's); how many."""
    return current_attachments().filter(claim=claim).update(validity_to=timezone.now(),
                                                           audit_user_id=audit_id(actor))


# --- reads --------------------------------------------------------------------------------------


def current_attachments() -> QuerySet:
    """The current attachments (the claim list's `attachmentsCount` counts these per claim)."""
    return ClaimAttachment.objects.current()


def attachment_counts(claim_ids) -> dict[int, int]:
    """{claim id: number of current attachments} for the claims that have any."""
    rows = (current_attachments().filter(claim_id__in=list(claim_ids)).values("claim_id")
            .annotate(number=Count("id")).order_by())
    return {row["claim_id"]: row["number"] for row in rows}


def visible_attachments(actor) -> QuerySet:
    """The current attachments of the current claims the actor may see."""
    return current_attachments().filter(claim__in=selectors.claims(actor).values("id"))


def attachment_file(actor, attachment_id) -> tuple[Path, str, str] | None:
    """For the download endpoint: (path of the file, the user's file name, mime type) of a current FILE
    attachment of a claim the actor may see; None when there is none (unknown, not visible, a link, or
    the file is gone)."""
    wanted = inputs.uuid_or_none(attachment_id)
    attachment = visible_attachments(actor).filter(pk=wanted).first() if wanted else None
    if attachment is None or attachment.general_type != GeneralType.FILE:
        return None
    path = stored_file_path(attachment.storage_name)
    if path is None or not path.is_file():
        return None
    mime = attachment.mime or _guessed_mime(attachment.filename)
    return path, attachment.filename or DEFAULT_FILENAME, mime
