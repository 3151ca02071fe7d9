"""The world of spec Appendix B, built row by row for the claim submission and processing tests:
region R1 > district R1D1 > ward R1D1M1 > village R1D1M1V1, facility HF1 (level D, care type B) with
price lists PLI1 (I1 at 5) and PLS1 (S1 at 100), product P1 (general deductible 50, ceiling 1000 per
policy; I1 fixed 3, S1 co-insurance 80 %), the family of 070707070 and its active policy effective on
2024-03-12 (paid that day)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from openimis.claim.models import Claim, ClaimItem, ClaimService
from openimis.insuree.models import Family, Gender, Insuree
from openimis.location.models import HealthFacility, HealthFacilityLegalForm, Location
from openimis.medical.models import Diagnosis, Item, Service
from openimis.medical_pricelist.models import (
    ItemsPricelist,
    ItemsPricelistDetail,
    ServicesPricelist,
    ServicesPricelistDetail,
)
from openimis.policy.models import ACTIVE, InsureePolicy, Policy
from openimis.product.models import Product, ProductItem, ProductService

D = datetime.date
ENROLLED = D(2024, 3, 10)
PAID = D(2024, 3, 12)
EXPIRY = D(2025, 3, 9)
VISIT = D(2024, 4, 1)
ADULT_DOB = D(1980, 1, 1)


@dataclass
class World:
    village: Location
    district: Location
    health_facility: HealthFacility
    items_pricelist: ItemsPricelist
    services_pricelist: ServicesPricelist
    item: Item
    service: Service
    product: Product
    product_item: ProductItem
    product_service: ProductService
    insuree: Insuree
    family: Family
    policy: Policy
    insuree_policy: InsureePolicy
    icd: Diagnosis
    counter: list = field(default_factory=lambda: [0])

    # --- more registers -------------------------------------------------------------------------
    def add_item(self, code: str, price="5", in_price_list: bool = True, covered: bool = True,
                 **fields) -> Item:
        values = {"name": f"Item {code}", "type": "D", "price": Decimal(price), "care_type": "B",
                  "patient_category": 15}
        values.update(fields)
        item = Item.objects.create(code=code, **values)
        if in_price_list:
            ItemsPricelistDetail.objects.create(items_pricelist=self.items_pricelist, item=item)
        if covered:
            self.cover_item(item)
        return item

    def cover_item(self, item: Item, product: Product | None = None, **fields) -> ProductItem:
        values = {"price_origin": "P", "limitation_type": "C", "limit_adult": Decimal("100"),
                  "limit_child": Decimal("100")}
        values.update(fields)
        return ProductItem.objects.create(product=product or self.product, item=item, **values)

    def add_service(self, code: str, price="100", category="C", in_price_list: bool = True,
                    covered: bool = True, **fields) -> Service:
        values = {"name": f"Service {code}", "type": "C", "level": "S", "price": Decimal(price),
                  "care_type": "B", "patient_category": 15, "category": category}
        values.update(fields)
        service = Service.objects.create(code=code, **values)
        if in_price_list:
            ServicesPricelistDetail.objects.create(services_pricelist=self.services_pricelist,
                                                   service=service)
        if covered:
            self.cover_service(service)
        return service

    def cover_service(self, service: Service, product: Product | None = None, **fields) -> ProductService:
        values = {"price_origin": "P", "limitation_type": "C", "limit_adult": Decimal("100"),
                  "limit_child": Decimal("100")}
        values.update(fields)
        return ProductService.objects.create(product=product or self.product, service=service, **values)

    def update_product(self, **fields) -> Product:
        Product.objects.filter(pk=self.product.pk).update(**fields)
        self.product.refresh_from_db()
        return self.product

    # --- claims ---------------------------------------------------------------------------------
    def claim(self, items=(), services=(), date_from: datetime.date = VISIT, date_to=None, date_claimed=None,
              insuree: Insuree | None = None, code: str | None = None, **fields) -> Claim:
        """An Entered claim; `items`/`services` are (item or service, quantity, price asked) triples."""
        self.counter[0] += 1
        claimed = sum((Decimal(str(qty)) * Decimal(str(price)) for _m, qty, price in (*items, *services)),
                      Decimal("0"))
        claim = Claim.objects.create(
            code=code or f"C{self.counter[0]}", health_facility=self.health_facility,
            insuree=insuree or self.insuree, icd=self.icd, date_from=date_from, date_to=date_to,
            date_claimed=date_claimed or date_to or date_from, claimed=claimed, status=2, **fields)
        for item, qty, price in items:
            ClaimItem.objects.create(claim=claim, item=item, qty_provided=Decimal(str(qty)),
                                     price_asked=Decimal(str(price)), rejection_reason=None)
        for service, qty, price in services:
            ClaimService.objects.create(claim=claim, service=service, qty_provided=Decimal(str(qty)),
                                        price_asked=Decimal(str(price)), rejection_reason=None)
        return claim

    def appendix_b_claim(self, **fields) -> Claim:
        return self.claim(items=[(self.item, 10, 6)], services=[(self.service, 1, 120)], code="C1", **fields)


def location(code: str, kind: str, parent: Location | None = None) -> Location:
    return Location.objects.create(code=code, name=f"Location {code}", type=kind, parent=parent)


def insuree_of(family_village: Location, chf_id: str, dob=ADULT_DOB, gender="M") -> tuple:
    """A family headed by a new insuree (the family's only member)."""
    insuree = Insuree.objects.create(chf_id=chf_id, last_name="Insuree", other_names=chf_id, gender_id=gender,
                                     dob=dob, head=True, current_village=family_village)
    family = Family.objects.create(head_insuree=insuree, location=family_village)
    insuree.family = family
    insuree.save(update_fields=["family"])
    return insuree, family


def active_policy(family: Family, product: Product, insurees, effective=PAID, stage="N",
                  member_effective=None) -> tuple:
    """An Active policy of `family` (enrolled 2024-03-10, paid 2024-03-12) covering `insurees`."""
    policy = Policy.objects.create(family=family, product=product, stage=stage, status=ACTIVE,
                                   value=Decimal("20"), enroll_date=ENROLLED, start_date=ENROLLED,
                                   effective_date=effective, expiry_date=EXPIRY)
    rows = [InsureePolicy.objects.create(insuree=insuree, policy=policy, enrollment_date=ENROLLED,
                                         start_date=ENROLLED, effective_date=member_effective or effective,
                                         expiry_date=EXPIRY)
            for insuree in insurees]
    return policy, rows


def _reference_rows() -> None:
    """The code-list rows the world needs, which the migrations seed and a transactional test before this
    one may have emptied."""
    HealthFacilityLegalForm.objects.get_or_create(code="D", defaults={"legal_form": "District organization"})
    for code, label in (("M", "Male"), ("F", "Female")):
        Gender.objects.get_or_create(code=code, defaults={"gender": label})


def appendix_b_world(prefix: str = "R1") -> World:
    _reference_rows()
    region = location(prefix, "R")
    district = location(f"{prefix}D1", "D", region)
    ward = location(f"{prefix}D1M1", "W", district)
    village = location(f"{prefix}D1M1V1", "V", ward)
    items_pricelist = ItemsPricelist.objects.create(name=f"PLI{prefix}", pricelist_date=D(2020, 1, 1))
    services_pricelist = ServicesPricelist.objects.create(name=f"PLS{prefix}", pricelist_date=D(2020, 1, 1))
    health_facility = HealthFacility.objects.create(
        code=f"HF{prefix}", name="Facility", legal_form_id="D", level="D", location=district, care_type="B",
        items_pricelist=items_pricelist, services_pricelist=services_pricelist)
    item = Item.objects.create(code="I1", name="Drug", type="D", price=Decimal("5"), care_type="B",
                               patient_category=15)
    service = Service.objects.create(code="S1", name="Consultation", type="C", level="S", category="C",
                                     price=Decimal("100"), care_type="B", patient_category=15)
    ItemsPricelistDetail.objects.create(items_pricelist=items_pricelist, item=item)
    ServicesPricelistDetail.objects.create(services_pricelist=services_pricelist, service=service)
    product = Product.objects.create(
        code="P1", name="Product P1", date_from=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        date_to=datetime.datetime(2035, 12, 31, tzinfo=datetime.UTC), insurance_period=12, lump_sum=0,
        premium_adult=20, premium_child=10, registration_fee=0, general_assembly_fee=0, max_members=6,
        ceiling_type="P", ceiling_interpretation="I", deductible=Decimal("50"), ceiling=Decimal("1000"))
    product_item = ProductItem.objects.create(product=product, item=item, price_origin="P",
                                              limitation_type="F", limit_adult=Decimal("3"),
                                              limit_child=Decimal("3"))
    product_service = ProductService.objects.create(product=product, service=service, price_origin="P",
                                                    limitation_type="C", limit_adult=Decimal("80"),
                                                    limit_child=Decimal("80"))
    insuree, family = insuree_of(village, "070707070")
    policy, [insuree_policy] = active_policy(family, product, [insuree])
    icd = Diagnosis.objects.create(code="A00", name="Cholera")
    return World(village=village, district=district, health_facility=health_facility,
                 items_pricelist=items_pricelist, services_pricelist=services_pricelist, item=item,
                 service=service, product=product, product_item=product_item, product_service=product_service,
                 insuree=insuree, family=family, policy=policy, insuree_policy=insuree_policy, icd=icd)
