"""Payers through the real UI (fe-payer 1.7): an administrator opens the payers page from the menu, creates a
payer in a district, finds it in the list, edits it (a history row), adds a funding through the fundings
panel of the payer page and sees it listed there, deletes the payer. No request fails on the way, but
the one fe-payer itself sends incomplete on the new-payer page (see `FailedRequests`)."""

from __future__ import annotations

import re
import time
import uuid

from tests.browser.conftest import ADMIN, EXPECTED_401
from tests.browser.test_location import Api, choose, log_in_as

SAVE = "button.MuiFab-root"
FUNDINGS_OPERATION = "usePayerFundingsQuery"
FUNDINGS = ("query ($uuid: UUID!) { payer(uuid: $uuid) { fundings(first: 10) { totalCount edges { node { "
            "amount payDate receipt status product { code } } } } } }")
PAYERS = ("query ($name: String) { payers(name_Icontains: $name, showHistory: true, first: 10) { "
          "totalCount edges { node { uuid name type email phone fax address validityTo "
          "location { code } } } } }")


def control(page, label: str):
    """The form control whose label starts with `label` (fe-core inputs do not tie label and input)."""
    return page.locator("div.MuiFormControl-root",
                        has=page.locator("label", has_text=re.compile("^" + re.escape(label)))).first


def field(page, label: str):
    return control(page, label).locator("input, textarea:not([aria-hidden=true])").first


def payers_named(api: Api, name: str) -> list[dict]:
    return [edge["node"] for edge in api.query(PAYERS, {"name": name})["payers"]["edges"]]


def wait_until(condition, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("the condition was not met in time")


def save_and_wait(page, operation: str) -> None:
    """Click save; the mutation goes out and is accepted."""
    save = page.locator(SAVE).last
    page.wait_for_function("button => !button.disabled", arg=save.element_handle())
    with page.expect_response(lambda r: r.url.endswith("/api/graphql")
                              and operation in (r.request.post_data or "")) as response:
        save.click()
    assert "errors" not in response.value.json(), response.value.json()


def row(page, name: str):
    return page.locator("tr", has=page.locator(f"td:text-is('{name}')")).first


class FailedRequests:
    """Every answer of 400 or more. One is fe-payer's own and forgiven: on the new-payer page the fundings
    panel sends its query before it knows there is no payer yet, without the required `$payerId`, which
    any GraphQL server refuses (as 24.10 did). On the page of an existing payer nothing may fail."""

    def __init__(self, page):
        self.page, self.failed, self.forgiven = page, [], 0
        page.on("response", self._response)

    def _response(self, response):
        if response.status < 400 or EXPECTED_401.search(response.url):
            return
        body = response.text()
        if (response.status == 400 and self.page.url.endswith("/front/payer/payers/new")
                and FUNDINGS_OPERATION in (response.request.post_data or "")
                and "Variable '$payerId' of required type 'UUID!' was not provided." in body):
            self.forgiven += 1
        else:
            self.failed.append((response.status, self.page.url, response.request.post_data, body))

    def check(self) -> None:
        """Nothing else failed; drop the console errors Chromium logged for the forgiven answers."""
        assert self.failed == [], self.failed
        errors = self.page.recorder.console_errors
        expected = [error for error in errors if "status of 400" in error and "/api/graphql" in error]
        assert len(expected) <= self.forgiven, (expected, self.forgiven)
        for error in expected:
            errors.remove(error)


def dialog_field(page, dialog, label: str):
    control_box = dialog.locator("div.MuiFormControl-root",
                                 has=page.locator("label", has_text=re.compile("^" + re.escape(label)))).first
    return control_box.locator("input").first


def add_funding(page, product_code: str, amount: str, receipt: str) -> None:
    """The fundings panel's Add Funding button, the dialog's product picker, amount, receipt, today as the
    pay date, Submit; the panel then lists the funding."""
    panel = page.locator(".MuiPaper-root", has=page.locator("h6", has_text="Fundings")).last
    panel.locator("button", has_text="Add Funding").click()
    dialog = page.locator("[role=dialog]", has=page.locator("text=Add Funding")).last
    picker = dialog.locator("input").nth(0)
    picker.click()
    picker.fill(product_code)
    page.locator("[role=option]", has_text=product_code).first.click()
    dialog_field(page, dialog, "Amount").fill(amount)
    dialog_field(page, dialog, "Receipt").fill(receipt)
    dialog_field(page, dialog, "Pay date").click()
    page.locator("div[role=dialog] button", has_text="OK").click()
    submit = dialog.locator("button", has_text="Submit")
    page.wait_for_function("button => !button.disabled", arg=submit.element_handle())
    with page.expect_response(lambda r: "addFunding" in (r.request.post_data or "")) as response:
        submit.click()
    assert "errors" not in response.value.json(), response.value.json()
    dialog.wait_for(state="detached")
    panel.locator("td", has_text=receipt).first.wait_for()


def test_an_administrator_creates_edits_and_deletes_a_payer(page, base_url):
    failed = FailedRequests(page)
    api = Api(base_url)
    prefix = "Y" + uuid.uuid4().hex[:5].upper()
    tree = api.tree(prefix)
    product_code = prefix + "F"  # a product of the payer's region: the dialog's picker offers it
    api.mutate("createProduct", f'code: "{product_code}" name: "Funded cover" dateFrom: "2020-01-01" '
                                f'dateTo: "2099-12-31" insurancePeriod: 12 '
                                f'locationUuid: "{tree["R"]["uuid"]}"')
    name = f"Browser fund {prefix}"
    log_in_as(page, *ADMIN)  # after the tree exists: the pickers offer the districts read at login

    # the menu entry of fe-payer, shown because the module declares its rights
    page.locator("text=Administration").first.click()
    page.locator("text=Payers").first.click()
    page.wait_for_url(re.compile(r"/front/payer/payers$"))
    page.wait_for_load_state("networkidle")
    page.locator("text=Payers").first.wait_for()

    # a new payer: the add button of the searcher, the form, save
    page.locator(SAVE).last.click()
    page.wait_for_url(re.compile(r"/front/payer/payers/new$"))
    page.wait_for_load_state("networkidle")
    field(page, "Name").fill(name)
    choose(page, "Type", "Government")
    choose(page, "Region", f"{prefix} {prefix} name")
    choose(page, "District", f"{prefix}D {prefix}D name")
    field(page, "Email").fill("fund@example.org")
    field(page, "Phone").fill("555-0100")
    field(page, "Fax").fill("555-0101")
    field(page, "Address").fill("1 Main Street")
    save_and_wait(page, "createPayer")
    created = wait_until(lambda: payers_named(api, name))
    assert len(created) == 1
    assert created[0] | {"uuid": None} == {
        "uuid": None, "name": name, "type": "G", "email": "fund@example.org", "phone": "555-0100",
        "fax": "555-0101", "address": "1 Main Street", "validityTo": None,
        "location": {"code": tree["D"]["code"]}}

    # the list shows it with its region and district; a double click opens it
    page.goto(page.base + "/front/payer/payers")
    row(page, name).wait_for()
    assert f"{prefix}D - {prefix}D name" in row(page, name).inner_text()
    row(page, name).locator("td").first.dblclick()
    page.wait_for_url(re.compile(r"/front/payer/payers/overview/[0-9a-f-]{36}$"))
    page.wait_for_load_state("networkidle")
    assert field(page, "Name").input_value() == name
    assert field(page, "Phone").input_value() == "555-0100"
    field(page, "Name").fill(name + " edited")
    choose(page, "Type", "Donor")
    save_and_wait(page, "updatePayer")
    wait_until(lambda: len(payers_named(api, name)) == 2)
    versions = sorted(payers_named(api, name), key=lambda node: node["validityTo"] is None)
    assert [(node["name"], node["type"], node["validityTo"] is None) for node in versions] == [
        (name, "G", False), (name + " edited", "D", True)]
    assert versions[1]["uuid"] == created[0]["uuid"]  # the same payer, a new version

    # the fundings panel of the payer page: empty, then a funding added through its dialog
    page.goto(page.base + f"/front/payer/payers/overview/{created[0]['uuid']}")
    page.wait_for_load_state("networkidle")
    page.locator("h6", has_text="Fundings").wait_for()
    add_funding(page, product_code, "1250.75", f"RC-{prefix}")
    funding_row = page.locator("tr", has=page.locator(f"td:text-is('RC-{prefix}')")).first
    assert "Funded cover" in funding_row.inner_text()
    fundings = api.query(FUNDINGS, {"uuid": created[0]["uuid"]})["payer"]["fundings"]
    assert fundings["totalCount"] == 1
    assert fundings["edges"][0]["node"] | {"payDate": None} == {
        "amount": "1250.75", "payDate": None, "receipt": f"RC-{prefix}", "status": "N",
        "product": {"code": product_code}}

    # delete it from the list: the bin of its row, the confirmation
    page.goto(page.base + "/front/payer/payers")
    row(page, name + " edited").wait_for()
    row(page, name + " edited").locator("button").last.click()
    dialog = page.locator("[role=dialog]")
    dialog.locator("text=Are you sure to delete the payer").wait_for()
    with page.expect_response(lambda r: "deletePayer" in (r.request.post_data or "")) as response:
        dialog.locator("button", has_text=re.compile("^ok$", re.I)).click()
    assert "errors" not in response.value.json(), response.value.json()
    current = wait_until(lambda: [node for node in payers_named(api, name)
                                  if node["uuid"] == created[0]["uuid"] and node["validityTo"]])
    assert current[0]["name"] == name + " edited"  # soft: still there, ended
    page.reload()
    page.wait_for_load_state("networkidle")
    assert row(page, name + " edited").count() == 0
    failed.check()
