"""The printed claim (`GET /api/claim/print/?uuid=`): one claim's facts, its item and service lines and
its totals, laid out by a ReportBro report definition (report_templates/claim.json, which the ReportBro
Designer opens and saves) and rendered to PDF by reportbro-lib.

The data handed to the definition are texts only (dates, amounts and quantities formatted here), so a
definition edited in the Designer needs no pattern to print them; the parameters it may use are the
names of `claim_data` and, per line, of `_line`."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.claim.models import Claim, ClaimStatus

TEMPLATE = Path(__file__).parent / "report_templates" / "claim.json"

STATUS_WORDS = {
    ClaimStatus.REJECTED: "Rejected",
    ClaimStatus.ENTERED: "Entered",
    ClaimStatus.CHECKED: "Checked",
    ClaimStatus.PROCESSED: "Processed",
    ClaimStatus.VALUATED: "Valuated",
}
VISIT_TYPES = {"E": "Emergency", "R": "Referral", "O": "Other"}
LINE_STATUSES = {1: "Passed", 2: "Rejected"}
REJECTION_REASONS = {
    -1: "rejected by medical officer",
    1: "not in the registers",
    2: "not in the facility's price list",
    3: "no covering product",
    4: "patient category limitation",
    5: "frequency failure",
    6: "duplicated",
    7: "insuree not covered",
    8: "diagnosis not in list",
    9: "invalid dates",
    10: "care type inconsistent",
    11: "maximum hospital admissions reached",
    12: "maximum visits reached",
    13: "maximum consultations reached",
    14: "maximum surgeries reached",
    15: "maximum deliveries reached",
    16: "maximum provision reached",
    17: "waiting period not elapsed",
    19: "maximum antenatal visits reached",
    20: "invalid claim",
    21: "no coverage",
}


class PrintFailed(Exception):
    """The report definition does not accept the claim's data (a broken definition)."""


@lru_cache(maxsize=1)
def _definition_text() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


def report_definition() -> dict:
    """A fresh copy of the definition: reportbro-lib writes into the dictionary it is given."""
    return json.loads(_definition_text())


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _quantity(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _diagnosis(diagnosis) -> str:
    return f"{diagnosis.code} {diagnosis.name}" if diagnosis is not None else ""


def _person(last_name: str | None, other_names: str | None) -> str:
    return " ".join(part for part in (other_names, last_name) if part)


def line_status(line) -> str:
    words = _(LINE_STATUSES.get(line.status, str(line.status)))
    reason = line.rejection_reason
    if reason:
        words += f" ({reason}: {_(REJECTION_REASONS.get(reason, ''))})".replace(": )", ")")
    return words


def _line(line, medical) -> dict:
    return {
        "code": medical.code,
        "name": medical.name,
        "qty_provided": _quantity(line.qty_provided),
        "qty_approved": _quantity(line.qty_approved),
        "price_asked": _amount(line.price_asked),
        "price_approved": _amount(line.price_approved),
        "price_adjusted": _amount(line.price_adjusted),
        "valuated": _amount(line.price_valuated),
        "status": line_status(line),
    }


def claim_data(claim: Claim) -> dict:
    """What the definition prints of a claim: its current item and service lines, in entry order."""
    facility, insuree, admin = claim.health_facility, claim.insuree, claim.admin
    secondary = [claim.icd_1, claim.icd_2, claim.icd_3, claim.icd_4]
    items = claim.items.current().select_related("item").order_by("id")
    services = claim.services.current().select_related("service").order_by("id")
    return {
        "claim_code": claim.code,
        "facility_code": facility.code,
        "facility_name": facility.name,
        "status": _(STATUS_WORDS.get(claim.status, str(claim.status))),
        "insuree_chf_id": insuree.chf_id or "",
        "insuree_name": _person(insuree.last_name, insuree.other_names),
        "visit_type": _(VISIT_TYPES.get(claim.visit_type or "", claim.visit_type or "")),
        "date_from": _date(claim.date_from),
        "date_to": _date(claim.date_to),
        "date_claimed": _date(claim.date_claimed),
        "date_processed": _date(claim.date_processed),
        "main_diagnosis": _diagnosis(claim.icd),
        "secondary_diagnoses": "; ".join(_diagnosis(found) for found in secondary if found is not None),
        "guarantee_id": claim.guarantee_id or "",
        "claim_admin": (f"{admin.code} - {_person(admin.last_name, admin.other_names)}" if admin else ""),
        "claimed": _amount(claim.claimed),
        "approved": _amount(claim.approved),
        "valuated": _amount(claim.valuated),
        "printed_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "items": [_line(line, line.item) for line in items],
        "services": [_line(line, line.service) for line in services],
    }


def printable_claim(claim_id: int) -> Claim:
    """The claim with what `claim_data` reads of it joined (facility, patient, admin, diagnoses)."""
    return Claim.objects.select_related(
        "health_facility", "insuree", "admin", "icd", "icd_1", "icd_2", "icd_3", "icd_4").get(pk=claim_id)


def claim_pdf(claim: Claim) -> bytes:
    """The PDF of a claim. Characters the PDF core fonts cannot show (beyond Windows-1252) print as '?'."""
    from reportbro import Report, ReportBroError

    data = claim_data(claim)
    try:
        report = Report(report_definition(), data, encode_error_handling="replace")
        if report.errors:
            raise PrintFailed(f"the claim report definition is invalid: {report.errors}")
        return bytes(report.generate_pdf())
    except ReportBroError as error:
        raise PrintFailed(f"the claim report could not be rendered: {error.error}") from error
