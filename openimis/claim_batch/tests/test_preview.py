"""The account preview (`GET /api/claim_batch/report/`): the figures per health facility and per
product of the claims the batch runs valuated (filters, totals, the claims of each group, row
security, bounded SQL), and the PDF download with its refusals."""

from __future__ import annotations

import datetime
import re
import zlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openimis.claim.models import BatchRun, Claim, ClaimItem, ClaimService, ClaimStatus
from openimis.claim.rights import CLAIM_SEARCH
from openimis.claim.tests.claim_fixtures import appendix_b_world, location
from openimis.claim_batch import preview
from openimis.claim_batch.preview import PreviewParameters
from openimis.claim_batch.rights import BATCH_RUN_ACCOUNT_PREVIEW
from openimis.core.auth.tokens import issue_access_token
from openimis.core.errors import ValidationFailed
from openimis.core.models import User
from openimis.location.models import HealthFacility, UserDistrict
from openimis.product.models import Product

URL = "/api/claim_batch/report/"
D = datetime.date
M = Decimal


def _product(code: str) -> Product:
    return Product.objects.create(
        code=code, name=f"Product {code}", date_from=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        date_to=datetime.datetime(2035, 12, 31, tzinfo=datetime.UTC), insurance_period=12, lump_sum=0,
        premium_adult=20, premium_child=10, registration_fee=0, general_assembly_fee=0, max_members=6,
        ceiling_type="P", ceiling_interpretation="I")


def _facility(world, code: str, district, level: str) -> HealthFacility:
    return HealthFacility.objects.create(
        code=code, name=f"Facility {code}", legal_form_id="D", level=level, location=district, care_type="B",
        items_pricelist=world.items_pricelist, services_pricelist=world.services_pricelist)


def _run(month: int) -> BatchRun:
    return BatchRun.objects.create(run_date=datetime.datetime(2024, month, 28, tzinfo=datetime.UTC),
                                   run_year=2024, run_month=month)


class Books:
    """Region R1 (districts R1D1 with HFR1 level D, R1D2 with HF2 level H), region R2 (district R2D1 with
    HF3 level C), products P1 and P2, runs of April and May, and these valuated claims:

    claim  facility run    processed   lines (product: claimed / approved / valuated = remunerated)
    VA     HFR1     April  2024-04-10  item P1 60/60/30, service P2 120/120/100  (claim 180/150/130/130)
    VB     HFR1     May    2024-05-10  service P1 100/100/80                     (claim 100/100/80/80)
    VC     HF2      April  2024-04-12  item P2 50/50/40                          (claim 50/50/40/40)
    VD     HF3      April  2024-04-15  service P1 100/90/70                      (claim 100/90/70/70)
    and, left out, a processed claim, a valuated claim of no run and an ended (history) claim."""

    def __init__(self):
        world = appendix_b_world()
        self.world = world
        self.region = world.district.parent
        self.district = world.district
        self.district_2 = location("R1D2", "D", self.region)
        self.region_2 = location("R2", "R")
        self.district_3 = location("R2D1", "D", self.region_2)
        self.hf1 = world.health_facility
        self.hf2 = _facility(world, "HF2", self.district_2, "H")
        self.hf3 = _facility(world, "HF3", self.district_3, "C")
        self.p1 = world.product
        self.p2 = _product("P2")
        self.april, self.may = _run(4), _run(5)
        self.va = self.valuated("VA", self.hf1, self.april, D(2024, 4, 10), M(150),
                                items=[(self.p1, 10, 6, None, 30)], services=[(self.p2, 1, 120, None, 100)])
        self.vb = self.valuated("VB", self.hf1, self.may, D(2024, 5, 10), M(100),
                                services=[(self.p1, 1, 100, None, 80)])
        self.vc = self.valuated("VC", self.hf2, self.april, D(2024, 4, 12), M(50),
                                items=[(self.p2, 10, 5, None, 40)])
        self.vd = self.valuated("VD", self.hf3, self.april, D(2024, 4, 15), M(90),
                                services=[(self.p1, 1, 100, 90, 70)])
        small = [(self.p1, 1, 10, None, 5)]
        processed = self.valuated("XP", self.hf1, self.april, D(2024, 4, 11), M(10), items=small)
        Claim.objects.filter(pk=processed.pk).update(status=ClaimStatus.PROCESSED)
        self.valuated("XN", self.hf1, None, D(2024, 4, 11), M(10), items=small)
        ended = self.valuated("XH", self.hf1, self.april, D(2024, 4, 11), M(10), items=small)
        ended_at = datetime.datetime(2024, 4, 20, tzinfo=datetime.UTC)
        Claim.objects.filter(pk=ended.pk).update(validity_to=ended_at)

    def valuated(self, code, facility, run, processed, approved, items=(), services=()) -> Claim:
        """A Valuated claim; lines are (product, quantity, price asked, price approved, remunerated)."""
        world = self.world
        claim = world.claim(items=[(world.item, qty, price) for _p, qty, price, _a, _r in items],
                            services=[(world.service, qty, price) for _p, qty, price, _a, _r in services],
                            code=code)
        remunerated = sum((M(rem) for *_rest, rem in (*items, *services)), M(0))
        Claim.objects.filter(pk=claim.pk).update(
            health_facility=facility, status=ClaimStatus.VALUATED, batch_run=run, date_processed=processed,
            approved=approved, valuated=remunerated, remunerated=remunerated)
        for model, lines in ((ClaimItem, items), (ClaimService, services)):
            rows = list(model.objects.filter(claim=claim).order_by("id"))
            for row, (product, _qty, _price, price_approved, rem) in zip(rows, lines, strict=True):
                row.product = product
                row.policy = world.policy
                row.price_approved = None if price_approved is None else M(price_approved)
                row.price_valuated = M(rem)
                row.remunerated_amount = M(rem)
                row.save()
        claim.refresh_from_db()
        return claim


@pytest.fixture
def books(db) -> Books:
    return Books()


@pytest.fixture
def administrator(admin_user):
    return admin_user


def figures(group: dict) -> tuple:
    return (group["code"], group["claims"], group["claimed"], group["approved"], group["valuated"],
            group["remunerated"])


def run(user, **parameters) -> dict:
    return preview.account_preview(user, PreviewParameters(**parameters))


# --- the figures -------------------------------------------------------------------------------------

def test_grouped_by_health_facility(books, administrator):
    result = run(administrator, group="H")
    assert [figures(group) for group in result["groups"]] == [
        ("HF2", 1, M(50), M(50), M(40), M(40)),
        ("HF3", 1, M(100), M(90), M(70), M(70)),
        ("HFR1", 2, M(280), M(250), M(210), M(210)),
    ]
    assert result["groups"][2]["name"] == "Facility"
    assert result["total"] == {"claims": 4, "claimed": M(430), "approved": M(390), "valuated": M(320),
                               "remunerated": M(320)}
    assert "lines" not in result["groups"][0]


def test_valuated_and_remunerated_come_from_the_lines_when_the_claim_lacks_them(books, administrator):
    """Imported openIMIS claims may carry no valuated/remunerated total of their own."""
    Claim.objects.filter(pk__in=[books.va.pk, books.vb.pk]).update(valuated=None, remunerated=None)
    result = run(administrator, group="H", location_id=books.district.pk, show_claims=True)
    assert [figures(group) for group in result["groups"]] == [("HFR1", 2, M(280), M(250), M(210), M(210))]
    lines = result["groups"][0]["lines"]
    assert [(line["code"], line["valuated"], line["remunerated"]) for line in lines] == [
        ("VA", M(130), M(130)), ("VB", M(80), M(80))]


def test_grouped_by_product_splits_a_claim_by_the_products_of_its_lines(books, administrator):
    result = run(administrator, group="P")
    assert [figures(group) for group in result["groups"]] == [
        ("P1", 3, M(260), M(250), M(180), M(180)),
        ("P2", 2, M(170), M(170), M(140), M(140)),
    ]
    assert result["groups"][1]["name"] == "Product P2"
    # VA has lines of both products: one claim in the total
    assert result["total"] == {"claims": 4, "claimed": M(430), "approved": M(420), "valuated": M(320),
                               "remunerated": M(320)}


def test_rejected_lines_count_as_claimed_only_and_ended_lines_not_at_all(books, administrator):
    world = books.world
    ClaimItem.objects.create(claim=books.vb, item=world.item, qty_provided=M(1), price_asked=M(20), status=2,
                             product=books.p1, rejection_reason=2, remunerated_amount=M(0))
    ClaimService.objects.create(claim=books.va, service=world.service, qty_provided=M(1), price_asked=M(999),
                                product=books.p2, price_valuated=M(999), remunerated_amount=M(999),
                                validity_to=datetime.datetime(2024, 4, 9, tzinfo=datetime.UTC))
    by_product = run(administrator, group="P")
    assert [figures(group) for group in by_product["groups"]] == [
        ("P1", 3, M(280), M(250), M(180), M(180)),
        ("P2", 2, M(170), M(170), M(140), M(140)),
    ]
    by_facility = run(administrator, group="H", health_facility_id=books.hf1.pk)["groups"]
    assert [figures(group) for group in by_facility] == [("HFR1", 2, M(280), M(250), M(210), M(210))]


@pytest.mark.parametrize(("parameters", "expected"), [
    ({"location_id": "region"}, ["VA", "VB", "VC"]),
    ({"location_id": "district"}, ["VA", "VB"]),
    ({"location_id": "region_2"}, ["VD"]),
    ({"batch_run_id": "may"}, ["VB"]),
    ({"batch_run_id": "april"}, ["VA", "VC", "VD"]),
    ({"health_facility_id": "hf3"}, ["VD"]),
    ({"health_facility_level": "H"}, ["VC"]),
    ({"product_id": "p2"}, ["VA", "VC"]),
    ({"date_from": D(2024, 4, 12)}, ["VB", "VC", "VD"]),
    ({"date_to": D(2024, 4, 12)}, ["VA", "VC"]),
    ({"date_from": D(2024, 4, 11), "date_to": D(2024, 4, 30), "location_id": "region"}, ["VC"]),
])
def test_filters(books, administrator, parameters, expected):
    resolved = {key: getattr(books, value).pk if key.endswith("_id") else value
                for key, value in parameters.items()}
    result = run(administrator, group="H", show_claims=True, **resolved)
    codes = sorted(line["code"] for group in result["groups"] for line in group["lines"])
    assert codes == expected
    assert result["total"]["claims"] == len(expected)


def test_a_product_filter_keeps_whole_claims_by_facility_and_that_products_lines_by_product(books,
                                                                                          administrator):
    by_facility = run(administrator, group="H", product_id=books.p2.pk)
    assert [figures(group) for group in by_facility["groups"]] == [
        ("HF2", 1, M(50), M(50), M(40), M(40)),
        ("HFR1", 1, M(180), M(150), M(130), M(130)),
    ]
    by_product = run(administrator, group="P", product_id=books.p2.pk)
    assert [figures(group) for group in by_product["groups"]] == [("P2", 2, M(170), M(170), M(140), M(140))]
    assert by_product["total"]["remunerated"] == M(140)


def test_show_claims_lists_each_groups_claims(books, administrator):
    result = run(administrator, group="H", show_claims=True)
    hfr1 = result["groups"][2]
    assert [line["code"] for line in hfr1["lines"]] == ["VA", "VB"]
    first = hfr1["lines"][0]
    assert first["chf_id"] == "070707070"
    assert first["insuree_name"] == "070707070 Insuree"
    assert first["date_processed"] == D(2024, 4, 10)
    assert (first["claimed"], first["approved"], first["valuated"], first["remunerated"]) == (
        M(180), M(150), M(130), M(130))
    by_product = run(administrator, group="P", show_claims=True)
    p2 = by_product["groups"][1]
    assert [(line["code"], line["claimed"], line["remunerated"]) for line in p2["lines"]] == [
        ("VA", M(120), M(100)), ("VC", M(50), M(40))]


def test_nothing_matches(books, administrator):
    result = run(administrator, group="P", show_claims=True, date_from=D(2030, 1, 1))
    assert result == {"groups": [], "total": {"claims": 0, "claimed": M(0), "approved": M(0),
                                              "valuated": M(0), "remunerated": M(0)}}


def district_user(user_factory, username: str, district, rights: list[int]) -> User:
    """A user who is not an administrator, holding `rights`, assigned to one district."""
    user = user_factory(username, rights)
    UserDistrict.objects.create(user_id=user.i_user_id, location=district)
    return user


def test_a_district_user_sees_only_the_claims_of_the_facilities_of_their_districts(books, user_factory):
    clerk = district_user(user_factory, "clerk", books.district, [BATCH_RUN_ACCOUNT_PREVIEW])
    result = run(clerk, group="H")
    assert [figures(group) for group in result["groups"]] == [("HFR1", 2, M(280), M(250), M(210), M(210))]
    by_product = run(clerk, group="P", location_id=books.region_2.pk)
    assert by_product["groups"] == [] and by_product["total"]["claims"] == 0


def test_the_preview_costs_the_same_few_statements_whatever_the_number_of_claims(books, administrator):
    def statements() -> list[int]:
        counts = []
        for group in ("H", "P"):
            with CaptureQueriesContext(connection) as captured:
                run(administrator, group=group, show_claims=True)
            counts.append(len(captured))
        return counts

    run(administrator)  # the user's rights read once, then kept on the user
    before = statements()
    for index in range(6):
        books.valuated(f"VM{index}", books.hf2 if index % 2 else books.hf1, books.april, D(2024, 4, 20),
                       M(10), items=[(books.p1, 1, 10, None, 5)], services=[(books.p2, 1, 20, None, 15)])
    after = statements()
    assert before == after
    assert max(after) <= 6


# --- the parameters ----------------------------------------------------------------------------------

def test_the_parameters_the_frontend_sends_are_read():
    parameters = preview.parameters_from({
        "locationId": "12", "regionCode": "R1", "regionName": "Region", "prodId": "0", "productCode": "",
        "productName": "", "runId": "5", "runDate": "2024-04-28", "hfId": "0", "hfCode": "", "hfName": "",
        "hfLevel": "d", "dateFrom": "2024-04-01", "dateTo": "", "group": "P", "showClaims": "true"})
    assert parameters == PreviewParameters(
        location_id=12, batch_run_id=5, health_facility_level="D", date_from=D(2024, 4, 1), group="P",
        show_claims=True, region_code="R1", region_name="Region", run_date="2024-04-28")
    assert preview.parameters_from({}) == PreviewParameters()


@pytest.mark.parametrize(("query", "named"), [
    ({"locationId": "abc"}, "locationId"),
    ({"prodId": "-3"}, "prodId"),
    ({"runId": "1.5"}, "runId"),
    ({"hfId": "x"}, "hfId"),
    ({"hfLevel": "Z"}, "hfLevel"),
    ({"dateFrom": "2024-13-01"}, "dateFrom"),
    ({"dateTo": "yesterday"}, "dateTo"),
    ({"dateFrom": "2024-05-01", "dateTo": "2024-04-01"}, "dateFrom"),
    ({"group": "X"}, "group"),
    ({"showClaims": "maybe"}, "showClaims"),
])
def test_malformed_parameters_are_refused(query, named):
    with pytest.raises(ValidationFailed) as refused:
        preview.parameters_from(query)
    assert named in refused.value.message


# --- the PDF over HTTP -------------------------------------------------------------------------------

def pdf_text(content: bytes) -> str:
    """The strings the PDF's text operators show (its content streams uncompressed). The end of line
    before `endstream` is left to the decompressor (as unused data): compressed bytes may end in CR."""
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            stream = zlib.decompressobj().decompress(stream)
        except zlib.error:
            pass
        for text in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", stream, re.S):
            shown.append(text.replace(rb"\(", b"(").replace(rb"\)", b")").decode("cp1252"))
    return "\n".join(shown)


def frontend_query(**changes) -> dict:
    query = {"locationId": "0", "regionCode": "", "regionName": "", "prodId": "0", "productCode": "",
             "productName": "", "runId": "0", "runDate": "", "hfId": "0", "hfCode": "", "hfName": "",
             "hfLevel": "", "dateFrom": "", "dateTo": "", "group": "H", "showClaims": "false"}
    query.update(changes)
    return query


def with_cookie(user: User) -> Client:
    """A browser of the frontend: the user's access token in the JWT cookie."""
    client = Client()
    client.cookies["JWT"] = issue_access_token(user)[0]
    return client


def with_bearer(user: User) -> Client:
    """An API client: the user's access token as a Bearer token."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_access_token(user)[0]}")


def test_the_preview_pdf_by_facility_with_claims(books, user_factory):
    clerk = with_cookie(district_user(user_factory, "clerk", books.district, [BATCH_RUN_ACCOUNT_PREVIEW]))
    response = clerk.get(URL, frontend_query(showClaims="true", regionCode="R1", regionName="North"))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="account-preview.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Account preview" in text
    assert "R1 - North" in text
    assert "HFR1" in text and "HF2" not in text and "HF3" not in text  # the clerk's district only
    assert "VA" in text and "VB" in text and "070707070" in text
    assert "280.00" in text and "210.00" in text


def test_the_preview_pdf_by_product_without_claims(books, admin_user):
    admin = with_bearer(admin_user)
    response = admin.get(URL, frontend_query(group="P", runId=str(books.april.pk), runDate="2024-04-28"))
    assert response.status_code == 200, response.content
    text = pdf_text(response.content)
    assert "P1" in text and "Product P2" in text
    assert "VA" not in text  # no claim lines
    assert "2024-04-28" in text
    assert "430.00" not in text  # May's VB left out
    assert "330.00" in text  # claimed in the April run: 60 + 120 + 50 + 100
    assert "240.00" in text  # remunerated in the April run: 30 + 100 + 40 + 70


def test_an_empty_preview_still_prints(books, admin_user):
    admin = with_bearer(admin_user)
    response = admin.get(URL, frontend_query(dateFrom="2030-01-01", showClaims="true"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "No valuated claim matches these parameters." in pdf_text(response.content)


def test_the_preview_is_refused_without_login_or_right(books, user_factory):
    response = Client().get(URL, frontend_query())
    assert response.status_code == 401 and "detail" in response.json()
    searcher = district_user(user_factory, "searcher", books.district, [CLAIM_SEARCH])
    response = with_cookie(searcher).get(URL, frontend_query())
    assert response.status_code == 403 and response.json() == {"detail": "unauthorized"}


@pytest.mark.parametrize("changes", [
    {"locationId": "R1"}, {"hfId": "1e3"}, {"dateFrom": "01/04/2024"}, {"group": "Z"}, {"showClaims": "yes"},
    {"hfLevel": "X"},
])
def test_malformed_parameters_are_a_bad_request(db, admin_user, changes):
    admin = with_bearer(admin_user)
    response = admin.get(URL, frontend_query(**changes))
    assert response.status_code == 400
    assert next(iter(changes)) in response.json()["detail"]


def test_only_get_is_served(db, admin_user):
    admin = with_bearer(admin_user)
    assert admin.post(URL, frontend_query()).status_code == 405
