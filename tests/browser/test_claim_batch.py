"""The monthly batch run through the real UI (fe-claim_batch 1.7) on the demo dataset: the administrator
launches the batch run of this month for region R1 on the Batch Runs page; the page's relative-index
searcher then shows the index the run computed for the demo product BCUL0001 (Basic Cover Ultha, region
R1), and the account preview of the run opens as a PDF that lists the facility whose claims it valuated.

The month is prepared on the server's database before the page is used (its own server: the run changes
claims that other browser tests read): BCUL0001 gets a monthly relative distribution (this month's share
50 %), the two demo claims of Jambero Hospital (JMHOS001, district R1D2) with services and items become
Processed this month with their services priced relatively ('R') and their items from the price list
('P'), and a new policy of the product is paid today through the API, so that the run has contributions
to allocate.
"""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from decimal import Decimal

import pytest

from openimis.claim.tests.test_print import pdf_text
from tests.browser.conftest import ADMIN, _new_page, start_server
from tests.browser.test_insuree import choose, control
from tests.browser.test_location import Api, log_in_as
from tests.browser.test_payment import _first, _pk, demo_family, graphql_answers_ok, policies_of
from tests.live_server import process_env

PRODUCT = "BCUL0001"
FACILITY = "JMHOS001"
REGION = "R1"
OFFICER = "E00001"
VALUATED = 16

PREPARE_THE_MONTH = """
import datetime
from decimal import Decimal
from django.db.models import F
from django.utils import timezone
from openimis.claim.models import Claim, ClaimItem, ClaimService
from openimis.product.models import Product, RelativeDistribution

product = Product.objects.get(code="%(product)s", validity_to__isnull=True)
Product.objects.filter(pk=product.pk).update(period_rel_prices="M")
month = timezone.localdate().month
for period in range(1, 13):
    RelativeDistribution.objects.create(product=product, type=12, care_type="B", period=period,
                                        percent=Decimal(50 if period == month else 0))
claims = list(Claim.objects.filter(health_facility__code="%(facility)s", validity_to__isnull=True)
              .exclude(services=None).exclude(items=None).order_by("id").values_list("id", flat=True)[:2])
assert len(claims) == 2, claims
now = timezone.now()
Claim.objects.filter(pk__in=claims).update(status=8, process_stamp=now, date_processed=now.date(),
                                           batch_run=None)
ClaimService.objects.filter(claim_id__in=claims, validity_to__isnull=True).update(
    status=1, product=product, price_origin="R", qty_approved=None, price_approved=None,
    price_valuated=F("price_asked") * F("qty_provided"))
ClaimItem.objects.filter(claim_id__in=claims, validity_to__isnull=True).update(
    status=1, product=product, price_origin="P", qty_approved=None, price_approved=None,
    price_valuated=F("price_asked") * F("qty_provided"))
print(",".join(str(claim) for claim in claims))
"""


@pytest.fixture(scope="module")
def batch_server(browser_requirements, tmp_path_factory):
    server, url = start_server(tmp_path_factory, "browser-claim-batch", demo=True)
    try:
        data_dir = server.log_path.parent
        prepared = subprocess.run(
            [sys.executable, "-m", "openimis.cli", "manage", "shell", "-c",
             PREPARE_THE_MONTH % {"product": PRODUCT, "facility": FACILITY}],
            cwd=data_dir, env=process_env(data_dir, {}), capture_output=True, text=True)
        assert prepared.returncode == 0, prepared.stderr
        claim_ids = [int(pk) for pk in prepared.stdout.strip().splitlines()[-1].split(",")]
        yield url, claim_ids
    finally:
        server.stop()


@pytest.fixture
def batch_page(browser, batch_server, request):
    url, _claims = batch_server
    yield from _new_page(browser, url, request)


def pay_a_policy_today(api: Api) -> None:
    """A demo family of the region gets a new policy of the product, paid in full today: Active."""
    family = demo_family(api)
    product = _pk(_first(api, "products", f'code: "{PRODUCT}"')["id"])
    officer = _pk(_first(api, "policyOfficers", f'code: "{OFFICER}"')["id"])
    today = datetime.date.today().isoformat()
    values = api.query(f'{{ policyValues(stage: "N", enrollDate: "{today}T00:00:00", productId: {product}, '
                       f"familyId: {_pk(family['id'])}) {{ policy {{ startDate expiryDate value }} }} }}")
    policy = values["policyValues"]["policy"]
    api.mutate("createPolicy", f'enrollDate: "{today}" startDate: "{policy["startDate"]}" '
                               f'expiryDate: "{policy["expiryDate"]}" value: "{policy["value"]}" '
                               f"productId: {product} familyId: {_pk(family['id'])} officerId: {officer}")
    [idle] = [row for row in policies_of(api, family["uuid"]) if row["status"] == 1]
    value = Decimal(str(policy["value"])).quantize(Decimal("0.01"))
    api.mutate("createPremium", f'receipt: "BATCH1" payDate: "{today}" payType: "C" isPhotoFee: false '
                                f'amount: "{value}" policyUuid: "{idle["policyUuid"]}"')
    assert [row["status"] for row in policies_of(api, family["uuid"])
            if row["policyUuid"] == idle["policyUuid"]] == [2]


def test_the_batch_run_page_runs_a_month_for_a_region_and_previews_its_accounts(batch_page, batch_server):
    page = batch_page
    url, claim_ids = batch_server
    api = Api(url)
    pay_a_policy_today(api)
    today = datetime.date.today()
    log_in_as(page, *ADMIN)
    page.set_viewport_size({"width": 1700, "height": 2000})
    graphql_answers_ok(page)
    page.goto(page.base + "/front/claim_batch")
    page.wait_for_load_state("networkidle")

    launcher = page.locator(".MuiPaper-root").filter(has_text="Launch Batch Run").first
    choose(page, "Region", REGION, scope=launcher)
    # fe-claim_batch 1.7 labels these two pickers with its untranslated keys "year" and "month"
    pick_value(page, control(page, "year", launcher), today.year)
    pick_value(page, control(page, "month", launcher), today.month)
    # the header's action buttons sit under the journal drawer at the right edge of the page
    launcher.locator("button").first.dispatch_event("click")
    with page.expect_response(lambda r: r.url.endswith("/api/graphql")
                              and "processBatch" in (r.request.post_data or "")) as response:
        page.locator("div[role=dialog]").filter(has_text="Launch Batch Processing").locator(
            "button", has_text=re.compile("ok|yes", re.I)).first.click()
    assert "errors" not in response.value.json(), response.value.json()
    page.wait_for_load_state("networkidle")

    run = _first(api, "batchRuns", 'orderBy: "-runDate"', "id runYear runMonth location { code }")
    assert (run["runYear"], run["runMonth"], run["location"]["code"]) == (today.year, today.month, REGION)
    claims = api.query(f'{{ claims(batchRun_Id: "{_pk(run["id"])}") {{ edges {{ node {{ status }} }} }} }}')
    assert [edge["node"]["status"] for edge in claims["claims"]["edges"]] == [VALUATED] * len(claim_ids)

    # the searcher lists the relative index of the product for this month
    page.reload()
    page.wait_for_load_state("networkidle")
    searcher = page.locator(".MuiPaper-root").filter(has_text=re.compile(r"Relative Indexes")).last
    searcher.locator("tr", has_text=PRODUCT).first.wait_for()
    summaries = api.query(f"{{ batchRunsSummaries(accountYear: {today.year}, accountMonth: {today.month}) "
                          "{ totalCount edges { node { productLabel careType index } } } }")
    [index] = [edge["node"] for edge in summaries["batchRunsSummaries"]["edges"]
               if PRODUCT in edge["node"]["productLabel"]]
    assert index["careType"] == "B" and index["index"] > 0, index

    # the account preview of the run, grouped by facility, is a PDF naming the facility
    previewer = page.locator(".MuiPaper-root").filter(has_text="Accounts").last
    with page.expect_response(lambda r: "/api/claim_batch/report/" in r.url) as response:
        previewer.locator("button").first.dispatch_event("click")
    assert response.value.status == 200, response.value.text()
    assert response.value.headers["content-type"].startswith("application/pdf")
    # the page keeps the PDF as a blob; the same address, asked again in the page's session, gives its bytes
    body = page.request.get(response.value.url).body()
    assert body.startswith(b"%PDF")
    assert FACILITY in pdf_text(body)



def pick_value(page, form_control, value: int) -> None:
    """A Material-UI select whose options carry their values (fe-core's year and month pickers)."""
    form_control.locator("[aria-haspopup=listbox]").click()
    page.locator(f'ul[role=listbox] li[data-value="{value}"]').click()
    page.locator("ul[role=listbox]").wait_for(state="detached")
