"""Claims through the real UI (fe-claim 1.10) on the demo dataset: a claim administrator of Huda Dispensary
(JMDP001, health facility 12) enters a claim with one service and two items from the facility's price
lists and submits it; a reviewer selects it for review, approves a smaller quantity of one item, delivers
the review and processes the claim; the claim search and the printed claim (a PDF) then show the amounts
the backend computed.

The steps run in this order on one claim (`JOURNEY`); a step whose predecessor failed says so.

The insuree is prepared through the API, not taken from the demo: demo policies date from 2018-2020, so a
claim of today would find no coverage. A new family in village R1D2M1V1 gets a policy of the demo product
BCUL0001 (Basic Cover Ultha, region R1), paid the day it is made: Active from today. Every line used here is
priced from the price lists (product lines 'P', not relative), without waiting period or limit, so the
claim becomes Valuated when processed.

The claim administrator is a new user of facility 12 with the demo's Claim Administrator role plus a role
holding right 111008 (claim review): fe-claim 1.10 renders the whole claim form read-only for a user without
that right (ClaimForm `readOnly = ... || !rights.includes(RIGHT_CLAIMREVIEW)`), and the demo claim
administrator JMDP0011 has the rights of the 24.10 Claim Administrator role, which do not include it.

Two things of fe-claim 1.10 itself shape the review step. Its Save button stays disabled on the review of any
claim with a service (ClaimForm.canSave tests `services.filter(invalid).length - 1`, -1 and so true when every
service is valid); the test then sends the saveClaimReview that the page's save would send, and delivers the
review with the page's own button. Each test also fails, naming them, when the server refuses a GraphQL
request of the pages (the claim and review pages ask `claimHistory(claimUuid)` for their history panel).
"""

from __future__ import annotations

import base64
import datetime
import re
import uuid
from decimal import Decimal

import pytest

from openimis.claim.tests.test_print import pdf_text
from tests.browser.conftest import ADMIN
from tests.browser.test_insuree import SAVE, control, pick, pick_today, type_into
from tests.browser.test_location import Api, log_in_as, wait_until

FACILITY_ID = 12  # JMDP001 Huda Dispensary
FACILITY_CODE = "JMDP001"
VILLAGE = "R1D2M1V1"
DISTRICT = "R1D2"
PRODUCT = "BCUL0001"
OFFICER = "E00001"
CLAIM_ADMINISTRATOR_ROLE = "Claim Administrator"
PASSWORD = "Claims123!"
DIAGNOSIS = "A99"
# (code, text of the picker option, quantity): on the facility's price lists, covered by BCUL0001 at 'P'
SERVICE = ("A1", "General Consultation", 1)
ITEMS = [("0001", "ACETYLSALICYLIC", 10), ("0011", "AMOXICILLIN", 5)]
REVIEWED_ITEM, APPROVED_QUANTITY = "0011", 3

ENTERED, CHECKED, VALUATED = 2, 4, 16

JOURNEY: dict = {}

CLAIM_QUERY = """query($code: String) { claims(code: $code) { edges { node {
  uuid code status reviewStatus claimed approved valuated
  items { item { code } qtyProvided qtyApproved priceAsked priceApproved priceValuated status }
  services { service { code } qtyProvided qtyApproved priceAsked priceApproved priceValuated status }
} } } }"""


def _pk(relay_id: str) -> int:
    return int(base64.b64decode(relay_id).decode().split(":")[1])


def _first(api: Api, root: str, arguments: str, fields: str = "id") -> dict:
    """The first node of `root(arguments)`."""
    edges = api.query(f"{{ {root}({arguments}) {{ edges {{ node {{ {fields} }} }} }} }}")[root]["edges"]
    assert edges, f"{root}({arguments}): nothing found"
    return edges[0]["node"]


def read_claim(api: Api, code: str) -> dict:
    edges = api.query(CLAIM_QUERY, {"code": code})["claims"]["edges"]
    assert len(edges) == 1, edges
    return edges[0]["node"]


def wait_for_claim(api: Api, code: str, condition, timeout: float = 20) -> dict:
    """The claim once `condition` holds (the pages' mutations run before they answer; their effect is
    read back through the API)."""
    found = {}

    def check():
        edges = api.query(CLAIM_QUERY, {"code": code})["claims"]["edges"]
        if edges and condition(edges[0]["node"]):
            found.update(edges[0]["node"])
            return True
        return False

    wait_until(check, timeout)
    return found


def covered_insuree(api: Api) -> str:
    """A new family head in village R1D2M1V1 with a BCUL0001 policy paid today: Active from today."""
    chf_id = str(uuid.uuid4().int)[:9]
    village = _pk(_first(api, "locationsStr", f'code: "{VILLAGE}"')["id"])
    api.mutate("createFamily", f'locationId: {village} headInsuree: {{ chfId: "{chf_id}" lastName: "Wekesa" '
                               'otherNames: "Amani" genderId: "F" dob: "1985-04-04" head: true }')
    family = _first(api, "families", f'headInsuree_ChfId: "{chf_id}"', "id uuid")
    family_id = _pk(family["id"])
    product = _pk(_first(api, "products", f'code: "{PRODUCT}"')["id"])
    officer = _pk(_first(api, "policyOfficers", f'code: "{OFFICER}"')["id"])
    today = datetime.date.today().isoformat()
    values = api.query(f'{{ policyValues(stage: "N", enrollDate: "{today}T00:00:00", productId: {product}, '
                       f"familyId: {family_id}) {{ policy {{ startDate expiryDate value }} }} }}")
    policy = values["policyValues"]["policy"]
    api.mutate("createPolicy", f'enrollDate: "{today}" startDate: "{policy["startDate"]}" '
                               f'expiryDate: "{policy["expiryDate"]}" value: "{policy["value"]}" '
                               f"productId: {product} familyId: {family_id} officerId: {officer}")
    by_family = ("policiesByFamily", f'familyUuid: "{family["uuid"]}"', "policyUuid status")
    policy_uuid = _first(api, *by_family)["policyUuid"]
    api.mutate("createPremium", f'receipt: "R{chf_id}" payDate: "{today}" payType: "C" isPhotoFee: false '
                                f'amount: "{policy["value"]}" policyUuid: "{policy_uuid}"')
    assert _first(api, *by_family)["status"] == 2  # Active
    return chf_id


def claim_administrator(api: Api) -> str:
    """A new claim administrator of facility 12: the Claim Administrator role and the claim review right."""
    tag = uuid.uuid4().hex[:6].upper()
    api.mutate("createRole", f'name: "Claim entry {tag}" isSystem: false isBlocked: false rightsId: [111008]')
    extra = _pk(_first(api, "role", f'name: "Claim entry {tag}"')["id"])
    system = _pk(_first(api, "role", f'name: "{CLAIM_ADMINISTRATOR_ROLE}"')["id"])
    district = _pk(_first(api, "locationsStr", f'code: "{DISTRICT}"')["id"])
    username = "CA" + tag
    api.mutate("createUser", f'username: "{username}" lastName: "Mwangi" otherNames: "Neema" language: "en" '
                             f'password: "{PASSWORD}" userTypes: [INTERACTIVE, CLAIM_ADMIN] '
                             f"healthFacilityId: {FACILITY_ID} districts: [{district}] "
                             f"roles: [{system}, {extra}]")
    return username


@pytest.fixture(scope="module")
def world(demo_url) -> dict:
    api = Api(demo_url)
    return {"api": api, "chf_id": covered_insuree(api), "username": claim_administrator(api)}


def _needs(step: str) -> dict:
    if step not in JOURNEY:
        pytest.fail(f"this step needs the claim of the earlier step {step!r}, which did not finish")
    return JOURNEY[step]


# --- page helpers ----------------------------------------------------------------------------


def graphql_response(page, operation: str):
    return page.expect_response(lambda r: r.url.endswith("/api/graphql")
                                and operation in (r.request.post_data or ""))


def accepted(response_info) -> dict:
    answer = response_info.value.json()
    assert "errors" not in answer, answer
    return answer


def refused_graphql(page) -> list[str]:
    """The GraphQL requests of the page the server refuses (4xx/5xx), by their first field, from now on."""
    refused: list[str] = []

    def check(response):
        if response.url.endswith("/api/graphql") and response.status >= 400:
            text = response.request.post_data or ""
            match = re.search(r"\{\s*(\w+)", text.replace("\\n", " "))
            refused.append(f"{response.status} {match.group(1) if match else text[:80]}")

    page.on("response", check)
    return refused


def panel(page, title: str):
    """The Services or the Items table of the claim form."""
    header = page.locator(f"text='{title}'")
    return page.locator(".MuiPaper-root").filter(has=header).filter(has=page.locator("table")).last


def column_index(table, header: str) -> int:
    """The index of a column by its header: the searchers' head cells (th), the claim form's first row."""
    rows = table.first.evaluate("table => [...table.querySelectorAll('tr')]"
                                ".map(row => [...row.cells].map(cell => cell.innerText.trim()))")
    for texts in rows:
        if header in texts:
            return texts.index(header)
    raise AssertionError(f"no column {header!r} in {rows[:3]}")


def add_line(page, title: str, placeholder: str, code: str, option: str, quantity: int) -> None:
    """Pick the item or service in the table's empty last row, then type its quantity."""
    table = panel(page, title)
    row = table.locator("tbody tr").filter(has=page.locator(f"input[placeholder^='{placeholder}']")).last
    picker = row.locator(f"input[placeholder^='{placeholder}']")
    picker.click()
    picker.fill(code)
    page.locator("[role=option]", has_text=option).first.click()
    row = table.locator("tbody tr").filter(has=page.locator(f"input[value^='{code} ']"))
    quantity_cell = row.locator("td").nth(column_index(table, "Quantity"))
    quantity_cell.locator("input").fill(str(quantity))


def searcher_row(page, code: str):
    return page.locator("tbody tr").filter(has=page.locator(f"td:text-is('{code}')"))


def filter_on_code(page, code: str) -> None:
    """The searcher's Claim No. filter, applied by the Search button of the search criteria."""
    type_into(page, "Claim No.", code)
    with graphql_response(page, f'code_Icontains: \\"{code}\\"') as response:
        page.locator("button", has_text=re.compile(r"^\s*Search\s*$", re.I)).click()
    accepted(response)
    searcher_row(page, code).wait_for()


def choose_status(page, status: str) -> None:
    control(page, "Claim Status").locator("[aria-haspopup=listbox]").click()
    page.locator("ul[role=listbox] li", has_text=status).first.click()
    page.locator("ul[role=listbox]").wait_for(state="detached")


def run_action(page, code: str, label: str, operation: str) -> None:
    """Select the claim's row, then the searcher's action (a button, or an entry of its ... menu)."""
    row = searcher_row(page, code)
    row.locator("td").first.click()
    button = page.locator("button", has_text=label)
    menu = page.locator("button:has(path[d^='M6 10c'])")  # the ... of a searcher with many actions
    button.or_(menu).first.wait_for()
    if not button.count():
        menu.first.click()
        button = page.locator("li[role=menuitem]", has_text=label)
    with graphql_response(page, operation) as response:
        button.first.click()
    accepted(response)


def cell_text(page, code: str, header: str) -> str:
    table = page.locator("table").filter(has=searcher_row(page, code))
    return searcher_row(page, code).locator("td").nth(column_index(table, header)).inner_text().strip()


def money(value) -> str:
    return f"{Decimal(value):,.2f}"


def save_review_as_fe_claim_does(api: Api, claim_uuid: str, code: str, approved: dict) -> None:
    """fe-claim's `saveReview`: every line with its id, its item or service, approved quantity and status."""
    lines = api.query("query($code: String) { claims(code: $code) { edges { node { "
                      "items { id status item { id code } qtyApproved } "
                      "services { id status service { id code } qtyApproved } } } } }",
                      {"code": code})["claims"]["edges"][0]["node"]

    def detail(kind: str, line: dict) -> str:
        quantity = approved.get(line[kind]["code"], line["qtyApproved"])
        text = f"{{ id: {line['id']} {kind}Id: {_pk(line[kind]['id'])} status: {line['status']} "
        if quantity is not None:
            text += f'qtyApproved: "{Decimal(quantity):.2f}" '
        # fe-claim adds the (empty) sub-service and sub-item sets to every line; ClaimItemInputType has no
        # such fields, in 24.10's schema as in ours, so they go with the services only
        return text + ("serviceServiceSet: [] serviceItemSet: [] }" if kind == "service" else "}")

    items = " ".join(detail("item", line) for line in lines["items"])
    services = " ".join(detail("service", line) for line in lines["services"])
    api.mutate("saveClaimReview", f'claimUuid: "{claim_uuid}" services: [{services}] items: [{items}]')


# --- tests -----------------------------------------------------------------------------------


def test_a_claim_administrator_enters_and_submits_a_claim(demo_page, world):
    page, api = demo_page, world["api"]
    refused = refused_graphql(page)
    code = "C" + uuid.uuid4().hex[:7].upper()
    log_in_as(page, world["username"], PASSWORD)
    page.goto(page.base + "/front/claim/healthFacilities")
    page.wait_for_load_state("networkidle")
    page.locator("button.MuiFab-root").click()  # "+": the claim administrator and their facility
    page.wait_for_url(re.compile(r"/claim/healthFacilities/claim$"))
    page.wait_for_load_state("networkidle")
    assert FACILITY_CODE in control(page, "Health Facility").locator("input").input_value()
    assert world["username"] in control(page, "Claim Administrator").locator("input").input_value()

    type_into(page, "Insurance No.", world["chf_id"])
    page.wait_for_function("() => [...document.querySelectorAll('input')]"
                           ".some(input => input.value === 'Wekesa Amani')")  # the insuree's name
    page.locator("text=Policy Information (Active)").wait_for()
    pick_today(page, "Visit Date To")
    pick(page, "Main Diagnosis", DIAGNOSIS)
    type_into(page, "Claim No.", code)
    add_line(page, "Services", "Search Service", SERVICE[0], SERVICE[1], SERVICE[2])
    for item_code, option, quantity in ITEMS:
        add_line(page, "Items", "Search Item", item_code, option, quantity)
    page.wait_for_load_state("networkidle")  # the code's validation
    with graphql_response(page, "createClaim") as response:
        page.locator(SAVE).click()
    accepted(response)
    claim = wait_for_claim(api, code, lambda c: True)
    assert claim["status"] == ENTERED
    assert sorted((line["item"]["code"], Decimal(line["qtyProvided"])) for line in claim["items"]) == [
        (item_code, Decimal(quantity)) for item_code, _, quantity in ITEMS]
    assert [(line["service"]["code"], Decimal(line["qtyProvided"])) for line in claim["services"]] == [
        (SERVICE[0], Decimal(SERVICE[2]))]
    prices = {line["item"]["code"]: Decimal(line["priceAsked"]) for line in claim["items"]}
    prices[SERVICE[0]] = Decimal(claim["services"][0]["priceAsked"])
    assert prices == {"0001": Decimal("10.00"), "0011": Decimal("40.00"), "A1": Decimal("400.00")}  # lists
    assert Decimal(claim["claimed"]) == Decimal("700.00")

    # the claims list (Entered claims of the facility): select it, submit it
    page.goto(page.base + "/front/claim/healthFacilities")
    page.wait_for_load_state("networkidle")
    filter_on_code(page, code)
    assert cell_text(page, code, "Status") == "Entered"
    assert money("700.00") in cell_text(page, code, "Claimed")
    run_action(page, code, "Submit Selected", "submitClaims")
    claim = wait_for_claim(api, code, lambda c: c["status"] != ENTERED)
    assert claim["status"] == CHECKED, claim
    JOURNEY["entered"] = {"code": code, "uuid": claim["uuid"]}

    # the list of Checked claims shows it so
    page.reload()
    page.wait_for_load_state("networkidle")
    choose_status(page, "Checked")
    filter_on_code(page, code)
    assert cell_text(page, code, "Status") == "Checked"
    assert refused == [], f"the server refused the page's queries: {refused}"


def test_a_reviewer_reviews_and_processes_the_claim(demo_page, world):
    page, api = demo_page, world["api"]
    refused = refused_graphql(page)
    claim = _needs("entered")
    code = claim["code"]
    log_in_as(page, *ADMIN)
    page.goto(page.base + "/front/claim/reviews")
    page.wait_for_load_state("networkidle")
    filter_on_code(page, code)
    assert cell_text(page, code, "Status") == "Checked"
    run_action(page, code, "Select For Review", "selectClaimsForReview")
    assert wait_for_claim(api, code, lambda c: c["reviewStatus"] == 4)["reviewStatus"] == 4  # Selected

    # the review page, from the row's Review button: a smaller approved quantity of one item, saved
    page.reload()
    page.wait_for_load_state("networkidle")
    filter_on_code(page, code)
    assert cell_text(page, code, "Review Status").startswith("Selected")  # and its Review button
    searcher_row(page, code).locator("button", has_text=re.compile(r"^\s*Review\s*$")).click()
    page.wait_for_url(re.compile(r"/claim/reviews/review/" + claim["uuid"]))
    page.wait_for_load_state("networkidle")
    items = panel(page, "Items")
    row = items.locator("tbody tr").filter(has=page.locator(f"input[value^='{REVIEWED_ITEM} ']"))
    approved = row.locator("td").nth(column_index(items, "App. Quantity")).locator("input")
    approved.fill(str(APPROVED_QUANTITY))
    save = page.locator("button.MuiFab-root:has(path[d^='M17 3H5'])")
    if save.is_enabled():
        with graphql_response(page, "saveClaimReview") as response:
            save.click()
        accepted(response)
    else:
        # fe-claim 1.10 keeps Save disabled on the review of any claim with a service: ClaimForm.canSave
        # tests `services.filter(invalid).length - 1`, which is -1 (true) when every service is valid. The
        # review is saved as the page's save would send it (fe-claim `saveReview`), then delivered below.
        save_review_as_fe_claim_does(api, claim["uuid"], code, {REVIEWED_ITEM: APPROVED_QUANTITY})
    reviewed = wait_for_claim(api, code, lambda c: any(
        line["qtyApproved"] is not None for line in c["items"] if line["item"]["code"] == REVIEWED_ITEM))
    [line] = [line for line in reviewed["items"] if line["item"]["code"] == REVIEWED_ITEM]
    assert Decimal(line["qtyApproved"]) == APPROVED_QUANTITY

    # the review delivered by the page's check button, which goes back to the reviews
    page.reload()
    page.wait_for_load_state("networkidle")
    with graphql_response(page, "deliverClaimsReview") as response:
        page.locator("button.MuiFab-root:has(path[d^='M9 16.17'])").click()
    accepted(response)
    page.wait_for_url(re.compile(r"/claim/reviews$"))
    assert wait_for_claim(api, code, lambda c: c["reviewStatus"] == 8)["reviewStatus"] == 8  # Delivered

    # processed from the review page
    page.reload()
    page.wait_for_load_state("networkidle")
    filter_on_code(page, code)
    run_action(page, code, "Process Selected", "processClaims")
    processed = wait_for_claim(api, code, lambda c: c["status"] != CHECKED)
    assert processed["status"] == VALUATED, processed
    assert Decimal(processed["approved"]) == Decimal("620.00")  # 400 + 10 x 10.00 + 3 x 40.00
    assert Decimal(processed["valuated"]) == Decimal("620.00")
    JOURNEY["processed"] = claim
    assert refused == [], f"the server refused the page's queries: {refused}"


def test_the_claim_search_shows_the_amounts_the_backend_computed(demo_page, world):
    page, api = demo_page, world["api"]
    refused = refused_graphql(page)
    claim = _needs("processed")
    code = claim["code"]
    backend = read_claim(api, code)
    log_in_as(page, *ADMIN)
    page.goto(page.base + "/front/claim/healthFacilities")
    page.wait_for_load_state("networkidle")
    choose_status(page, "Valuated")
    filter_on_code(page, code)
    assert cell_text(page, code, "Status") == "Valuated"
    assert money(backend["claimed"]) in cell_text(page, code, "Claimed")
    assert money(backend["approved"]) in cell_text(page, code, "Approved")
    assert (money(backend["claimed"]), money(backend["approved"])) == ("700.00", "620.00")
    assert refused == [], f"the server refused the page's queries: {refused}"


def test_the_printed_claim_is_a_pdf_with_the_same_totals(demo_page, world):
    page, api = demo_page, world["api"]
    refused = refused_graphql(page)
    claim = _needs("processed")
    backend = read_claim(api, claim["code"])
    log_in_as(page, *ADMIN)
    page.goto(page.base + f"/front/claim/healthFacilities/claim/{claim['uuid']}")
    page.wait_for_load_state("networkidle")
    page.locator(f"input[value='{claim['code']}']").wait_for()
    with page.expect_download() as download, page.expect_response(
            lambda r: "/api/claim/print/" in r.url) as printed:
        page.locator("button.MuiButton-root", has_text="Print").click()  # inside the header action
    response = printed.value
    assert response.request.method == "GET"
    assert f"uuid={claim['uuid']}" in response.url
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    # the page reads the answer as a blob and hands it to the user as a download: that file is the PDF
    with open(download.value.path(), "rb") as downloaded:
        content = downloaded.read()
    assert download.value.suggested_filename.endswith(".pdf")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert f"Claim {claim['code']}" in text
    assert "Valuated" in text
    for amount in (backend["claimed"], backend["approved"], backend["valuated"]):
        assert money(amount) in text, (amount, text)
    assert refused == [], f"the server refused the page's queries: {refused}"
