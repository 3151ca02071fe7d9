"""Writes of the product module: create, update (with history), duplicate and delete products with
their items, services and relative price distributions. Every rule of spec 6 lives here.

`data` uses the snake_case names of the GraphQL input (`start_cycle1`, `location_uuid`, `items`...);
enumerations may come as their GraphQL names (`INSUREE`, `CO_INSURANCE`) or as the stored codes."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.core import inputs, unique
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.services import audit_id
from openimis.location import selectors as location_selectors
from openimis.product import selectors
from openimis.product.models import (
    CODE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PERIODS_PER_KIND,
    Product,
    ProductItem,
    ProductService,
    RelativeDistribution,
)

# GraphQL enum names -> stored codes
CEILING_TYPE_CODES = {"INSUREE": "I", "TREATMENT": "T", "POLICY": "P"}
CEILING_INTERPRETATION_CODES = {"CLAIM_TYPE": "I", "HEALTH_FACILITY_TYPE": "H"}
PRICE_ORIGIN_CODES = {"PRICELIST": "P", "PROVIDER": "O", "RELATIVE": "R"}
LIMIT_TYPE_CODES = {"CO_INSURANCE": "C", "FIXED_AMOUNT": "F"}
CEILING_EXCLUSION_CODES = {"HOSPITAL": "H", "NON_HOSPITAL": "N", "BOTH": "B"}
CARE_TYPE_CODES = {"IN_PATIENT": "I", "OUT_PATIENT": "O", "BOTH": "B"}
PERIOD_KIND_OF_COUNT = {count: kind for kind, count in PERIODS_PER_KIND.items()}
CARE_TYPE_PERIOD_FIELD = {"B": "period_rel_prices", "O": "period_rel_prices_op", "I": "period_rel_prices_ip"}

# input name -> model field, for the plain numbers of a product
PRODUCT_COUNTS = {name: name for name in (
    "administration_period", "max_installments", "recurrence", "threshold", "age_minimal", "age_maximal",
    "enrolment_discount_perc", "enrolment_discount_period", "renewal_discount_perc",
    "renewal_discount_period", "grace_period_renewal", "grace_period_payment", "max_no_consultation",
    "max_no_surgery", "max_no_delivery", "max_no_hospitalization", "max_no_visits", "max_no_antenatal")}
PRODUCT_MONEY = {name: name for name in (
    "premium_adult", "premium_child", "registration_lump_sum", "registration_fee",
    "general_assembly_lump_sum", "general_assembly_fee", "share_contribution", "deductible", "deductible_ip",
    "deductible_op", "ceiling", "ceiling_ip", "ceiling_op", "max_policy_extra_member",
    "max_policy_extra_member_ip", "max_policy_extra_member_op", "max_ceiling_policy", "max_ceiling_policy_ip",
    "max_ceiling_policy_op", "max_amount_consultation", "max_amount_surgery", "max_amount_delivery",
    "max_amount_hospitalization", "max_amount_antenatal")}
PRODUCT_TEXTS = {"acc_code_premiums": 25, "acc_code_remuneration": 25}
START_CYCLES = {f"start_cycle{n}": f"start_cycle_{n}" for n in range(1, 5)}
# a value given for "all" claims excludes the IP/OP split of the same amount
SPLIT_GROUPS = ["deductible", "ceiling", "max_policy_extra_member", "max_ceiling_policy"]
PERCENTAGES = ["enrolment_discount_perc", "renewal_discount_perc", "share_contribution"]

LINE_COUNTS = ["waiting_period_adult", "waiting_period_child", "limit_no_adult", "limit_no_child"]
LINE_LIMITS = {  # limit field -> the limitation type that governs it
    "limit_adult": "limitation_type", "limit_child": "limitation_type",
    "limit_adult_r": "limitation_type_r", "limit_child_r": "limitation_type_r",
    "limit_adult_e": "limitation_type_e", "limit_child_e": "limitation_type_e",
}
LINE_FIELDS = ["price_origin", "limitation_type", "limitation_type_r", "limitation_type_e", *LINE_LIMITS,
               *LINE_COUNTS, "ceiling_exclusion_adult", "ceiling_exclusion_child"]
CYCLE_PATTERN = re.compile(r"^(\d{2})-(\d{2})$")


# --- parsing ---------------------------------------------------------------------------------

def _label(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _count(value, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("%(field)s must be a whole number")
                               % {"field": _label(name)}, str(value)) from None
    if number < 0:
        raise ValidationFailed(_("%(field)s cannot be negative") % {"field": _label(name)}, str(value))
    return number


def _code(value, codes: dict[str, str], name: str) -> str | None:
    if value in (None, ""):
        return None
    value = getattr(value, "name", value)
    if value in codes:
        return codes[value]
    if value in codes.values():
        return value
    raise ValidationFailed(_("Unknown %(field)s: %(value)s") % {"field": _label(name), "value": value})


def _start_cycle(value, name: str) -> str | None:
    if value in (None, ""):
        return None
    match = CYCLE_PATTERN.match(str(value))
    if not match:
        raise ValidationFailed(_("%(field)s must be written DD-MM") % {"field": _label(name)}, str(value))
    day, month = int(match.group(1)), int(match.group(2))
    try:
        datetime.date(2000, month, day)  # a leap year: 29-02 is a valid cycle start
    except ValueError:
        raise ValidationFailed(_("%(field)s is not a day of the year") % {"field": _label(name)},
                               str(value)) from None
    return str(value)


def _start_of_day(value, name: str) -> datetime.datetime:
    day = inputs.as_date(value)
    if day is None:
        raise ValidationFailed(_("%(field)s is mandatory") % {"field": _label(name)})
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()), datetime.UTC)


def _is_positive(value) -> bool:
    return value is not None and value > 0


# --- products ----------------------------------------------------------------------------------

def _location(location_uuid):
    if not location_uuid:
        return None
    location = location_selectors.current_locations().filter(uuid=str(location_uuid)).first()
    if location is None:
        raise NotFound("Unknown location", str(location_uuid))
    if location.type not in ("R", "D"):
        raise ValidationFailed("A product is sold in a region or a district", location.code)
    return location


def _conversion_product(conversion_uuid, product: Product | None):
    if not conversion_uuid:
        return None
    conversion = selectors.current_products().filter(uuid=str(conversion_uuid)).first()
    if conversion is None:
        raise NotFound("Unknown conversion product", str(conversion_uuid))
    if product is not None and product.pk == conversion.pk:
        raise ValidationFailed("A product cannot be its own conversion product", product.code)
    return conversion


def _fill_product(product: Product, data: dict) -> None:
    """Set every field from `data` (an update is complete: an omitted optional field is cleared)."""
    product.code = inputs.text(data, "code", _("Product code"), CODE_MAX_LENGTH, required=True)
    product.name = inputs.text(data, "name", _("Product name"), NAME_MAX_LENGTH, required=True)
    product.date_from = _start_of_day(data.get("date_from"), "date_from")
    product.date_to = _start_of_day(data.get("date_to"), "date_to")
    if product.date_from > product.date_to:
        raise ValidationFailed(_("dateFrom must not be after dateTo"),
                               f"{product.date_from.date()} > {product.date_to.date()}")
    insurance_period = _count(data.get("insurance_period"), "insurance_period")
    if not insurance_period:
        raise ValidationFailed("insurancePeriod is mandatory (months of cover)")
    product.insurance_period = insurance_period
    product.location = _location(data.get("location_uuid"))
    product.conversion_product = _conversion_product(data.get("conversion_product_uuid"),
                                                     product if product.pk else None)
    product.max_members = _count(data.get("max_members"), "max_members") or 0
    product.lump_sum = inputs.amount(data.get("lump_sum"), "lumpSum", required=False) or Decimal("0.00")
    product.grace_period_enrolment = _count(data.get("grace_period_enrolment"), "grace_period_enrolment") or 0
    for name, field in PRODUCT_COUNTS.items():
        setattr(product, field, _count(data.get(name), name))
    for name, field in PRODUCT_MONEY.items():
        setattr(product, field, inputs.amount(data.get(name), _label(name), required=False))
    for name, max_length in PRODUCT_TEXTS.items():
        setattr(product, name, inputs.text(data, name, _label(name), max_length))
    for name, field in START_CYCLES.items():
        setattr(product, field, _start_cycle(data.get(name), name))
    for name in PERCENTAGES:
        if getattr(product, name) is not None and getattr(product, name) > 100:
            raise ValidationFailed(_("%(field)s cannot exceed 100 %%") % {"field": _label(name)},
                                   str(getattr(product, name)))
    if product.age_minimal is not None and product.age_maximal is not None \
            and product.age_maximal and product.age_maximal < product.age_minimal:
        raise ValidationFailed(_("ageMaximal must not be below ageMinimal"),
                               f"{product.age_minimal} > {product.age_maximal}")
    for group in SPLIT_GROUPS:
        split = _is_positive(getattr(product, f"{group}_ip")) or _is_positive(getattr(product, f"{group}_op"))
        if _is_positive(getattr(product, group)) and split:
            raise ValidationFailed(_("%(field)s is given both for all claims and split in IP/OP")
                                   % {"field": _label(group)})
    ceiling_type = _code(data.get("ceiling_type"), CEILING_TYPE_CODES, "ceiling_type")
    product.ceiling_type = ceiling_type or product.ceiling_type or "I"
    product.ceiling_interpretation = _code(data.get("ceiling_interpretation"), CEILING_INTERPRETATION_CODES,
                                           "ceiling_interpretation")


@unique.refusal("product_product_unique_current_code")
def _code_taken(product: Product) -> ValidationFailed:
    return ValidationFailed(_("Product code %(code)s is already used by another product")
                            % {"code": product.code}, product.code)


def _check_code_free(product: Product) -> None:
    if not selectors.code_is_free(product.code, except_id=product.pk):
        raise _code_taken(product)


# --- items, services, distributions ----------------------------------------------------------------

def _line_values(line: dict, label: str) -> dict:
    values = {
        "price_origin": _code(line.get("price_origin"), PRICE_ORIGIN_CODES, "price_origin") or "P",
        "ceiling_exclusion_adult": _code(line.get("ceiling_exclusion_adult"), CEILING_EXCLUSION_CODES,
                                         "ceiling_exclusion_adult"),
        "ceiling_exclusion_child": _code(line.get("ceiling_exclusion_child"), CEILING_EXCLUSION_CODES,
                                         "ceiling_exclusion_child"),
    }
    for name in ("limitation_type", "limitation_type_r", "limitation_type_e"):
        values[name] = _code(line.get(name), LIMIT_TYPE_CODES, name) or "C"
    for name in LINE_COUNTS:
        values[name] = _count(line.get(name), name)
    for name, type_field in LINE_LIMITS.items():
        amount = inputs.amount(line.get(name), _label(name), required=False)
        if amount is None:
            amount = Decimal("100.00") if values[type_field] == "C" else Decimal("0.00")
        if values[type_field] == "C" and amount > 100:
            raise ValidationFailed(_("%(line)s: the co-insurance %(field)s cannot exceed 100 %%")
                                   % {"line": label, "field": _label(name)},
                                   str(amount))
        values[name] = amount
    return values


def _medical_rows(model_name: str, uuids: list[str], label: str) -> dict[str, object]:
    # the medical module's current rows, reached through the app registry (no import of its models)
    model = apps.get_model("medical", model_name)
    found = {row.uuid: row for row in model.objects.filter(validity_to__isnull=True, uuid__in=uuids)}
    missing = [uuid for uuid in uuids if uuid not in found]
    if missing:
        raise NotFound(_("Unknown %(kind)s") % {"kind": label}, ", ".join(missing))
    return found


def _new_lines(product: Product, lines: list[dict], kind: str, audit_user: int) -> list:
    """Rows of ProductItem (kind "item") or ProductService (kind "service") for the input lines."""
    model, medical_model = (ProductItem, "Item") if kind == "item" else (ProductService, "Service")
    key = f"{kind}_uuid"
    uuids = [str(line.get(key) or "") for line in lines]
    if any(not uuid for uuid in uuids):
        raise ValidationFailed(_("Every product %(kind)s needs its %(field)s")
                               % {"kind": kind, "field": _label(key)})
    duplicates = sorted({uuid for uuid in uuids if uuids.count(uuid) > 1})
    if duplicates:
        raise ValidationFailed(_("A %(kind)s may appear only once in a product") % {"kind": kind},
                               ", ".join(duplicates))
    found = _medical_rows(medical_model, uuids, kind)
    rows = []
    for line, uuid in zip(lines, uuids, strict=True):
        label = f"{kind} {found[uuid].code}"
        rows.append(model(product=product, audit_user_id=audit_user, **{kind: found[uuid]},
                          **_line_values(line, label)))
    return rows


def _distribution_rows(product: Product, relative_prices: list[dict], audit_user: int) -> list:
    rows, seen = [], set()
    for entry in relative_prices:
        care_type = _code(entry.get("care_type"), CARE_TYPE_CODES, "care_type") or "B"
        if care_type in seen:
            raise ValidationFailed("relativePrices lists a care type twice", care_type)
        seen.add(care_type)
        periods = [inputs.amount(value, "periods", required=False) for value in entry.get("periods") or []]
        if len(periods) not in PERIOD_KIND_OF_COUNT:
            raise ValidationFailed("relativePrices needs 1, 4 or 12 periods", str(len(periods)))
        if any(value is None for value in periods):
            raise ValidationFailed("relativePrices periods must be numbers")
        setattr(product, CARE_TYPE_PERIOD_FIELD[care_type], PERIOD_KIND_OF_COUNT[len(periods)])
        rows.extend(RelativeDistribution(product=product, type=len(periods), care_type=care_type,
                                         period=number, percent=value, audit_user_id=audit_user)
                    for number, value in enumerate(periods, start=1))
    return rows


def _copies(rows, product: Product, audit_user: int) -> list:
    copies = []
    for row in rows:
        row.pk = row.id = None
        row._state.adding = True
        row.product = product
        row.validity_from, row.validity_to, row.legacy_id = timezone.now(), None, None
        row.audit_user_id = audit_user
        copies.append(row)
    return copies


def _set_lines(product: Product, data: dict, audit_user: int, previous: Product | None) -> None:
    """Create the product's items, services and distributions: from the input when given, else copies of
    those of `previous` (the history row of an update, the source of a duplicate)."""
    given = {"items": data.get("items"), "services": data.get("services"),
             "relative_prices": data.get("relative_prices")}
    if given["items"] is not None:
        ProductItem.objects.bulk_create(_new_lines(product, given["items"], "item", audit_user))
    elif previous is not None:
        ProductItem.objects.bulk_create(_copies(selectors.product_items(previous), product, audit_user))
    if given["services"] is not None:
        ProductService.objects.bulk_create(_new_lines(product, given["services"], "service", audit_user))
    elif previous is not None:
        ProductService.objects.bulk_create(_copies(selectors.product_services(previous), product, audit_user))
    if given["relative_prices"] is not None:
        for field in CARE_TYPE_PERIOD_FIELD.values():
            setattr(product, field, None)
        RelativeDistribution.objects.bulk_create(
            _distribution_rows(product, given["relative_prices"], audit_user))
        product.save(update_fields=list(CARE_TYPE_PERIOD_FIELD.values()))
    elif previous is not None:
        RelativeDistribution.objects.bulk_create(
            _copies(selectors.relative_distributions(previous), product, audit_user))


# --- operations ---------------------------------------------------------------------------------

@transaction.atomic
def create_product(actor, data: dict) -> Product:
    product = Product()
    _fill_product(product, data)
    _check_code_free(product)
    product.audit_user_id = audit_id(actor)
    unique.save(product)
    _set_lines(product, data, product.audit_user_id, previous=None)
    return product


def _find_current(actor, uuid, purpose: str) -> Product:
    if not uuid:
        raise ValidationFailed(_("uuid is mandatory to %(purpose)s a product") % {"purpose": purpose})
    product = selectors.product_by(actor, uuid=str(uuid))
    if product is None:
        raise NotFound("Product not found", str(uuid))
    if not product.is_current:
        raise ValidationFailed("cannot update historical data", str(uuid))
    return product


@transaction.atomic
def update_product(actor, data: dict) -> Product:
    """Version the product: the old state becomes a history row that takes the current items, services
    and distributions with it; the current row (same id and uuid) gets the new values and new lines."""
    product = _find_current(actor, data.get("uuid"), "update")
    audit_user = audit_id(actor)
    history = product.save_history(audit_user)  # a product ended meanwhile: HistoricalRecordError
    for model in (ProductItem, ProductService, RelativeDistribution):
        model.objects.filter(product=product, validity_to__isnull=True).update(
            product=history, validity_to=history.validity_to)
    _fill_product(product, data)
    _check_code_free(product)
    product.audit_user_id = audit_user
    unique.save(product)
    _set_lines(product, data, audit_user, previous=history)
    return product


@transaction.atomic
def duplicate_product(actor, data: dict) -> Product:
    """A new product from an existing one (`uuid`) with a new code; lines not given are copied."""
    source = _find_current(actor, data.get("uuid"), "duplicate") if data.get("uuid") else None
    product = Product()
    _fill_product(product, data)
    _check_code_free(product)
    product.audit_user_id = audit_id(actor)
    if source is not None:
        for field in ("period_rel_prices", "period_rel_prices_op", "period_rel_prices_ip", "level_1",
                      "sublevel_1", "level_2", "sublevel_2", "level_3", "sublevel_3", "level_4", "sublevel_4",
                      "weight_population", "weight_number_families", "weight_insured_population",
                      "weight_number_insured_families", "weight_number_visits", "weight_adjusted_amount"):
            setattr(product, field, getattr(source, field))
    unique.save(product)
    _set_lines(product, data, product.audit_user_id, previous=source)
    return product


@transaction.atomic
def delete_product(actor, uuid) -> Product:
    product = selectors.product_by(actor, uuid=str(uuid)) if uuid else None
    if product is None:
        raise NotFound("Product not found", str(uuid))
    if not product.is_current:
        raise ValidationFailed("Product is already deleted", str(uuid))
    product.delete_history(audit_id(actor))
    for model in (ProductItem, ProductService, RelativeDistribution):
        model.objects.filter(product=product, validity_to__isnull=True).update(
            validity_to=product.validity_to)
    return product
