"""The account preview (`GET /api/claim_batch/report/`): what the batch runs valuated, summed per health
facility (group "H") or per product (group "P"), with a grand total and, on request, the claims of each
group; and its PDF, laid out by the ReportBro definition report_templates/account_preview.json.

Only claims the user may see are counted (the claims' row security of the claim module). Every figure
comes from a handful of aggregate statements, whatever the number of claims:
- per facility, the claims' own claimed and approved amounts and the valuated and remunerated amounts
  of their current lines (what the valuation and the batch run set on the lines);
- per product, a claim's amounts split by the product of its current lines: claimed = quantity provided
  x price asked, approved = (price approved > adjusted > asked) x (quantity approved > provided) of the
  passed lines, valuated = the lines' valuated prices, remunerated = the lines' remunerated amounts.

The texts handed to the definition are ready to print (dates and amounts formatted here, the labels
translated), so the definition needs no pattern."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.claim import selectors as claim_selectors
from openimis.core import inputs
from openimis.core.errors import ValidationFailed

TEMPLATE = Path(__file__).parent / "report_templates" / "account_preview.json"

BY_FACILITY = "H"
BY_PRODUCT = "P"
FACILITY_LEVELS = ("D", "C", "H")
ZERO = Decimal("0")
AMOUNTS = ("claimed", "approved", "valuated", "remunerated")
LINE_PASSED = 1
VALUATED = 16  # the claim status "Valuated"
# the claim's current item and service lines, by the name of their relation on the claim
LINE_KINDS = ("items", "services")
# the texts the frontend sends only to be shown (names and codes of what it chose) are cut to this length
SHOWN_TEXT_LENGTH = 100
AMOUNT_FIELD = DecimalField(max_digits=24, decimal_places=4)


class PreviewFailed(Exception):
    """The report definition does not accept the preview's data (a broken definition)."""


@dataclass(frozen=True)
class PreviewParameters:
    """What the account preview is asked for; None (or "") where the frontend sent "any"."""

    location_id: int | None = None
    product_id: int | None = None
    batch_run_id: int | None = None
    health_facility_id: int | None = None
    health_facility_level: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    group: str = BY_FACILITY
    show_claims: bool = False
    # shown on the report only
    region_code: str = ""
    region_name: str = ""
    product_code: str = ""
    product_name: str = ""
    run_date: str = ""
    health_facility_code: str = ""
    health_facility_name: str = ""


def _optional_id(query: Mapping, key: str) -> int | None:
    """An id sent by the frontend: "", absent or 0 mean any; a positive whole number is an id."""
    value = (query.get(key) or "").strip()
    if value in ("", "0"):
        return None
    found = inputs.id_or_none(value)
    if found is None:
        raise ValidationFailed(_("%(field)s: not a valid id") % {"field": key}, value)
    return found


def _optional_date(query: Mapping, key: str) -> datetime.date | None:
    value = (query.get(key) or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        message = _("%(field)s: not a valid date (YYYY-MM-DD)") % {"field": key}
        raise ValidationFailed(message, value) from None


def _shown(query: Mapping, key: str) -> str:
    return (query.get(key) or "").strip()[:SHOWN_TEXT_LENGTH]


def parameters_from(query: Mapping) -> PreviewParameters:
    """The preview parameters from the query string the frontend's account previewer sends; malformed
    values are refused (ValidationFailed, its message naming the parameter)."""
    level = (query.get("hfLevel") or "").strip().upper()
    if level and level not in FACILITY_LEVELS:
        raise ValidationFailed(_("%(field)s: must be one of D, C, H or empty") % {"field": "hfLevel"}, level)
    group = (query.get("group") or BY_FACILITY).strip().upper()
    if group not in (BY_FACILITY, BY_PRODUCT):
        raise ValidationFailed(_("%(field)s: must be H (by health facility) or P (by product)")
                               % {"field": "group"}, group)
    show = (query.get("showClaims") or "false").strip().lower()
    if show not in ("true", "false", "1", "0"):
        raise ValidationFailed(_("%(field)s: must be true or false") % {"field": "showClaims"}, show)
    date_from = _optional_date(query, "dateFrom")
    date_to = _optional_date(query, "dateTo")
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(_("dateFrom: must not be after dateTo"), f"{date_from} > {date_to}")
    return PreviewParameters(
        location_id=_optional_id(query, "locationId"),
        product_id=_optional_id(query, "prodId"),
        batch_run_id=_optional_id(query, "runId"),
        health_facility_id=_optional_id(query, "hfId"),
        health_facility_level=level,
        date_from=date_from,
        date_to=date_to,
        group=group,
        show_claims=show in ("true", "1"),
        region_code=_shown(query, "regionCode"),
        region_name=_shown(query, "regionName"),
        product_code=_shown(query, "productCode"),
        product_name=_shown(query, "productName"),
        run_date=_shown(query, "runDate"),
        health_facility_code=_shown(query, "hfCode"),
        health_facility_name=_shown(query, "hfName"),
    )


# --- the figures -----------------------------------------------------------------------------------------

def previewed_claims(user, parameters: PreviewParameters) -> QuerySet:
    """The current claims a batch run valuated that the user may see and the parameters select."""
    claims = claim_selectors.claims(user).filter(status=VALUATED, batch_run__isnull=False)
    if parameters.batch_run_id:
        claims = claims.filter(batch_run_id=parameters.batch_run_id)
    if parameters.location_id:
        # a district (the facility's) or a region (its districts')
        claims = claims.filter(Q(health_facility__location_id=parameters.location_id)
                               | Q(health_facility__location__parent_id=parameters.location_id))
    if parameters.health_facility_id:
        claims = claims.filter(health_facility_id=parameters.health_facility_id)
    if parameters.health_facility_level:
        claims = claims.filter(health_facility__level=parameters.health_facility_level)
    if parameters.date_from:
        claims = claims.filter(date_processed__gte=parameters.date_from)
    if parameters.date_to:
        claims = claims.filter(date_processed__lte=parameters.date_to)
    if parameters.product_id:
        with_product = Q()
        for kind in LINE_KINDS:
            lines = _current_line(kind, product_id=parameters.product_id)
            with_product |= Q(pk__in=claim_selectors.current_claims().filter(**lines).values("id"))
        claims = claims.filter(with_product)
    return claims


def _current_line(kind: str, **conditions) -> dict:
    """The lookups, from a claim, of its current lines of one kind meeting `conditions`."""
    lookups = {f"{kind}__{name}": value for name, value in conditions.items()}
    return {f"{kind}__validity_to__isnull": True, **lookups}


def _zero_amounts() -> dict:
    return dict.fromkeys(AMOUNTS, ZERO)


def _group_row(code: str, name: str) -> dict:
    return {"code": code or "", "name": name or "", "claims": 0, **_zero_amounts()}


LINE_PAID = ("valuated", "remunerated")


def _paid_by(claims: QuerySet, key: str) -> dict:
    """{key value: {"valuated", "remunerated"}}: the sums of the current item and service lines of the
    claims per `key` ("id" or "health_facility_id"), one statement per kind of line (the filter on the
    lines comes before the sums, so they add up only those lines)."""
    found: dict = {}
    for kind in LINE_KINDS:
        rows = (claims.filter(**_current_line(kind)).order_by().values(key)
                .annotate(valuated=_sum(f"{kind}__price_valuated"),
                          remunerated=_sum(f"{kind}__remunerated_amount")))
        for row in rows:
            sums = found.setdefault(row[key], dict.fromkeys(LINE_PAID, ZERO))
            for name in LINE_PAID:
                sums[name] += row[name]
    return found


def _facility_groups(claims: QuerySet) -> list[dict]:
    """Per facility: the claims' claimed and approved amounts, their lines' valuated and remunerated
    amounts (the lines are what a batch run and relative pricing set; imported claims may lack the
    claim's own totals)."""
    sums = (claims.order_by().values("health_facility_id", "health_facility__code", "health_facility__name")
            .annotate(count=Count("id"), **{name: Coalesce(Sum(name), ZERO, output_field=AMOUNT_FIELD)
                                             for name in ("claimed", "approved")}))
    paid = _paid_by(claims, "health_facility_id")
    groups = []
    for row in sums:
        group = _group_row(row["health_facility__code"], row["health_facility__name"])
        group["key"] = row["health_facility_id"]
        group["claims"] = row["count"]
        group.update(claimed=row["claimed"], approved=row["approved"])
        group.update(paid.get(row["health_facility_id"], {}))
        groups.append(group)
    return sorted(groups, key=lambda group: (group["code"], group["key"]))


def _sum(expression, **options) -> Coalesce:
    return Coalesce(Sum(expression, **options), ZERO, output_field=AMOUNT_FIELD)


def _line_sums(kind: str, claims: QuerySet, product_id: int | None) -> QuerySet:
    """Per (claim, product): the amounts of the claim's current lines of one kind and of that product."""
    conditions = {"product_id": product_id} if product_id else {"product__isnull": False}
    line = f"{kind}__"
    claimed = ExpressionWrapper(F(f"{line}qty_provided") * F(f"{line}price_asked"), output_field=AMOUNT_FIELD)
    approved = ExpressionWrapper(
        Coalesce(f"{line}price_approved", f"{line}price_adjusted", f"{line}price_asked")
        * Coalesce(f"{line}qty_approved", f"{line}qty_provided"), output_field=AMOUNT_FIELD)
    return (claims.filter(**_current_line(kind, **conditions)).order_by()
            .values("id", f"{line}product_id", f"{line}product__code", f"{line}product__name")
            .annotate(claimed=_sum(claimed),
                      approved=_sum(approved, filter=Q(**{f"{line}status": LINE_PASSED})),
                      valuated=_sum(f"{line}price_valuated"),
                      remunerated=_sum(f"{line}remunerated_amount")))


def _claim_product_amounts(claims: QuerySet, product_id: int | None) -> tuple[dict, dict]:
    """({(claim id, product id): amounts}, {product id: (code, name)}) of the lines of the claims."""
    amounts: dict = {}
    products: dict = {}
    for kind in LINE_KINDS:
        line = f"{kind}__"
        for row in _line_sums(kind, claims, product_id):
            product = row[f"{line}product_id"]
            products[product] = (row[f"{line}product__code"], row[f"{line}product__name"])
            found = amounts.setdefault((row["id"], product), _zero_amounts())
            for name in AMOUNTS:
                found[name] += row[name]
    return amounts, products


def _claim_rows(claims: QuerySet, claim_ids=None) -> dict:
    """{claim id: what the report shows of it}, in one statement (the patient and facility joined)."""
    if claim_ids is not None:
        claims = claims.filter(pk__in=list(claim_ids))
    rows = claims.order_by().values(
        "id", "code", "health_facility_id", "insuree__chf_id", "insuree__last_name", "insuree__other_names",
        "date_from", "date_to", "date_claimed", "date_processed", "claimed", "approved")
    return {row["id"]: row for row in rows}


def _claim_line(row: dict, amounts: Mapping) -> dict:
    names = (row["insuree__other_names"], row["insuree__last_name"])
    return {
        "code": row["code"],
        "chf_id": row["insuree__chf_id"] or "",
        "insuree_name": " ".join(name for name in names if name),
        "date_from": row["date_from"],
        "date_to": row["date_to"],
        "date_claimed": row["date_claimed"],
        "date_processed": row["date_processed"],
        **{name: amounts[name] for name in AMOUNTS},
    }


def _claim_order(line: dict) -> tuple:
    return (line["code"], line["date_from"] or datetime.date.min)


def account_preview(user, parameters: PreviewParameters) -> dict:
    """{"groups": [{"code", "name", "claims", "claimed", "approved", "valuated", "remunerated"[, "lines"]}],
    "total": {"claims", and the four amounts}}: per health facility or per product, ordered by code; with
    `show_claims`, each group's claims in "lines" (code, chf_id, insuree_name, dates and amounts)."""
    claims = previewed_claims(user, parameters)
    if parameters.group == BY_PRODUCT:
        groups = _product_groups(claims, parameters)
    else:
        groups = _facility_groups(claims)
        if parameters.show_claims:
            by_facility = {group["key"]: group for group in groups}
            for group in groups:
                group["lines"] = []
            paid = _paid_by(claims, "id")
            for claim_id, row in _claim_rows(claims).items():
                amounts = {"claimed": row["claimed"], "approved": row["approved"],
                           **paid.get(claim_id, dict.fromkeys(LINE_PAID, ZERO))}
                by_facility[row["health_facility_id"]]["lines"].append(_claim_line(row, amounts))
            for group in groups:
                group["lines"].sort(key=_claim_order)
    total = {"claims": 0, **_zero_amounts()}
    counted = set()
    for group in groups:
        for name in AMOUNTS:
            total[name] += group[name]
        counted |= group.pop("claim_ids", set())
        total["claims"] += group["claims"]
        group.pop("key", None)
    if parameters.group == BY_PRODUCT:
        total["claims"] = len(counted)  # a claim with lines of two products is one claim
    return {"groups": groups, "total": total}


def _product_groups(claims: QuerySet, parameters: PreviewParameters) -> list[dict]:
    amounts, products = _claim_product_amounts(claims, parameters.product_id)
    groups: dict = {}
    for (claim_id, product_id), found in amounts.items():
        code, name = products[product_id]
        group = groups.get(product_id)
        if group is None:
            group = groups[product_id] = {**_group_row(code, name), "key": product_id, "claim_ids": set()}
        group["claim_ids"].add(claim_id)
        for amount in AMOUNTS:
            group[amount] += found[amount]
    for group in groups.values():
        group["claims"] = len(group["claim_ids"])
    if parameters.show_claims:
        rows = _claim_rows(claims, {claim_id for claim_id, _product in amounts}) if amounts else {}
        for group in groups.values():
            lines = (_claim_line(rows[claim_id], amounts[(claim_id, group["key"])])
                     for claim_id in group["claim_ids"] if claim_id in rows)
            group["lines"] = sorted(lines, key=_claim_order)
    return sorted(groups.values(), key=lambda group: (group["code"], group["key"]))


# --- the PDF -----------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _definition_text() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


def report_definition() -> dict:
    """A fresh copy of the definition: reportbro-lib writes into the dictionary it is given."""
    return json.loads(_definition_text())


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _any(value: str) -> str:
    return value or _("All")


def _criteria(parameters: PreviewParameters) -> list[dict]:
    def joined(*parts: str) -> str:
        return " - ".join(part for part in parts if part)

    levels = {"D": _("Dispensary"), "C": _("Health centre"), "H": _("Hospital")}
    period = ""
    if parameters.date_from or parameters.date_to:
        period = f"{_date(parameters.date_from) or '...'} / {_date(parameters.date_to) or '...'}"
    return [
        {"label": _("Region / district"),
         "value": _any(joined(parameters.region_code, parameters.region_name))},
        {"label": _("Product"), "value": _any(joined(parameters.product_code, parameters.product_name))},
        {"label": _("Batch run"), "value": _any(parameters.run_date)},
        {"label": _("Health facility"),
         "value": _any(joined(parameters.health_facility_code, parameters.health_facility_name))},
        {"label": _("Health facility level"),
         "value": _any(levels.get(parameters.health_facility_level, ""))},
        {"label": _("Date processed"), "value": _any(period)},
        {"label": _("Grouped by"),
         "value": _("Product") if parameters.group == BY_PRODUCT else _("Health facility")},
    ]


def _printed_amounts(row: Mapping) -> dict:
    return {name: _amount(row[name]) for name in AMOUNTS}


def preview_data(preview: dict, parameters: PreviewParameters) -> dict:
    """What the definition prints: the labels, the parameters used, the groups, the claims, the total."""
    claims = []
    if parameters.show_claims:
        for group in preview["groups"]:
            for line in group.get("lines", []):
                claims.append({
                    "group": group["code"], "code": line["code"], "chf_id": line["chf_id"],
                    "insuree_name": line["insuree_name"], "date_from": _date(line["date_from"]),
                    "date_to": _date(line["date_to"]), "date_processed": _date(line["date_processed"]),
                    **_printed_amounts(line)})
    total = preview["total"]
    return {
        "title": _("Account preview"),
        "criteria": _criteria(parameters),
        "groups": [{"code": group["code"], "name": group["name"], "claims": str(group["claims"]),
                    **_printed_amounts(group)} for group in preview["groups"]],
        "claims": claims,
        "show_claims": bool(claims),  # the heading and table of the claims only when there are some
        "total_claims": str(total["claims"]),
        **{f"total_{name}": _amount(total[name]) for name in AMOUNTS},
        "label_parameters": _("Parameters"),
        "label_group_code": _("Product code") if parameters.group == BY_PRODUCT else _("Facility code"),
        "label_group_name": _("Product name") if parameters.group == BY_PRODUCT else _("Facility name"),
        "label_claims": _("Claims"),
        "label_claim_code": _("Claim code"),
        "label_group": _("Group"),
        "label_chf_id": _("Insurance number"),
        "label_insuree": _("Insuree"),
        "label_date_from": _("Date from"),
        "label_date_to": _("Date to"),
        "label_date_processed": _("Date processed"),
        "label_claimed": _("Claimed"),
        "label_approved": _("Approved"),
        "label_valuated": _("Valuated"),
        "label_remunerated": _("Remunerated"),
        "label_total": _("Total"),
        "label_no_claims": "" if preview["groups"] else _("No valuated claim matches these parameters."),
        "label_printed": _("Printed"),
        "label_page": _("Page"),
        "printed_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }


def preview_pdf(data: dict) -> bytes:
    """The PDF of the preview data. Characters beyond Windows-1252 print as '?' (the PDF core fonts)."""
    from reportbro import Report, ReportBroError

    try:
        report = Report(report_definition(), data, encode_error_handling="replace")
        if report.errors:
            raise PreviewFailed(f"the account preview definition is invalid: {report.errors}")
        return bytes(report.generate_pdf())
    except ReportBroError as error:
        raise PreviewFailed(f"the account preview could not be rendered: {error.error}") from error
