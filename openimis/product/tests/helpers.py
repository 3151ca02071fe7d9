"""Helpers of the product tests (no tests here): places, medical items and services, and the operations
the frontend sends (fe-product 1.10, hook style: queries and mutations with variables)."""

from __future__ import annotations

import itertools
import uuid

from openimis.core.models import MutationLog
from openimis.location.models import Location
from openimis.medical.models import Item, Service
from openimis.product.models import (
    Product,
    ProductItem,
    ProductMutation,
    ProductService,
    RelativeDistribution,
)

_numbers = itertools.count(1)

# the list query of the products page and picker (same variables, same argument mapping)
PRODUCTS_QUERY = """
query ($search: String, $first: Int, $last: Int, $before: String, $after: String, $code: String,
       $name: String, $dateFrom: DateTime, $dateTo: DateTime, $location: Int, $showHistory: Boolean) {
  products(search: $search, first: $first, last: $last, before: $before, after: $after,
           code_Icontains: $code, showHistory: $showHistory, name_Icontains: $name,
           dateFrom_Lte: $dateFrom, dateTo_Gte: $dateTo, location: $location) {
    edges { node { ...ProductFragment } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
fragment ProductFragment on ProductGQLType {
  id uuid name code location { id name uuid code parent { id name uuid code } }
  dateFrom dateTo maxMembers validityFrom validityTo ageMaximal ageMinimal
}
"""

PRODUCT_FIELDS = """
  id uuid code name ageMaximal ageMinimal maxMembers threshold
  location { id uuid code name parent { id uuid name code } }
  validityFrom validityTo dateFrom dateTo recurrence insurancePeriod lumpSum premiumAdult premiumChild
  maxInstallments registrationLumpSum registrationFee generalAssemblyLumpSum generalAssemblyFee
  startCycle1 startCycle2 startCycle3 startCycle4 renewalDiscountPerc renewalDiscountPeriod
  enrolmentDiscountPerc enrolmentDiscountPeriod ceilingInterpretation gracePeriodEnrolment
  gracePeriodRenewal gracePeriodPayment accCodePremiums accCodeRemuneration maxPolicyExtraMember
  maxPolicyExtraMemberIp maxPolicyExtraMemberOp maxCeilingPolicy maxCeilingPolicyIp maxCeilingPolicyOp
  maxNoConsultation maxNoSurgery maxNoDelivery maxNoHospitalization maxNoVisits maxNoAntenatal
  maxAmountConsultation maxAmountSurgery maxAmountDelivery maxAmountHospitalization maxAmountAntenatal
  deductible deductibleIp deductibleOp ceiling ceilingIp ceilingOp
  conversionProduct { id name code }
  administrationPeriod
"""

PRODUCT_QUERY = ("query ($uuid: String, $id: ID) { product(id: $id, uuid: $uuid) { id ...ProductFragment } "
                 "}\n"
                 "fragment ProductFragment on ProductGQLType {" + PRODUCT_FIELDS + "}")

# the editor's check of one product (MainPanelForm): `products(id:)` with the ceiling type
FETCH_PRODUCT = ("query ($productId: ID) { product: products(id: $productId) { edges { node "
                 "{ id uuid code name ceilingType } } } }")

LINE_FIELDS = """
  id priceOrigin waitingPeriodAdult waitingPeriodChild limitationType limitationTypeR limitationTypeE
  limitAdult limitChild limitAdultR limitChildR limitAdultE limitChildE limitNoAdult limitNoChild
  ceilingExclusionAdult ceilingExclusionChild
"""
PRODUCT_ITEMS = ("query ($after: String, $uuid: String!) { product(uuid: $uuid) { items(first: 100, "
                 "after: $after) { edges { node {" + LINE_FIELDS
                 + " item { id uuid name code price package type } } } "
                 "pageInfo { hasNextPage endCursor } } } }")
PRODUCT_SERVICES = ("query ($after: String, $uuid: String!) { product(uuid: $uuid) { services(first: 100, "
                    "after: $after) { edges { node {" + LINE_FIELDS
                    + " service { id uuid name code price level type } } } "
                    "pageInfo { hasNextPage endCursor } } } }")
PAGE_DISPLAY_RULES = "query { pageDisplayRules { minLimitValue maxLimitValue } }"
LIMIT_DEFAULTS = ("query { limitDefaults { defaultPriceOrigin defaultLimit defaultLimitCoInsuranceValue "
                  "defaultLimitFixedValue } }")
VALIDATE_CODE = "query ($productCode: String!) { isValid: validateProductCode(productCode: $productCode) }"


def mutation_text(name: str) -> str:
    input_type = name[0].upper() + name[1:] + "MutationInput"
    return (f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ internalId clientMutationId }} }}")


def places():
    region = Location.objects.create(code="PR1", name="Product Region", type="R")
    district = Location.objects.create(code="PR1D1", name="Product District", type="D", parent=region)
    other_region = Location.objects.create(code="PR2", name="Other Region", type="R")
    other_district = Location.objects.create(code="PR2D1", name="Other District", type="D",
                                             parent=other_region)
    return {"region": region, "district": district, "other_region": other_region,
            "other_district": other_district}


def make_item(code: str | None = None, price="10.00") -> Item:
    number = next(_numbers)
    return Item.objects.create(code=code or f"I{number:04d}", name=f"Item {number}", type="D", price=price,
                               care_type="B", package="box")


def make_service(code: str | None = None, price="25.00") -> Service:
    number = next(_numbers)
    return Service.objects.create(code=code or f"S{number:04d}", name=f"Service {number}", type="C",
                                  level="S", price=price, care_type="B", category="O")


def product_input(**overrides) -> dict:
    """What the product form sends for a new product (the fields its tabs hold)."""
    values = {
        "code": "PRD1", "name": "Basic cover", "dateFrom": "2025-01-01", "dateTo": "2030-12-31",
        "insurancePeriod": 12, "administrationPeriod": 1, "maxMembers": 6, "threshold": 4, "recurrence": 1,
        "ageMinimal": 0, "ageMaximal": 0, "maxInstallments": None, "lumpSum": "100.00",
        "premiumAdult": "20.00", "premiumChild": "10.00", "registrationLumpSum": "5.00",
        "registrationFee": "1.00", "generalAssemblyLumpSum": "2.00", "generalAssemblyFee": "0.50",
        "startCycle1": "01-01", "startCycle2": "01-07", "renewalDiscountPerc": 10, "renewalDiscountPeriod": 1,
        "enrolmentDiscountPerc": 5, "enrolmentDiscountPeriod": 2, "gracePeriodEnrolment": 1,
        "gracePeriodRenewal": 1, "gracePeriodPayment": 2, "accCodePremiums": "PREM",
        "accCodeRemuneration": "REM",
        "ceilingInterpretation": "HEALTH_FACILITY_TYPE", "ceilingType": "POLICY", "deductible": "0",
        "deductibleIp": "10.00", "deductibleOp": "5.00", "ceilingIp": "1000.00", "ceilingOp": "300.00",
        "maxPolicyExtraMemberIp": "100.00", "maxPolicyExtraMemberOp": "30.00",
        "maxCeilingPolicyIp": "2000.00",
        "maxCeilingPolicyOp": "600.00", "maxNoConsultation": 10, "maxNoSurgery": 2, "maxNoDelivery": 1,
        "maxNoHospitalization": 3, "maxNoVisits": 20, "maxNoAntenatal": 4, "maxAmountConsultation": "200.00",
        "maxAmountSurgery": "500.00", "maxAmountDelivery": "300.00", "maxAmountHospitalization": "900.00",
        "maxAmountAntenatal": "100.00", "shareContribution": "50.00",
    }
    values.update(overrides)
    return values


def item_line(item: Item, **overrides) -> dict:
    line = {"itemUuid": item.uuid, "priceOrigin": "PRICELIST", "limitationType": "CO_INSURANCE",
            "limitationTypeR": "CO_INSURANCE", "limitationTypeE": "FIXED_AMOUNT", "limitAdult": "80.00",
            "limitChild": "100.00", "limitAdultR": "90.00", "limitChildR": "100.00", "limitAdultE": "5.00",
            "limitChildE": "5.00", "limitNoAdult": 3, "limitNoChild": None, "waitingPeriodAdult": 2,
            "waitingPeriodChild": None, "ceilingExclusionAdult": "HOSPITAL", "ceilingExclusionChild": None}
    line.update(overrides)
    return line


def service_line(service: Service, **overrides) -> dict:
    line = {"serviceUuid": service.uuid, "priceOrigin": "RELATIVE", "limitationType": "FIXED_AMOUNT",
            "limitationTypeR": "CO_INSURANCE", "limitationTypeE": "CO_INSURANCE", "limitAdult": "20.00",
            "limitChild": "25.00", "limitAdultR": "100.00", "limitChildR": "100.00", "limitAdultE": "100.00",
            "limitChildE": "100.00", "limitNoAdult": None, "limitNoChild": 1, "waitingPeriodAdult": None,
            "waitingPeriodChild": 6, "ceilingExclusionAdult": None, "ceilingExclusionChild": "BOTH"}
    line.update(overrides)
    return line


def send(gql, name: str, values: dict, label: str | None = None) -> str:
    """Send a product mutation as the frontend does (variables, clientMutationId added); return its id."""
    client_mutation_id = str(uuid.uuid4())
    result = gql(mutation_text(name), {"input": {**values, "clientMutationId": client_mutation_id,
                                                 "clientMutationLabel": label or name}})
    assert "errors" not in result, result
    assert result["data"][name]["clientMutationId"] == client_mutation_id
    return client_mutation_id


def status_of(client_mutation_id: str) -> int:
    return MutationLog.objects.get(client_mutation_id=client_mutation_id).status


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Product, ProductItem, ProductService, RelativeDistribution, ProductMutation)}
