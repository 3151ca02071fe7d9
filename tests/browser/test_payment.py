"""Payments through the real UI (fe-payment) on the demo dataset, with the policy module's activation
option 2 (a policy is activated by its matched payments): a demo family gets an Idle policy with a partial
contribution (prepared through the API); on the family page the administrator selects the contribution and
adds a payment of the policy value received today from the payments panel. The payment is matched, the
policy becomes Active, the family page shows it so, and the payments page (menu Insurees and Policies >
Payments, /front/payment/payments) lists the payment and filters it by its receipt number.

The server is this module's own (its configuration differs from the shared demo server's): the option is
stored in the database once the server has started; a mutation reads the stored configuration afresh."""

from __future__ import annotations

import base64
import datetime
import re
import subprocess
import sys
import uuid
from decimal import Decimal

import pytest

from tests.browser.conftest import ADMIN, _new_page, start_server
from tests.browser.test_insuree import SAVE, choose, pick_today, type_into
from tests.browser.test_location import Api, log_in_as
from tests.live_server import process_env

PRODUCT = "BCUL0001"  # Basic Cover Ultha, region R1
OFFICER = "E00001"
DISTRICT_PREFIX = "R1"
ACTIVATION = "from openimis.core.models import ModuleConfiguration as M; " \
             "M.objects.update_or_create(module='policy', layer='be', " \
             "defaults={'config': '{\"activation_option\": 2}'})"


@pytest.fixture(scope="module")
def payment_url(browser_requirements, tmp_path_factory):
    server, url = start_server(tmp_path_factory, "browser-payment", demo=True)
    try:
        data_dir = server.log_path.parent
        subprocess.run([sys.executable, "-m", "openimis.cli", "manage", "shell", "-c", ACTIVATION],
                       cwd=data_dir, env=process_env(data_dir, {}), check=True, capture_output=True)
        yield url
    finally:
        server.stop()


@pytest.fixture
def payment_page(browser, payment_url, request):
    yield from _new_page(browser, payment_url, request)


def _pk(relay_id: str) -> int:
    return int(base64.b64decode(relay_id).decode().split(":")[1])


def _first(api: Api, root: str, arguments: str, fields: str = "id") -> dict:
    edges = api.query(f"{{ {root}({arguments}) {{ edges {{ node {{ {fields} }} }} }} }}")[root]["edges"]
    assert edges, f"{root}({arguments}): nothing found"
    return edges[0]["node"]


def policies_of(api: Api, family_uuid: str) -> list[dict]:
    rows = api.query(f'{{ policiesByFamily(familyUuid: "{family_uuid}", first: 50) '
                     "{ edges { node { policyUuid status productCode } } } }")
    return [edge["node"] for edge in rows["policiesByFamily"]["edges"]]


def demo_family(api: Api) -> dict:
    """A demo family of region R1 (where the product is sold) without an Idle policy."""
    families = api.query("{ families(first: 100) { edges { node { id uuid location { code } "
                         "headInsuree { chfId lastName } } } } }")["families"]["edges"]
    for edge in families:
        family = edge["node"]
        if (family["location"] or {}).get("code", "").startswith(DISTRICT_PREFIX) and not any(
                policy["status"] == 1 for policy in policies_of(api, family["uuid"])):
            return family
    raise AssertionError("no demo family of region R1 without an idle policy")


def idle_policy_with_a_contribution(api: Api) -> dict:
    """A new policy of the demo family (Idle), and a contribution of half its value: still Idle."""
    family = demo_family(api)
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
    [idle] = [row for row in policies_of(api, family["uuid"]) if row["status"] == 1]
    receipt = "PAY" + uuid.uuid4().hex[:6].upper()
    value = Decimal(str(policy["value"])).quantize(Decimal("0.01"))
    half = (value / 2).quantize(Decimal("0.01"))
    api.mutate("createPremium", f'receipt: "{receipt}" payDate: "{today}" payType: "C" isPhotoFee: false '
                                f'amount: "{half}" policyUuid: "{idle["policyUuid"]}"')
    premium = _first(api, "premiumsByPolicies", f'policyUuids: ["{idle["policyUuid"]}"]', "uuid receipt")
    assert [row["status"] for row in policies_of(api, family["uuid"])
            if row["policyUuid"] == idle["policyUuid"]] == [1]  # a partial contribution: still Idle
    return {"family": family, "policy_uuid": idle["policyUuid"], "value": value, "premium": premium}


def policy_status(api: Api, data: dict) -> int:
    rows = policies_of(api, data["family"]["uuid"])
    [row] = [row for row in rows if row["policyUuid"] == data["policy_uuid"]]
    return row["status"]


def graphql_answers_ok(page) -> None:
    """Fail on any GraphQL answer of the pages that carries errors."""
    def check(response):
        if response.url.endswith("/api/graphql") and response.request.method == "POST":
            try:
                body = response.json()
            except Exception:  # noqa: BLE001 - not JSON: nothing to check
                return
            assert "errors" not in body, (response.request.post_data, body)
    page.on("response", check)


def test_a_payment_from_the_family_page_activates_the_policy(payment_page, payment_url):
    page = payment_page
    api = Api(payment_url)
    data = idle_policy_with_a_contribution(api)
    log_in_as(page, *ADMIN)
    page.set_viewport_size({"width": 1700, "height": 2400})
    graphql_answers_ok(page)
    page.goto(page.base + f"/front/insuree/families/familyOverview/{data['family']['uuid']}")
    page.wait_for_load_state("networkidle")
    # the new policy (Idle), then its contribution: the payments panel shows that contribution's payments
    page.locator("tr", has_text=PRODUCT).filter(has_text="Idle").first.locator("td").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("tr", has_text=data["premium"]["receipt"]).first.locator("td").first.click()
    page.wait_for_load_state("networkidle")
    payments_panel = page.locator(".MuiPaper-root").filter(
        has_text=re.compile("Matched Payments of Premium")).last
    payments_panel.wait_for()
    payments_panel.locator("button").nth(1).click()  # after the reload button: add a payment
    page.wait_for_url(re.compile(data["premium"]["uuid"]))
    page.wait_for_load_state("networkidle")
    pick_today(page, "Received Date")
    type_into(page, "Received Amount", str(data["value"]))
    type_into(page, "Expected Amount", str(data["value"]))
    choose(page, "Payment Type", "Cash")
    type_into(page, "Receipt No", data["premium"]["receipt"] + "-M")
    with page.expect_response(lambda r: r.url.endswith("/api/graphql")
                              and "createPayment" in (r.request.post_data or "")) as response:
        page.locator(SAVE).click()
    assert "errors" not in response.value.json(), response.value.json()
    page.wait_for_load_state("networkidle")

    payment = _first(api, "paymentsByPremiums", f'premiumUuids: ["{data["premium"]["uuid"]}"]',
                     "uuid status receivedAmount receiptNo")
    assert (payment["status"], Decimal(payment["receivedAmount"])) == (5, data["value"])  # Matched
    assert policy_status(api, data) == 2  # Active

    # the family page shows the policy Active, and the contribution's payment
    page.goto(page.base + f"/front/insuree/families/familyOverview/{data['family']['uuid']}")
    page.wait_for_load_state("networkidle")
    page.locator("tr", has_text=PRODUCT).filter(has_text="Active").first.wait_for()

    # the payments page, from the menu, lists it; its receipt filter finds it
    page.goto(page.base + "/front/home")
    page.wait_for_load_state("networkidle")
    page.locator("text=Insurees and Policies").first.click()
    page.locator("a, li, div[role=button]", has_text=re.compile("^Payments$")).first.click()
    page.wait_for_url(re.compile("/front/payment/payments"))
    page.wait_for_load_state("networkidle")
    page.locator("tr", has_text=payment["receiptNo"]).first.wait_for()

    def search() -> None:
        with page.expect_response(lambda r: r.url.endswith("/api/graphql")
                                  and "receiptNo_Icontains" in (r.request.post_data or "")):
            page.locator("button", has_text=re.compile("^search$", re.I)).first.click()

    type_into(page, "Receipt No", "no such receipt")
    search()
    page.wait_for_load_state("networkidle")
    page.locator("text=0 payment(s) found").first.wait_for()
    type_into(page, "Receipt No", payment["receiptNo"])
    search()
    page.wait_for_load_state("networkidle")
    page.locator("text=1 payment(s) found").first.wait_for()
    page.locator("tr", has_text=payment["receiptNo"]).first.wait_for()
