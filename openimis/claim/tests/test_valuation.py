"""Pure tests of the §11.8 valuation rules (no database)."""

from datetime import date
from decimal import Decimal as D

import pytest

from openimis.claim.valuation import (
    STATUS_PROCESSED,
    STATUS_VALUATED,
    ClaimData,
    ClaimLine,
    DedRem,
    PolicyContext,
    ProductRules,
    ceiling_and_prev,
    is_adult,
    is_hospital_claim,
    money,
    valuate_claim,
)

POLICY = 1
INSUREE = 10

# Appendix B product P1: ceilingType P, general deductible 50, general ceiling 1000, interpretation I
P1 = ProductRules(ceiling_type="P", ceiling_interpretation="I", deductible=D("50"), ceiling=D("1000"))
CLAIM = ClaimData(insuree_id=INSUREE, date_from=date(2024, 4, 1), category="C", hf_level="D")


def item_i1(line_id=1, qty="10"):
    return ClaimLine(
        line_id,
        "I",
        D(qty),
        D("6"),
        price_list_price=D("5"),
        policy_id=POLICY,
        price_origin="P",
        limitation="F",
        limitation_value=D("3"),
    )


def service_s1(line_id=1, qty="1", origin="P", limit="80"):
    return ClaimLine(
        line_id,
        "S",
        D(qty),
        D("120"),
        price_list_price=D("100"),
        policy_id=POLICY,
        price_origin=origin,
        limitation="C",
        limitation_value=D(limit),
    )


def by_kind(result, kind):
    return next(r for r in result.lines if r.kind == kind)


def test_appendix_b_first_claim_deductible_fixed_cap_then_co_insurance():
    # services are listed first on purpose: valuation still runs items before services
    res = valuate_claim(CLAIM, [service_s1(), item_i1()], {POLICY: PolicyContext(P1, members=1)})
    assert res.claimed == D("180.00")
    i1, s1 = res.lines
    assert i1.kind == "I" and s1.kind == "S"
    assert i1.price_adjusted == D("5") and s1.price_adjusted == D("100")
    assert (i1.deductable_amount, i1.price_valuated, i1.remunerated_amount) == (D("30"), D("0"), D("0"))
    assert (s1.deductable_amount, s1.price_valuated, s1.remunerated_amount) == (
        D("20"),
        D("64.00"),
        D("64.00"),
    )
    assert s1.exceed_ceiling_amount == D("0")
    assert res.status == STATUS_VALUATED
    assert (res.approved, res.valuated, res.remunerated) == (D("64.00"),) * 3
    row = res.ded_rems[POLICY]
    assert (row.ded_g, row.ded_op, row.rem_g, row.rem_op) == (D("50"), D("50"), D("64.00"), D("64.00"))
    assert (row.ded_ip, row.rem_ip) == (D("0"), D("0"))
    # step 7: ceiling left = 1000 - 64
    k, prev_k = ceiling_and_prev(PolicyContext(P1, previous=[row]), INSUREE, hospital=False)
    assert k - prev_k == D("936.00")


def test_appendix_b_second_claim_deductible_already_spent():
    first = valuate_claim(CLAIM, [item_i1(), service_s1()], {POLICY: PolicyContext(P1)})
    prev = [first.ded_rems[POLICY]]
    second = valuate_claim(CLAIM, [service_s1()], {POLICY: PolicyContext(P1, previous=prev)})
    (s1,) = second.lines
    assert s1.deductable_amount == D("0")
    assert s1.price_valuated == D("80.00") and second.remunerated == D("80.00")
    assert second.ded_rems[POLICY].ded_g == D("0")


def test_deductible_spent_across_two_claims():
    product = ProductRules(ceiling_type="I", deductible=D("150"))
    first = valuate_claim(CLAIM, [service_s1(limit="100")], {POLICY: PolicyContext(product)})
    assert first.lines[0].deductable_amount == D("100") and first.remunerated == D("0")
    prev = [first.ded_rems[POLICY]]
    second = valuate_claim(CLAIM, [service_s1(limit="100")], {POLICY: PolicyContext(product, previous=prev)})
    s1 = second.lines[0]
    assert s1.deductable_amount == D("50") and s1.remunerated_amount == D("50.00")
    # another insuree of the same family is not affected by an insuree deductible
    other = ClaimData(insuree_id=99, date_from=date(2024, 4, 2))
    third = valuate_claim(other, [service_s1(limit="100")], {POLICY: PolicyContext(product, previous=prev)})
    assert third.lines[0].deductable_amount == D("100")


def test_treatment_deductible_does_not_accumulate():
    product = ProductRules(ceiling_type="T", deductible=D("30"))
    prev = [DedRem(INSUREE, ded_g=D("30"))]
    res = valuate_claim(CLAIM, [service_s1(limit="100")], {POLICY: PolicyContext(product, previous=prev)})
    assert res.lines[0].deductable_amount == D("30") and res.remunerated == D("70.00")


def test_general_ceiling_reached_across_two_claims_of_same_insuree():
    product = ProductRules(ceiling_type="I", ceiling=D("150"))
    first = valuate_claim(CLAIM, [service_s1(limit="100")], {POLICY: PolicyContext(product)})
    assert first.remunerated == D("100.00") and first.lines[0].exceed_ceiling_amount == D("0")
    prev = [first.ded_rems[POLICY]]
    second = valuate_claim(CLAIM, [service_s1(limit="100")], {POLICY: PolicyContext(product, previous=prev)})
    s1 = second.lines[0]
    assert s1.remunerated_amount == D("50.00") and s1.exceed_ceiling_amount == D("50.00")
    assert second.ded_rems[POLICY].rem_g == D("50.00")
    third = valuate_claim(
        CLAIM,
        [service_s1(limit="100")],
        {POLICY: PolicyContext(product, previous=prev + [second.ded_rems[POLICY]])},
    )
    assert third.remunerated == D("0") and third.lines[0].exceed_ceiling_amount == D("100.00")


def test_category_amount_ceiling_across_two_claims():
    product = ProductRules(ceiling_type="P", max_amount_category={"C": D("120")})
    first = valuate_claim(CLAIM, [service_s1(limit="100")], {POLICY: PolicyContext(product)})
    assert first.remunerated == D("100.00")
    assert first.ded_rems[POLICY].rem_category == {"C": D("100.00")}
    prev = [first.ded_rems[POLICY]]
    second = valuate_claim(CLAIM, [service_s1(limit="100")], {POLICY: PolicyContext(product, previous=prev)})
    s1 = second.lines[0]
    assert s1.exceed_ceiling_amount_category == D("80.00")
    assert s1.remunerated_amount == D("20.00") and s1.exceed_ceiling_amount == D("0")


def test_category_ceiling_ignored_for_visit_category():
    product = ProductRules(ceiling_type="P", max_amount_category={"C": D("10")})
    visit = ClaimData(insuree_id=INSUREE, date_from=date(2024, 4, 1), category="V")
    res = valuate_claim(visit, [service_s1(limit="100")], {POLICY: PolicyContext(product)})
    assert res.remunerated == D("100.00") and res.lines[0].exceed_ceiling_amount_category == D("0")


def test_ceiling_exclusion_line_paid_and_not_counted():
    product = ProductRules(ceiling_type="P", ceiling=D("10"))
    line = ClaimLine(
        1,
        "S",
        D("1"),
        D("100"),
        price_list_price=D("100"),
        policy_id=POLICY,
        limitation="C",
        limitation_value=D("100"),
        ceiling_exclusion="N",
    )
    res = valuate_claim(CLAIM, [line], {POLICY: PolicyContext(product)})
    assert res.lines[0].remunerated_amount == D("100.00") and res.ded_rems[POLICY].rem_g == D("0")


def test_fixed_limit_caps_per_unit_co_insurance_takes_percentage():
    fixed = ClaimLine(
        1,
        "I",
        D("4"),
        D("9"),
        price_list_price=D("10"),
        policy_id=POLICY,
        limitation="F",
        limitation_value=D("7"),
    )
    co = ClaimLine(
        2,
        "I",
        D("4"),
        D("9"),
        price_list_price=D("10"),
        policy_id=POLICY,
        limitation="C",
        limitation_value=D("25"),
    )
    res = valuate_claim(CLAIM, [fixed, co], {POLICY: PolicyContext(ProductRules())})
    assert [r.remunerated_amount for r in res.lines] == [D("28.00"), D("10.00")]


def test_fixed_limit_above_price_pays_full_price():
    line = ClaimLine(
        1,
        "I",
        D("2"),
        D("9"),
        price_list_price=D("10"),
        policy_id=POLICY,
        limitation="F",
        limitation_value=D("50"),
    )
    res = valuate_claim(CLAIM, [line], {POLICY: PolicyContext(ProductRules())})
    assert res.remunerated == D("20.00")


def test_adult_and_child_limit_values_chosen_by_age_at_claim_date():
    # the caller picks limitAdult / limitChild with is_adult(dob, claim date)
    limits = {True: D("80"), False: D("100")}
    adult_dob, child_dob = date(2000, 1, 1), date(2006, 4, 2)
    assert is_adult(adult_dob, CLAIM.date_from) is True
    assert is_adult(child_dob, CLAIM.date_from) is False  # turns 18 the day after the claim
    assert is_adult(date(2006, 4, 1), CLAIM.date_from) is True
    out = []
    for dob in (adult_dob, child_dob):
        line = service_s1(limit=str(limits[is_adult(dob, CLAIM.date_from)]))
        out.append(valuate_claim(CLAIM, [line], {POLICY: PolicyContext(ProductRules())}).remunerated)
    assert out == [D("80.00"), D("100.00")]


def test_relative_price_line_keeps_claim_processed():
    res = valuate_claim(
        CLAIM, [item_i1(), service_s1(origin="R", limit="100")], {POLICY: PolicyContext(ProductRules())}
    )
    assert res.status == STATUS_PROCESSED
    assert res.valuated is None and res.remunerated is None
    i1, s1 = res.lines
    assert s1.price_valuated is None and s1.remunerated_amount == D("100.00")
    assert i1.price_valuated == D("30.00")
    assert res.approved == D("130.00")


def test_provider_price_origin_uses_price_asked_and_approved_price_wins():
    line = service_s1(origin="O", limit="100")
    res = valuate_claim(CLAIM, [line], {POLICY: PolicyContext(ProductRules())})
    assert res.lines[0].price_adjusted == D("120") and res.remunerated == D("120.00")
    approved = ClaimLine(
        1,
        "S",
        D("1"),
        D("120"),
        price_list_price=D("100"),
        price_approved=D("90"),
        policy_id=POLICY,
        limitation="C",
        limitation_value=D("100"),
    )
    res = valuate_claim(CLAIM, [approved], {POLICY: PolicyContext(ProductRules())})
    assert res.lines[0].price_adjusted is None and res.remunerated == D("90.00")


def test_approved_quantity_wins_over_provided():
    line = ClaimLine(
        1,
        "S",
        D("3"),
        D("10"),
        price_list_price=D("10"),
        qty_approved=D("2"),
        policy_id=POLICY,
        limitation="C",
        limitation_value=D("100"),
    )
    res = valuate_claim(CLAIM, [line], {POLICY: PolicyContext(ProductRules())})
    assert res.remunerated == D("20.00")


def test_rounding_to_cent_half_up():
    assert money(D("0.005")) == D("0.01")
    line = ClaimLine(
        1,
        "S",
        D("1"),
        D("10.05"),
        price_list_price=D("10.05"),
        policy_id=POLICY,
        limitation="C",
        limitation_value=D("50"),
    )
    res = valuate_claim(CLAIM, [line], {POLICY: PolicyContext(ProductRules())})
    assert res.remunerated == D("5.03")  # 5.025 → 5.03, not truncated to 5


def test_hospital_claim_uses_ip_deductible_and_ceiling():
    product = ProductRules(
        ceiling_type="P",
        deductible_ip=D("10"),
        deductible_op=D("40"),
        ceiling_ip=D("50"),
        ceiling_op=D("500"),
    )
    inpatient = ClaimData(insuree_id=INSUREE, date_from=date(2024, 4, 1), date_to=date(2024, 4, 3))
    assert is_hospital_claim("I", inpatient.date_from, inpatient.date_to, "D")
    assert is_hospital_claim("H", CLAIM.date_from, None, "H")
    assert not is_hospital_claim("H", inpatient.date_from, inpatient.date_to, "D")
    res = valuate_claim(inpatient, [service_s1(limit="100")], {POLICY: PolicyContext(product)})
    s1 = res.lines[0]
    assert (s1.deductable_amount, s1.remunerated_amount, s1.exceed_ceiling_amount) == (
        D("10"),
        D("50"),
        D("40.00"),
    )
    row = res.ded_rems[POLICY]
    assert (row.ded_ip, row.rem_ip, row.ded_op, row.rem_op) == (D("10"), D("50"), D("0"), D("0"))
    res = valuate_claim(CLAIM, [service_s1(limit="100")], {POLICY: PolicyContext(product)})
    assert res.lines[0].deductable_amount == D("40") and res.remunerated == D("60.00")


def test_policy_ceiling_raised_per_extra_member_and_capped():
    product = ProductRules(
        ceiling_type="P",
        ceiling=D("100"),
        threshold=2,
        max_policy_extra_member=D("30"),
        max_ceiling_policy=D("150"),
    )
    assert ceiling_and_prev(PolicyContext(product, members=3), INSUREE, False)[0] == D("130")
    assert ceiling_and_prev(PolicyContext(product, members=5), INSUREE, False)[0] == D("150")
    assert ceiling_and_prev(PolicyContext(product, members=2), INSUREE, False)[0] == D("100")


def test_no_assigned_product_rejects_claim():
    line = ClaimLine(1, "S", D("1"), D("10"), price_list_price=D("10"))
    res = valuate_claim(CLAIM, [line], {})
    assert res.rejected_no_product and res.status == 1 and res.rejection_reason == 3


def test_one_pass_per_policy_each_with_its_own_deductible():
    p2 = ProductRules(ceiling_type="P", deductible=D("10"))
    lines = [
        ClaimLine(
            1, "S", D("1"), D("100"), price_list_price=D("100"), policy_id=1, limitation_value=D("100")
        ),
        ClaimLine(
            2, "S", D("1"), D("100"), price_list_price=D("100"), policy_id=2, limitation_value=D("100")
        ),
        ClaimLine(3, "S", D("1"), D("100"), price_list_price=D("100"), policy_id=None),
    ]
    res = valuate_claim(CLAIM, lines, {1: PolicyContext(P1), 2: PolicyContext(p2)})
    assert [(r.line_id, r.remunerated_amount) for r in res.lines] == [(1, D("50.00")), (2, D("90.00"))]
    assert res.ded_rems[1].ded_g == D("50") and res.ded_rems[2].ded_g == D("10")
    assert res.remunerated == D("140.00")


def test_missing_policy_context_is_an_error():
    with pytest.raises(ValueError):
        valuate_claim(CLAIM, [service_s1()], {})
