"""Pure deductible / ceiling / valuation rules for claims (spec §11.8).

No Django, no ORM: the claim services read rows from the database, build the
frozen dataclasses below and write the results back.  One call handles one
claim; its lines may be assigned to several policies (one pass per policy).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")

PRICE_ORIGIN_PRICELIST = "P"
PRICE_ORIGIN_PROVIDER = "O"
PRICE_ORIGIN_RELATIVE = "R"

LIMITATION_CO_INSURANCE = "C"
LIMITATION_FIXED = "F"

CEILING_TREATMENT = "T"
CEILING_INSUREE = "I"
CEILING_POLICY = "P"

INTERPRETATION_CLAIM_TYPE = "I"
INTERPRETATION_HF_TYPE = "H"

# claim categories that may carry a money ceiling (product maxAmount*)
AMOUNT_CATEGORIES = ("S", "D", "A", "H", "C")

STATUS_REJECTED = 1
STATUS_PROCESSED = 8
STATUS_VALUATED = 16


def money(value: Decimal) -> Decimal:
    """Round to the cent, half up (money columns are decimal(18,2))."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def approved_value(price_approved, price_adjusted, price_asked, qty_approved, qty_provided) -> Decimal:
    """What a line that is not rejected counts in the claim's `approved` (spec 11.1): (price approved ▸
    adjusted ▸ asked) × (quantity approved ▸ provided), not rounded."""
    price = next((p for p in (price_approved, price_adjusted, price_asked) if p is not None), ZERO)
    quantity = qty_approved if qty_approved is not None else qty_provided
    return Decimal(price) * Decimal(quantity or 0)


def age_at(dob: date, ref: date) -> int:
    """Full years at `ref` (birthday not yet reached this year → one less)."""
    years = ref.year - dob.year
    if (ref.month, ref.day) < (dob.month, dob.day):
        years -= 1
    return years


def is_adult(dob: date | None, ref: date, age_of_majority: int = 18) -> bool:
    """Adult = age ≥ age_of_majority at the reference date (§1.4); unknown dob → adult."""
    if dob is None:
        return True
    return age_at(dob, ref) >= age_of_majority


def is_hospital_claim(
    ceiling_interpretation: str, date_from: date, date_to: date | None, hf_level: str | None
) -> bool:
    """Hospital flag H of §11.8 / §6.1 ceilingInterpretation."""
    if ceiling_interpretation == INTERPRETATION_HF_TYPE:
        return hf_level == "H"
    return date_to is not None and date_to > date_from


def _positive(value: Decimal | None) -> bool:
    return value is not None and value > 0


@dataclass(frozen=True)
class ProductRules:
    """The product's deductible/ceiling columns of the group chosen by ceiling_type (§6.3)."""

    ceiling_type: str = CEILING_POLICY
    ceiling_interpretation: str = INTERPRETATION_CLAIM_TYPE
    deductible: Decimal | None = None
    deductible_ip: Decimal | None = None
    deductible_op: Decimal | None = None
    ceiling: Decimal | None = None
    ceiling_ip: Decimal | None = None
    ceiling_op: Decimal | None = None
    threshold: int | None = None
    max_policy_extra_member: Decimal | None = None
    max_policy_extra_member_ip: Decimal | None = None
    max_policy_extra_member_op: Decimal | None = None
    max_ceiling_policy: Decimal | None = None
    max_ceiling_policy_ip: Decimal | None = None
    max_ceiling_policy_op: Decimal | None = None
    # category money ceilings keyed by claim category S/D/A/H/C (maxAmount*)
    max_amount_category: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class DedRem:
    """One ClaimDedRem row (previous claims of the policy, or the row written for this claim)."""

    insuree_id: int
    ded_g: Decimal = ZERO
    rem_g: Decimal = ZERO
    ded_ip: Decimal = ZERO
    rem_ip: Decimal = ZERO
    ded_op: Decimal = ZERO
    rem_op: Decimal = ZERO
    rem_category: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyContext:
    """What one policy used by the claim brings to the valuation."""

    product: ProductRules
    members: int = 1
    previous: Sequence[DedRem] = ()


@dataclass(frozen=True)
class ClaimLine:
    """A claim item or service line, with the product line data copied at assignment (§11.7)."""

    line_id: int
    kind: str  # "I" item or "S" service
    qty_provided: Decimal
    price_asked: Decimal
    price_list_price: Decimal | None = None  # priceOverrule ▸ item/service price
    qty_approved: Decimal | None = None
    price_approved: Decimal | None = None
    passed: bool = True
    policy_id: int | None = None
    price_origin: str = PRICE_ORIGIN_PRICELIST
    limitation: str = LIMITATION_CO_INSURANCE
    limitation_value: Decimal | None = None
    ceiling_exclusion: str | None = None  # H / N / B for the insuree's adult/child column


@dataclass(frozen=True)
class ClaimData:
    insuree_id: int
    date_from: date
    date_to: date | None = None
    category: str | None = None
    hf_level: str | None = None


@dataclass(frozen=True)
class LineValuation:
    line_id: int
    kind: str
    price_origin: str
    price_adjusted: Decimal | None
    price_valuated: Decimal | None
    deductable_amount: Decimal
    exceed_ceiling_amount: Decimal
    exceed_ceiling_amount_category: Decimal
    remunerated_amount: Decimal


@dataclass(frozen=True)
class ClaimValuation:
    lines: tuple
    ded_rems: Mapping[int, DedRem]  # policy_id → row to write
    claimed: Decimal
    approved: Decimal
    valuated: Decimal | None
    remunerated: Decimal | None
    status: int
    rejected_no_product: bool = False
    rejection_reason: int = 0  # 3 (no product) when rejected_no_product


def _prev_rows(ctx: PolicyContext, insuree_id: int) -> list:
    ctype = ctx.product.ceiling_type
    if ctype == CEILING_TREATMENT:
        return []
    if ctype == CEILING_INSUREE:
        return [r for r in ctx.previous if r.insuree_id == insuree_id]
    return list(ctx.previous)


def deductible_and_prev(ctx: PolicyContext, insuree_id: int, hospital: bool) -> tuple:
    """Step 1: (D, prevD)."""
    p = ctx.product
    rows = _prev_rows(ctx, insuree_id)
    if _positive(p.deductible):
        return p.deductible, sum((r.ded_g for r in rows), ZERO)
    if hospital:
        return (p.deductible_ip or ZERO), sum((r.ded_ip for r in rows), ZERO)
    return (p.deductible_op or ZERO), sum((r.ded_op for r in rows), ZERO)


def ceiling_and_prev(ctx: PolicyContext, insuree_id: int, hospital: bool) -> tuple:
    """Step 2: (K, prevK), policy ceilings raised for extra members and capped."""
    p = ctx.product
    rows = _prev_rows(ctx, insuree_id)
    if _positive(p.ceiling):
        k, prev = p.ceiling, sum((r.rem_g for r in rows), ZERO)
        extra, cap = p.max_policy_extra_member, p.max_ceiling_policy
    elif hospital:
        k, prev = (p.ceiling_ip or ZERO), sum((r.rem_ip for r in rows), ZERO)
        extra, cap = p.max_policy_extra_member_ip, p.max_ceiling_policy_ip
    else:
        k, prev = (p.ceiling_op or ZERO), sum((r.rem_op for r in rows), ZERO)
        extra, cap = p.max_policy_extra_member_op, p.max_ceiling_policy_op
    threshold = p.threshold or 0
    if p.ceiling_type == CEILING_POLICY and k > 0 and ctx.members > threshold and _positive(extra):
        k = k + (ctx.members - threshold) * extra
        if _positive(cap) and k > cap:
            k = cap
    return k, prev


def unit_price(line: ClaimLine) -> Decimal:
    """Step 3a: priceApproved ▸ priceAsked (origin O) ▸ price-list price."""
    if line.price_approved is not None:
        return line.price_approved
    if line.price_origin == PRICE_ORIGIN_PROVIDER:
        return line.price_asked
    if line.price_list_price is None:
        raise ValueError(f"line {line.line_id}: no price-list price")
    return line.price_list_price


def _excluded(line: ClaimLine, hospital: bool) -> bool:
    ex = line.ceiling_exclusion
    return ex == "B" or (ex == "H" and hospital) or (ex == "N" and not hospital)


def _value_policy(claim: ClaimData, lines: list, ctx: PolicyContext, hospital: bool) -> tuple:
    d, prev_d = deductible_and_prev(ctx, claim.insuree_id, hospital)
    k, prev_k = ceiling_and_prev(ctx, claim.insuree_id, hospital)
    category = claim.category
    cat_max = None
    prev_cat = ZERO
    if category in AMOUNT_CATEGORIES and category in ctx.product.max_amount_category:
        cat_max = ctx.product.max_amount_category[category]
        prev_cat = sum((r.rem_category.get(category, ZERO) for r in ctx.previous), ZERO)
    deducted = ZERO
    remunerated = ZERO
    cat_total = ZERO
    results = []
    for line in lines:
        q = line.qty_approved if line.qty_approved is not None else line.qty_provided
        u = unit_price(line)
        adjusted = None if line.price_approved is not None else u
        w = money(q * u)
        if line.limitation == LIMITATION_FIXED and _positive(line.limitation_value):
            cap = money(q * line.limitation_value)
            if cap < w:
                w = cap
        ded_amount = ZERO
        left = d - prev_d - deducted
        if left > 0:
            if left >= w:
                deducted += w
                results.append(
                    LineValuation(
                        line.line_id,
                        line.kind,
                        line.price_origin,
                        adjusted,
                        None if line.price_origin == PRICE_ORIGIN_RELATIVE else ZERO,
                        w,
                        ZERO,
                        ZERO,
                        ZERO,
                    )
                )
                continue
            ded_amount = left
            deducted += left
            w -= left
        if line.limitation == LIMITATION_CO_INSURANCE:
            pct = line.limitation_value if line.limitation_value is not None else HUNDRED
            w = money(pct / HUNDRED * w)
        exceed_cat = ZERO
        if cat_max is not None:
            room = max(cat_max - prev_cat - cat_total, ZERO)
            if w > room:
                exceed_cat = w - room
                w = room
            cat_total += w
        exceed = ZERO
        if _excluded(line, hospital) or k <= 0:
            paid = w
        else:
            room = max(k - prev_k - remunerated, ZERO)
            paid = min(w, room)
            exceed = w - paid
            remunerated += paid
        results.append(
            LineValuation(
                line.line_id,
                line.kind,
                line.price_origin,
                adjusted,
                None if line.price_origin == PRICE_ORIGIN_RELATIVE else paid,
                ded_amount,
                exceed,
                exceed_cat,
                paid,
            )
        )
    rem_category = {category: cat_total} if cat_max is not None else {}
    row = DedRem(
        insuree_id=claim.insuree_id,
        ded_g=deducted,
        rem_g=remunerated,
        ded_ip=deducted if hospital else ZERO,
        rem_ip=remunerated if hospital else ZERO,
        ded_op=ZERO if hospital else deducted,
        rem_op=ZERO if hospital else remunerated,
        rem_category=rem_category,
    )
    return results, row


def valuate_claim(
    claim: ClaimData, lines: Sequence[ClaimLine], policies: Mapping[int, PolicyContext]
) -> ClaimValuation:
    """Processing-mode valuation of one claim (§11.8 steps 1–5).

    Lines are processed items first, then services, in the given order; only passed lines
    with an assigned policy are valuated.  The claim total "approved" equals the sum of the
    amounts paid (step 5); "valuated"/"remunerated" are set only when the claim becomes Valuated.
    """
    claimed = money(sum((ln.qty_provided * ln.price_asked for ln in lines), ZERO))
    ordered = [ln for ln in lines if ln.kind == "I"] + [ln for ln in lines if ln.kind != "I"]
    passed = [ln for ln in ordered if ln.passed and ln.policy_id is not None]
    if not passed:
        return ClaimValuation(
            (), {}, claimed, ZERO, None, None, STATUS_REJECTED, rejected_no_product=True, rejection_reason=3
        )
    results = []
    rows = {}
    for policy_id, ctx in policies.items():
        own = [ln for ln in passed if ln.policy_id == policy_id]
        if not own:
            continue
        hospital = is_hospital_claim(
            ctx.product.ceiling_interpretation, claim.date_from, claim.date_to, claim.hf_level
        )
        res, row = _value_policy(claim, own, ctx, hospital)
        results.extend(res)
        rows[policy_id] = row
    missing = {ln.policy_id for ln in passed} - set(policies)
    if missing:
        raise ValueError(f"no policy context for policies {sorted(missing)}")
    order = {(ln.kind, ln.line_id): i for i, ln in enumerate(ordered)}
    results.sort(key=lambda r: order[(r.kind, r.line_id)])
    total = sum((r.remunerated_amount for r in results), ZERO)
    relative = any(r.price_origin == PRICE_ORIGIN_RELATIVE for r in results)
    if relative:
        return ClaimValuation(tuple(results), rows, claimed, total, None, None, STATUS_PROCESSED)
    return ClaimValuation(tuple(results), rows, claimed, total, total, total, STATUS_VALUATED)
