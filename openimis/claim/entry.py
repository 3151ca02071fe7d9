"""Claim entry (spec 11.9, 11.10): create, update and delete a claim with its item and service lines, and
the restore of a rejected claim. Every public operation is one transaction; plain Python, no GraphQL.

`data` uses the snake_case names of the GraphQL input, as graphene gives it (`insuree_id`,
`health_facility_id`, `icd_id`, `icd1_id`..`icd4_id`, `date_from`, `items: [{id, item_id, qty_provided,
price_asked, explanation, justification}]`, `services: [...]`, `attachments: [...]`, `restore`...);
numbers may be Decimals or decimal texts.

Every check runs before the first write, so a refused input writes nothing (no row, no file). The rights
of the mutations themselves (111002 create, 111010 update, 111004 delete) are the GraphQL layer's; the
services check what depends on the data: the health facility within the actor's reach, the restore right
(111012).

Decisions where openIMIS leaves it open:
- a claim's code is unique among the current claims of its health facility (the database's index); a
  restored claim follows the same rule, so it needs a code of its own while the rejected claim it
  restores is current (24.10 lets it repeat the rejected claim's code; our index refuses that);
- `feedback_status` and `review_status` of the input are ignored: a new claim gets 1 (idle) for both, an
  update keeps them; `restore` and `attachments` are read on create only (attachments change through
  their own mutations, see `openimis.claim.attachments`);
- an update keeps the claim's status (Entered or Checked); a line it keeps (given with its `id`) keeps
  its review and valuation fields, only what the entry form edits changes;
- package sub-lines (`service_item_set`, `service_service_set`) are not stored: there are no tables
  for them yet;
- the restore limit counts the current claims restored from the same rejected claim.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from openimis.claim import attachments, selectors
from openimis.claim.models import Claim, ClaimItem, ClaimLine, ClaimService, ClaimStatus
from openimis.claim.rights import CLAIM_RESTORE
from openimis.core import inputs, unique
from openimis.core.configuration import module_config
from openimis.core.errors import NotFound, PermissionDenied, ValidationFailed
from openimis.core.history import lock
from openimis.core.services import audit_id
from openimis.insuree import selectors as insuree_selectors
from openimis.location import selectors as location_selectors
from openimis.medical import selectors as medical_selectors

VISIT_TYPES = ("E", "R", "O")
EDITABLE_STATUSES = (ClaimStatus.ENTERED, ClaimStatus.CHECKED)
# what may be deleted: not a claim that was processed or valuated (money depends on those)
DELETABLE_STATUSES = (ClaimStatus.REJECTED, ClaimStatus.ENTERED, ClaimStatus.CHECKED)
SECONDARY_DIAGNOSES = ("icd1_id", "icd2_id", "icd3_id", "icd4_id")
TEXT_MAX_LENGTH = 10000
AUTOGENERATE_ATTEMPTS = 5
IDLE = 1
PASSED = 1


def config() -> dict:
    return module_config("claim")


class ClaimCodeTaken(ValidationFailed):
    """The code is used by another current claim of the health facility."""


@unique.refusal("claim_claim_unique_current_code")
def code_taken(claim: Claim) -> ClaimCodeTaken:
    """The refusal of a code used by another current claim of the facility (the service's check, and the
    database index's when a concurrent request took the code after the check)."""
    return ClaimCodeTaken(_("The claim code %(code)s is already used by another claim of this health "
                            "facility") % {"code": claim.code}, claim.code)


# --- parsing the input --------------------------------------------------------------------------


@dataclass
class LineInput:
    """One item or service line as entered, checked."""

    line_id: int | None
    medical: object  # the current Item or Service
    qty_provided: Decimal
    price_asked: Decimal
    explanation: str | None
    justification: str | None
    json_ext: object = None


@dataclass
class ClaimInput:
    """The whole entry input, checked: the claim's fields, its lines, and on create what only a new claim
    reads (the restored claim, the attachments)."""

    fields: dict
    autogenerate: bool
    items: list[LineInput] = field(default_factory=list)
    services: list[LineInput] = field(default_factory=list)
    restore: Claim | None = None
    attachments: list = field(default_factory=list)

    @property
    def claimed(self) -> Decimal:
        total = sum((line.qty_provided * line.price_asked for line in self.items + self.services), Decimal(0))
        return total.quantize(inputs.CENT, rounding=ROUND_HALF_UP)


def _required_id(data: dict, key: str, label: str) -> int:
    value = inputs.as_id(data.get(key), label)
    if value is None:
        raise ValidationFailed(_("%(field)s is mandatory") % {"field": label})
    return value


def _health_facility(value, label: str):
    key = inputs.as_id(value, label)
    if key is None:
        return None
    found = location_selectors.current_health_facilities().filter(pk=key).first()
    if found is None:
        raise ValidationFailed(_("%(field)s: unknown or deleted health facility %(id)s")
                               % {"field": label, "id": value}, str(value))
    return found


def _json(value):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValidationFailed(_("jsonExt is not valid JSON"), value) from None
    return value


def _diagnoses(claim_config: dict, data: dict) -> dict:
    """{field: Diagnosis} of the main and secondary diagnoses; each must be current."""
    wanted = {"icd": _required_id(data, "icd_id", _("Main diagnosis"))}
    for number, key in enumerate(SECONDARY_DIAGNOSES, start=1):
        value = inputs.as_id(data.get(key), key)
        if value is not None:
            wanted[f"icd_{number}"] = value
    allowed = int(claim_config.get("additional_diagnosis_number_allowed") or 0)
    if len(wanted) - 1 > allowed:
        raise ValidationFailed(_("A claim has at most %(number)s additional diagnoses") % {"number": allowed})
    found = medical_selectors.diagnoses().in_bulk(set(wanted.values()))
    for value in wanted.values():
        if value not in found:
            raise ValidationFailed(_("Unknown or deleted diagnosis: %(id)s") % {"id": value}, str(value))
    return {name: found[value] for name, value in wanted.items()}


def _visit_type(data: dict) -> str | None:
    value = data.get("visit_type")
    value = getattr(value, "value", value)
    if value in (None, ""):
        return None
    text = str(value).strip().upper()
    if text not in VISIT_TYPES:
        raise ValidationFailed(_("Unknown visit type %(value)s: E, R or O") % {"value": value}, str(value))
    return text


def _claim_fields(actor, data: dict, claim_config: dict) -> dict:
    """The claim's own fields from the input, checked (an update is complete: an omitted optional field
    is cleared)."""
    insuree_id = _required_id(data, "insuree_id", _("Insuree"))
    insuree = insuree_selectors.current_insurees().filter(pk=insuree_id).first()
    if insuree is None:
        raise ValidationFailed(_("Unknown or deleted insuree: %(id)s") % {"id": insuree_id}, str(insuree_id))
    facility = _health_facility(_required_id(data, "health_facility_id", _("Health facility")),
                                _("Health facility"))
    if not selectors.health_facility_allowed(actor, facility.pk):
        raise PermissionDenied(_("You may not enter claims for the health facility %(code)s")
                               % {"code": facility.code}, str(facility.pk))
    date_from = inputs.as_date(data.get("date_from"))
    if date_from is None:
        raise ValidationFailed(_("The visit start date (dateFrom) is mandatory"))
    date_to = inputs.as_date(data.get("date_to"))
    if date_to is not None and date_to < date_from:
        raise ValidationFailed(_("The visit end date cannot be before its start date"), str(date_to))
    date_claimed = inputs.as_date(data.get("date_claimed"))
    if date_claimed is None:
        raise ValidationFailed(_("The claim date (dateClaimed) is mandatory"))
    if date_claimed < date_from:
        raise ValidationFailed(_("The claim date cannot be before the visit start date"), str(date_claimed))
    admin = None
    admin_id = inputs.as_id(data.get("admin_id"), _("Claim administrator"))
    if admin_id is not None:
        admin = selectors.current_claim_admins().filter(pk=admin_id).first()
        if admin is None:
            raise ValidationFailed(_("Unknown or deleted claim administrator: %(id)s") % {"id": admin_id},
                                   str(admin_id))
    pre_authorization = data.get("pre_authorization")
    return {
        "insuree": insuree,
        "health_facility": facility,
        "date_from": date_from,
        "date_to": date_to,
        "date_claimed": date_claimed,
        **_diagnoses(claim_config, data),
        "visit_type": _visit_type(data),
        "admin": admin,
        "guarantee_id": inputs.text(data, "guarantee_id", "guaranteeId", 50),
        "explanation": inputs.text(data, "explanation", _("Explanation"), TEXT_MAX_LENGTH),
        "adjustment": inputs.text(data, "adjustment", _("Adjustment"), TEXT_MAX_LENGTH),
        "refer_from": _health_facility(data.get("refer_from_id"), "referFromId"),
        "refer_to": _health_facility(data.get("refer_to_id"), "referToId"),
        "care_type": inputs.text(data, "care_type", "careType", 4),
        "pre_authorization": None if pre_authorization is None else bool(pre_authorization),
        "patient_condition": inputs.text(data, "patient_condition", "patientCondition", 1),
        "referral_code": inputs.text(data, "referral_code", "referralCode", 50),
        "json_ext": _json(data.get("json_ext")),
    }


def _code(data: dict, claim_config: dict, autogenerate: bool) -> str | None:
    if autogenerate:
        return None
    code = inputs.text(data, "code", _("Claim code"), int(claim_config.get("max_claim_length") or 20),
                       required=True)
    return code


def _lines(data: dict, key: str, kind: str, claim_config: dict) -> list[LineInput]:
    """The item (`kind` "item") or service lines of the input, checked: a current item/service, a
    quantity above zero and within its maximum, a price not below zero, the explanation of a service
    given more than once (when the configuration asks for it)."""
    rows = data.get(key) or []
    label = _("Item") if kind == "item" else _("Service")
    wanted = [_required_id(row, f"{kind}_id", label) for row in rows]
    source = medical_selectors.items() if kind == "item" else medical_selectors.services()
    found = source.in_bulk(set(wanted))
    explanation_required = kind == "service" and claim_config.get(
        "claim_validation_multiple_services_explanation_required")
    lines = []
    for row, medical_id in zip(rows, wanted, strict=True):
        medical = found.get(medical_id)
        if medical is None:
            raise ValidationFailed(_("%(kind)s %(id)s is unknown or deleted")
                                   % {"kind": label, "id": medical_id}, str(medical_id))
        quantity = inputs.amount(row.get("qty_provided"), _("Quantity of %(code)s") % {"code": medical.code},
                                 above_zero=True)
        price = inputs.amount(row.get("price_asked"), _("Price of %(code)s") % {"code": medical.code})
        if medical.maximum_amount is not None and quantity > medical.maximum_amount:
            raise ValidationFailed(_("The quantity of %(code)s may not exceed %(maximum)s")
                                   % {"code": medical.code, "maximum": medical.maximum_amount}, str(quantity))
        explanation = inputs.text(row, "explanation", _("Explanation"), TEXT_MAX_LENGTH)
        if explanation_required and quantity > 1 and not explanation:
            raise ValidationFailed(_("The service %(code)s is claimed more than once: explain why")
                                   % {"code": medical.code}, str(quantity))
        lines.append(LineInput(
            line_id=inputs.as_id(row.get("id"), "id"), medical=medical, qty_provided=quantity,
            price_asked=price, explanation=explanation,
            justification=inputs.text(row, "justification", _("Justification"), TEXT_MAX_LENGTH),
            json_ext=_json(row.get("json_ext"))))
    return lines


def _restore_source(actor, data: dict, claim_config: dict) -> Claim | None:
    """The rejected claim a new claim restores, with the rules of 11.10: right 111012, a current claim the
    actor may see, rejected, and restored fewer than `claim_max_restore` times (when set)."""
    value = data.get("restore")
    if value in (None, ""):
        return None
    wanted = inputs.as_uuid(value, "restore")
    if actor is not None and not actor.has_any_right([CLAIM_RESTORE]):
        raise PermissionDenied(_("You may not restore claims"))
    source = selectors.claim_by(actor, uuid=wanted)
    if source is None:
        raise NotFound(_("The claim to restore was not found"), wanted)
    lock(source)
    if source.status != ClaimStatus.REJECTED:
        raise ValidationFailed(_("Only a rejected claim can be restored: %(code)s") % {"code": source.code},
                               wanted)
    limit = claim_config.get("claim_max_restore")
    if limit not in (None, "") and selectors.current_claims().filter(restore=source).count() >= int(limit):
        raise ValidationFailed(_("The claim %(code)s was restored %(number)s times already")
                               % {"code": source.code, "number": limit}, wanted)
    return source


def _parse(actor, data: dict, claim_config: dict, *, new: bool) -> tuple[ClaimInput, str | None]:
    autogenerate = bool(data.get("autogenerate")) and new
    code = _code(data, claim_config, autogenerate)
    parsed = ClaimInput(fields=_claim_fields(actor, data, claim_config), autogenerate=autogenerate)
    parsed.items = _lines(data, "items", "item", claim_config)
    parsed.services = _lines(data, "services", "service", claim_config)
    if new:
        parsed.restore = _restore_source(actor, data, claim_config)
        prepared = [attachments.prepare(row) for row in data.get("attachments") or []]
        for attachment in prepared:
            attachments.check_new(attachment)
        parsed.attachments = prepared
    return parsed, code


# --- writes -------------------------------------------------------------------------------------


def _check_code_free(claim: Claim) -> None:
    """Another current claim of the facility may not carry the code; a claim restoring a rejected one may
    repeat the code of a rejected claim (24.10 keeps the code when it restores)."""
    taken = selectors.current_claims().filter(code=claim.code, health_facility_id=claim.health_facility_id)
    if claim.pk is not None:
        taken = taken.exclude(pk=claim.pk)
    if claim.restore_id is not None:
        taken = taken.exclude(status=ClaimStatus.REJECTED)
    if taken.exists():
        raise code_taken(claim)


def next_autogenerated_code(claim_config: dict | None = None) -> str:
    """`<autogenerate_prefix><number>`: the number zero-padded to `code_length` digits, one more than the
    highest such code any claim (current or not) ever had."""
    claim_config = claim_config or config()
    prefix = str(claim_config.get("autogenerate_prefix") or "")
    digits = int(claim_config.get("code_length") or 8)
    codes = (Claim.objects.filter(code__startswith=prefix).annotate(code_size=Length("code"))
             .filter(code_size=len(prefix) + digits).order_by("-code").values_list("code", flat=True))
    highest = 0
    for code in codes.iterator():
        suffix = code[len(prefix):]
        if suffix.isascii() and suffix.isdigit():
            highest = int(suffix)
            break
    number = highest + 1
    if len(str(number)) > digits:
        raise ValidationFailed(_("No claim code is left to generate: every %(digits)s-digit number is used")
                               % {"digits": digits})
    code = f"{prefix}{number:0{digits}d}"
    maximum = int(claim_config.get("max_claim_length") or 20)
    if len(code) > maximum:
        raise ValidationFailed(_("Claim code is longer than %(length)s characters")
                               % {"length": maximum}, code)
    return code


def _save_claim(claim: Claim, parsed: ClaimInput, code: str | None, claim_config: dict) -> None:
    """Save the claim under its code: the given one, checked, or a generated one (generated again when a
    concurrent request took it meanwhile)."""
    if not parsed.autogenerate:
        claim.code = code
        _check_code_free(claim)
        unique.save(claim)
        return
    for attempt in range(AUTOGENERATE_ATTEMPTS):
        claim.code = next_autogenerated_code(claim_config)
        try:
            unique.save(claim)
            return
        except ClaimCodeTaken:
            if attempt == AUTOGENERATE_ATTEMPTS - 1:
                raise


def _fill_line(line: ClaimLine, entered: LineInput, kind: str) -> None:
    setattr(line, kind, entered.medical)
    line.qty_provided = entered.qty_provided
    line.price_asked = entered.price_asked
    line.explanation = entered.explanation
    line.justification = entered.justification
    line.json_ext = entered.json_ext


def _new_line(model, claim: Claim, entered: LineInput, kind: str, audit_user_id: int) -> ClaimLine:
    line = model(claim=claim, status=PASSED, rejection_reason=None, audit_user_id=audit_user_id)
    _fill_line(line, entered, kind)
    return line


def _write_lines(claim: Claim, entered: list[LineInput], model, kind: str, audit_user_id: int,
                 current: dict | None = None) -> None:
    """Create the lines of a claim; on update (`current`: {id: current line}) the lines given with the id
    of a current line are versioned and updated in place, the other current lines are ended."""
    current = current or {}
    kept = {line.line_id for line in entered if line.line_id in current}
    for line_id, line in current.items():
        if line_id not in kept:
            line.delete_history(audit_user_id)
    new_lines = []
    for line_input in entered:
        if line_input.line_id in kept:
            line = current[line_input.line_id]
            line.save_history(audit_user_id)
            _fill_line(line, line_input, kind)
            line.save()
        else:
            new_lines.append(_new_line(model, claim, line_input, kind, audit_user_id))
    model.objects.bulk_create(new_lines)


def _check_line_ids(entered: list[LineInput], current: dict, label: str) -> None:
    seen = set()
    for line in entered:
        if line.line_id is None:
            continue
        if line.line_id not in current:
            raise ValidationFailed(_("%(kind)s line %(id)s is not a current line of this claim")
                                   % {"kind": label, "id": line.line_id}, str(line.line_id))
        if line.line_id in seen:
            raise ValidationFailed(_("%(kind)s line %(id)s is given twice")
                                   % {"kind": label, "id": line.line_id}, str(line.line_id))
        seen.add(line.line_id)


@transaction.atomic
def create_claim(actor, data: dict) -> Claim:
    """`createClaim`: a new claim, Entered (2), review and feedback status idle (1), with its lines (passed,
    no rejection reason), `claimed` = the sum of price asked x quantity of its lines (to the cent), and
    the attachments of the input; with `restore`, the rejected claim it re-enters (11.10)."""
    claim_config = config()
    chosen_uuid = inputs.chosen_uuid(Claim, data.get("uuid"))
    parsed, code = _parse(actor, data, claim_config, new=True)
    for line in parsed.items + parsed.services:
        line.line_id = None  # a new claim has no line to keep
    audit_user_id = audit_id(actor)
    claim = Claim(**parsed.fields, status=ClaimStatus.ENTERED, review_status=IDLE, feedback_status=IDLE,
                  restore=parsed.restore, claimed=parsed.claimed, audit_user_id=audit_user_id)
    if chosen_uuid:
        claim.uuid = chosen_uuid
    _save_claim(claim, parsed, code, claim_config)
    _write_lines(claim, parsed.items, ClaimItem, "item", audit_user_id)
    _write_lines(claim, parsed.services, ClaimService, "service", audit_user_id)
    with attachments.FileWrites() as writes:
        for attachment in parsed.attachments:
            attachments.store(actor, claim, attachment, writes)
    return claim


def _claim_of(actor, uuid) -> Claim:
    if uuid in (None, ""):
        raise ValidationFailed(_("The claim uuid is mandatory"))
    claim = selectors.claim_for_update(actor, uuid)
    if claim is None:
        raise NotFound(_("Claim not found"), str(uuid))
    return claim


@transaction.atomic
def update_claim(actor, data: dict) -> Claim:
    """`updateClaim`: while the claim is Entered or Checked, version it and replace its fields and lines
    with the input (the same checks as on create). A line given with the `id` of one of the claim's
    current lines keeps its id (versioned, then updated); the other current lines are ended; the rest of
    the input's lines are new. `claimed` is computed again."""
    claim = _claim_of(actor, data.get("uuid"))
    if claim.status not in EDITABLE_STATUSES:
        raise ValidationFailed(_("The claim %(code)s can no longer be changed: only an entered or checked "
                                 "claim can") % {"code": claim.code}, claim.uuid)
    claim_config = config()
    parsed, code = _parse(actor, data, claim_config, new=False)
    current_items = {line.pk: line for line in claim.items.current()}
    current_services = {line.pk: line for line in claim.services.current()}
    _check_line_ids(parsed.items, current_items, _("Item"))
    _check_line_ids(parsed.services, current_services, _("Service"))
    audit_user_id = audit_id(actor)
    claim.save_history(audit_user_id)
    for name, value in parsed.fields.items():
        setattr(claim, name, value)
    claim.claimed = parsed.claimed
    claim.audit_user_id = audit_user_id
    _save_claim(claim, parsed, code, claim_config)
    _write_lines(claim, parsed.items, ClaimItem, "item", audit_user_id, current_items)
    _write_lines(claim, parsed.services, ClaimService, "service", audit_user_id, current_services)
    return claim


@transaction.atomic
def delete_claim(actor, uuid) -> Claim:
    """`deleteClaims` (one claim): soft delete of a current claim the actor may see, with its current
    lines and attachments (their files stay). Allowed while the claim is Rejected (1), Entered (2) or
    Checked (4); a Processed (8) or Valuated (16) claim is refused: payments and the policies' consumed
    deductibles and ceilings depend on it. (The legacy UI deletes Entered claims only; 24.10 any.)"""
    claim = _claim_of(actor, uuid)
    if claim.status not in DELETABLE_STATUSES:
        raise ValidationFailed(_("The claim %(code)s is processed or valuated: it cannot be deleted")
                               % {"code": claim.code}, claim.uuid)
    audit_user_id = audit_id(actor)
    for line in [*claim.items.current(), *claim.services.current()]:
        line.delete_history(audit_user_id)
    attachments.end_attachments_of(actor, claim)
    claim.delete_history(audit_user_id)
    return claim
