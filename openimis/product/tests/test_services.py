"""The rules of products (spec 6), tested on the services themselves: create, update with history,
duplicate, delete; the checks of codes, dates, limits, items and services; a refusal writes nothing.
The data are the plain dicts the GraphQL layer passes (snake_case keys, dates and amounts as text,
enumerations by their GraphQL names)."""

from __future__ import annotations

import datetime
import uuid as uuid_module
from decimal import Decimal

import pytest

from openimis.core.errors import NotFound, ValidationFailed
from openimis.medical.models import Item
from openimis.product import services
from openimis.product.models import Product, ProductItem, ProductService, RelativeDistribution
from openimis.product.tests.helpers import make_item, make_service, places, row_counts

pytestmark = pytest.mark.django_db


def product_data(code: str = "PRD1", **overrides) -> dict:
    return {"code": code, "name": "Basic cover", "date_from": "2025-01-01", "date_to": "2030-12-31",
            "insurance_period": 12, "administration_period": 1, "max_members": 6, "threshold": 4,
            "lump_sum": "100.00", "premium_adult": "20.00", "premium_child": "10.00",
            "registration_fee": "1.00", "start_cycle1": "01-01", "start_cycle2": "01-07",
            "renewal_discount_perc": 10, "renewal_discount_period": 1, "grace_period_enrolment": 1,
            "acc_code_premiums": "PREM", "ceiling_interpretation": "HEALTH_FACILITY_TYPE",
            "ceiling_type": "POLICY", "deductible_ip": "10.00", "deductible_op": "5.00",
            "ceiling_ip": "1000.00", "ceiling_op": "300.00", "max_no_surgery": 2,
            "max_amount_surgery": "500.00", "share_contribution": "50.00", **overrides}


def item_line(item: Item, **overrides) -> dict:
    return {"item_uuid": item.uuid, "price_origin": "PRICELIST", "limitation_type": "CO_INSURANCE",
            "limitation_type_e": "FIXED_AMOUNT", "limit_adult": "80.00", "limit_adult_e": "150.00",
            "limit_no_adult": 3, "waiting_period_adult": 2, "ceiling_exclusion_adult": "HOSPITAL",
            **overrides}


def current_lines(model, product: Product):
    return model.objects.filter(product=product, validity_to__isnull=True)


def refused(function, actor, data, expected: str | None = None, error=ValidationFailed):
    """`function` raises `error` (mentioning `expected`) and writes nothing; returns the error."""
    before = row_counts()
    with pytest.raises(error) as raised:
        function(actor, data)
    if expected is not None:
        assert expected in raised.value.message
    assert row_counts() == before
    return raised.value


@pytest.fixture
def medical(db):
    return {"items": [make_item(), make_item()], "services": [make_service(), make_service()]}


# --- create --------------------------------------------------------------------------------------

def test_create_stores_the_product_with_stored_codes(admin_user):
    product = services.create_product(admin_user, product_data())
    product.refresh_from_db()
    assert (product.code, product.name, product.location) == ("PRD1", "Basic cover", None)
    assert product.date_from == datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    assert product.date_to == datetime.datetime(2030, 12, 31, tzinfo=datetime.UTC)
    assert (product.ceiling_type, product.ceiling_interpretation) == ("P", "H")
    assert (product.lump_sum, product.premium_adult, product.ceiling_ip, product.ceiling_op) == (
        Decimal("100.00"), Decimal("20.00"), Decimal("1000.00"), Decimal("300.00"))
    assert (product.start_cycle_1, product.start_cycle_2, product.start_cycle_3) == ("01-01", "01-07", None)
    assert (product.max_members, product.threshold, product.max_no_surgery, product.max_no_visits) == (
        6, 4, 2, None)
    assert product.audit_user_id == admin_user.id_for_audit and product.is_current
    # stored codes are accepted as well as the GraphQL names; the ceiling type defaults to INSUREE
    other = services.create_product(None, product_data("PRD2", ceiling_type=None, ceiling_interpretation="I"))
    assert (other.ceiling_type, other.ceiling_interpretation) == ("I", "I")


def test_a_product_is_sold_nationally_in_a_region_or_in_a_district():
    where = places()
    assert services.create_product(None, product_data("REG", location_uuid=where["region"].uuid)).location \
        == where["region"]
    assert services.create_product(None, product_data("DIS", location_uuid=where["district"].uuid)).location \
        == where["district"]
    village = where["district"].children.create(code="PRV", name="Village", type="V")
    refused(services.create_product, None, product_data("VIL", location_uuid=village.uuid),
            "A product is sold in a region or a district")
    refused(services.create_product, None, product_data("NOW", location_uuid=str(uuid_module.uuid4())),
            "Unknown location", error=NotFound)


def test_the_code_is_unique_among_current_products(admin_user):
    product = services.create_product(None, product_data("TAKEN"))
    error = refused(services.create_product, None, product_data("TAKEN", name="Other"),
                    "Product code TAKEN is already used by another product")
    assert error.detail == "TAKEN"
    services.update_product(admin_user, product_data("TAKEN", uuid=product.uuid, name="Same code"))
    services.delete_product(admin_user, product.uuid)
    assert services.create_product(None, product_data("TAKEN")).pk != product.pk


@pytest.mark.parametrize(("changes", "expected"), [
    ({"code": " "}, "Product code is mandatory"),
    ({"code": "ABCDEFGHI"}, "Product code is longer than 8 characters"),
    ({"name": ""}, "Product name is mandatory"),
    ({"date_from": None}, "dateFrom is mandatory"),
    ({"date_to": "31/12/2030"}, "Invalid date"),
    ({"date_from": "2026-01-01", "date_to": "2025-12-31"}, "dateFrom must not be after dateTo"),
    ({"insurance_period": 0}, "insurancePeriod is mandatory"),
    ({"start_cycle1": "1-1"}, "startCycle1 must be written DD-MM"),
    ({"start_cycle3": "31-02"}, "startCycle3 is not a day of the year"),
    ({"max_no_surgery": -1}, "maxNoSurgery cannot be negative"),
    ({"max_members": "many"}, "maxMembers must be a whole number"),
    ({"premium_adult": "-20"}, "premiumAdult"),
    ({"renewal_discount_perc": 150}, "renewalDiscountPerc cannot exceed 100"),
    ({"share_contribution": "100.50"}, "shareContribution cannot exceed 100"),
    ({"age_minimal": 18, "age_maximal": 5}, "ageMaximal must not be below ageMinimal"),
    ({"deductible": "10", "deductible_ip": "5"}, "deductible is given both for all claims and split"),
    ({"ceiling": "500"}, "ceiling is given both for all claims and split"),
    ({"ceiling_type": "FAMILY"}, "Unknown ceilingType: FAMILY"),
    ({"acc_code_premiums": "A" * 26}, "accCodePremiums is longer than 25 characters"),
])
def test_bad_product_input_is_refused_and_writes_nothing(changes, expected):
    refused(services.create_product, None, {**product_data(), **changes}, expected)


def test_limits_at_the_edges_are_accepted():
    product = services.create_product(None, product_data(
        start_cycle1="29-02", renewal_discount_perc=100, age_minimal=18, age_maximal=0, max_no_surgery=0,
        deductible="0", date_to="2025-01-01"))
    assert (product.start_cycle_1, product.renewal_discount_perc, product.age_maximal) == ("29-02", 100, 0)
    assert product.date_from == product.date_to


# --- items, services, relative prices ------------------------------------------------------------

def test_items_and_services_of_a_product(medical):
    item, other_item = medical["items"]
    service = medical["services"][0]
    product = services.create_product(None, product_data(
        items=[item_line(item), {"item_uuid": other_item.uuid}],
        services=[{"service_uuid": service.uuid, "price_origin": "RELATIVE",
                   "limitation_type": "FIXED_AMOUNT", "limit_adult": "20.00",
                   "ceiling_exclusion_child": "BOTH"}]))
    line = ProductItem.objects.get(product=product, item=item)
    assert (line.price_origin, line.limitation_type, line.limitation_type_e) == ("P", "C", "F")
    assert (line.limit_adult, line.limit_adult_e, line.limit_no_adult, line.waiting_period_adult) == (
        Decimal("80.00"), Decimal("150.00"), 3, 2)
    assert line.ceiling_exclusion_adult == "H" and line.ceiling_exclusion_child is None
    # what a line leaves out: price list, co-insurance at 100 % for every visit type
    default = ProductItem.objects.get(product=product, item=other_item)
    assert (default.price_origin, default.limitation_type, default.limitation_type_r) == ("P", "C", "C")
    assert {default.limit_adult, default.limit_child, default.limit_adult_r, default.limit_child_e} == {
        Decimal("100.00")}
    covered = ProductService.objects.get(product=product)
    assert (covered.service_id, covered.price_origin, covered.limitation_type) == (service.pk, "R", "F")
    assert (covered.limit_adult, covered.limit_child) == (Decimal("20.00"), Decimal("0.00"))
    assert covered.ceiling_exclusion_child == "B"


def test_bad_lines_are_refused_and_write_nothing(medical):
    item = medical["items"][0]
    deleted = make_item()
    deleted.delete_history()
    invalid = [
        ([item_line(item), item_line(item, limit_adult="50")], "may appear only once in a product"),
        ([item_line(item, limit_child="100.01")], "the co-insurance limitChild cannot exceed 100"),
        ([item_line(item, limit_adult="-1")], "limitAdult"),
        ([item_line(item, price_origin="CHEAPEST")], "Unknown priceOrigin: CHEAPEST"),
        ([{"limit_adult": "50"}], "Every product item needs its itemUuid"),
    ]
    for items, expected in invalid:
        refused(services.create_product, None, product_data(items=items), expected)
    for items in ([{"item_uuid": str(uuid_module.uuid4())}], [{"item_uuid": deleted.uuid}]):
        refused(services.create_product, None, product_data(items=items), "Unknown item", error=NotFound)
    refused(services.create_product, None,
            product_data(services=[{"service_uuid": str(uuid_module.uuid4())}]), "Unknown service",
            error=NotFound)


def test_relative_prices_set_the_period_kind_of_their_care_type():
    product = services.create_product(None, product_data(relative_prices=[
        {"care_type": "IN_PATIENT", "periods": [str(n) for n in range(1, 13)]},
        {"care_type": "OUT_PATIENT", "periods": ["25", "25", "25", "25"]},
        {"periods": ["100"]}]))
    product.refresh_from_db()
    assert (product.period_rel_prices_ip, product.period_rel_prices_op, product.period_rel_prices) == (
        "M", "Q", "Y")
    rows = RelativeDistribution.objects.filter(product=product)
    assert rows.count() == 17
    assert rows.get(care_type="I", period=12).percent == Decimal("12.00")
    for prices, expected in [
        ([{"care_type": "BOTH", "periods": ["50", "50"]}], "relativePrices needs 1, 4 or 12 periods"),
        ([{"care_type": "BOTH", "periods": ["100"]}, {"care_type": "B", "periods": ["100"]}],
         "relativePrices lists a care type twice"),
    ]:
        refused(services.create_product, None, product_data("PRD2", relative_prices=prices), expected)


# --- update ----------------------------------------------------------------------------------------

def test_update_keeps_history_and_the_history_row_takes_the_old_lines(admin_user, medical):
    first_item, second_item = medical["items"]
    service = medical["services"][0]
    product = services.create_product(admin_user, product_data(
        items=[item_line(first_item)], services=[{"service_uuid": service.uuid}],
        relative_prices=[{"care_type": "BOTH", "periods": ["25", "25", "25", "25"]}]))
    old_line = ProductItem.objects.get(product=product)
    services.update_product(admin_user, product_data(
        uuid=product.uuid, name="Better cover", items=[item_line(first_item, limit_adult="70.00"),
                                                       {"item_uuid": second_item.uuid}]))
    current = Product.objects.current().get(code="PRD1")
    history = Product.objects.get(legacy_id=product.pk)
    assert current.pk == product.pk and current.uuid == product.uuid and current.name == "Better cover"
    assert history.name == "Basic cover" and history.validity_to is not None and history.uuid != product.uuid
    old_line.refresh_from_db()
    assert old_line.product_id == history.pk and old_line.validity_to == history.validity_to
    assert {(line.item_id, line.limit_adult) for line in current_lines(ProductItem, current)} == {
        (first_item.pk, Decimal("70.00")), (second_item.pk, Decimal("100.00"))}
    # the services and distributions not sent are copied onto the current row, the old ones stay behind
    assert current_lines(ProductService, current).get().service_id == service.pk
    assert ProductService.objects.get(product=history).validity_to is not None
    assert current_lines(RelativeDistribution, current).count() == 4
    assert RelativeDistribution.objects.filter(product=history).count() == 4
    assert current.period_rel_prices == "Q"


def test_update_is_complete_and_lines_sent_empty_are_removed(admin_user, medical):
    product = services.create_product(None, product_data(items=[item_line(medical["items"][0])]))
    data = product_data(uuid=product.uuid, items=[])
    for key in ("threshold", "acc_code_premiums", "start_cycle2", "max_amount_surgery"):
        data.pop(key)
    product = services.update_product(admin_user, data)
    product.refresh_from_db()
    assert (product.threshold, product.acc_code_premiums, product.start_cycle_2) == (None, None, None)
    assert product.max_amount_surgery is None and product.start_cycle_1 == "01-01"
    assert not current_lines(ProductItem, product).exists()
    assert ProductItem.objects.filter(product__legacy_id=product.pk).count() == 1


def test_update_refusals_change_nothing(admin_user, medical):
    services.create_product(None, product_data("OTHER"))
    product = services.create_product(None, product_data(items=[item_line(medical["items"][0])]))
    refused(services.update_product, admin_user, product_data("OTHER", uuid=product.uuid), "already used")
    refused(services.update_product, admin_user,
            product_data(uuid=product.uuid, items=[item_line(medical["items"][0], limit_child="101")]),
            "cannot exceed 100")
    refused(services.update_product, admin_user,
            product_data(uuid=product.uuid, conversion_product_uuid=product.uuid),
            "A product cannot be its own conversion product")
    refused(services.update_product, admin_user, product_data(), "uuid is mandatory to update a product")
    refused(services.update_product, admin_user, product_data(uuid=str(uuid_module.uuid4())),
            "Product not found", error=NotFound)
    product.refresh_from_db()
    assert product.code == "PRD1" and product.is_current
    assert current_lines(ProductItem, product).get().limit_child == Decimal("100.00")


def test_a_history_row_cannot_be_updated_or_deleted(admin_user):
    product = services.create_product(None, product_data())
    services.update_product(admin_user, product_data(uuid=product.uuid, name="Second"))
    history = Product.objects.get(legacy_id=product.pk)
    refused(services.update_product, admin_user, product_data(uuid=history.uuid, name="Third"),
            "cannot update historical data")
    with pytest.raises(ValidationFailed, match="Product is already deleted"):
        services.delete_product(admin_user, history.uuid)
    assert Product.objects.get(pk=product.pk).name == "Second"


# --- duplicate, delete, conversion -----------------------------------------------------------------

def test_duplicate_copies_the_lines_not_sent_under_a_new_code(admin_user, medical):
    product = services.create_product(None, product_data(
        items=[item_line(medical["items"][0])], services=[{"service_uuid": medical["services"][0].uuid}],
        relative_prices=[{"care_type": "IN_PATIENT", "periods": ["100"]}]))
    copy = services.duplicate_product(admin_user, product_data("PRD2", uuid=product.uuid, name="Copy",
                                                               services=[]))
    assert copy.pk != product.pk and copy.uuid != product.uuid and copy.legacy_id is None
    assert copy.period_rel_prices_ip == "Y"
    assert current_lines(ProductItem, copy).get().limit_adult == Decimal("80.00")
    assert not ProductService.objects.filter(product=copy).exists()
    assert RelativeDistribution.objects.filter(product=copy).count() == 1
    # the source is untouched
    assert current_lines(ProductItem, product).count() == 1
    assert current_lines(ProductService, product).count() == 1
    assert not Product.objects.filter(legacy_id=product.pk).exists()
    refused(services.duplicate_product, admin_user, product_data("PRD2", uuid=product.uuid), "already used")
    # without a source it is a plain creation
    assert services.duplicate_product(admin_user, product_data("PRD3")).code == "PRD3"


def test_delete_is_soft_and_ends_the_lines(admin_user, medical):
    product = services.create_product(None, product_data(items=[item_line(medical["items"][0])]))
    services.delete_product(admin_user, product.uuid)
    product.refresh_from_db()
    assert product.validity_to is not None and product.validity_from == product.validity_to
    assert Product.objects.filter(legacy_id=product.pk).count() == 1
    assert ProductItem.objects.get(product=product).validity_to == product.validity_to
    with pytest.raises(NotFound):
        services.delete_product(admin_user, str(uuid_module.uuid4()))


def test_conversion_product():
    old = services.create_product(None, product_data("OLD"))
    new = services.create_product(None, product_data("NEW", conversion_product_uuid=old.uuid))
    assert new.conversion_product == old
    refused(services.create_product, None,
            product_data("NEW2", conversion_product_uuid=str(uuid_module.uuid4())),
            "Unknown conversion product", error=NotFound)


def test_the_system_may_update_and_delete_a_product():
    product = services.create_product(None, product_data())
    services.update_product(None, product_data(uuid=product.uuid, name="By the system"))
    services.delete_product(None, product.uuid)
    assert not Product.objects.current().exists()

