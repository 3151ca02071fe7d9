"""Products through the real UI (fe-product): a product with items and services, then an edit."""

from __future__ import annotations

import re
import uuid

from tests.browser.test_frontend import log_in_as_admin

SAVE = "button.MuiFab-root"


def unique_code(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:5]}".upper()


def field(page, label: str):
    """The input of the form control whose label starts with `label`."""
    return page.locator("div.MuiFormControl-root", has=page.locator(
        "label", has_text=re.compile("^" + re.escape(label)))).first.locator("input").first


def save_and_wait(page, operation: str) -> None:
    """Click save; the mutation goes out and is accepted; its work is done when the page is idle."""
    with page.expect_response(lambda r: r.url.endswith("/api/graphql")
                              and operation in (r.request.post_data or "")) as response:
        page.locator(SAVE).click()
    assert "errors" not in response.value.json(), response.value.json()
    page.wait_for_load_state("networkidle")


def graphql(page, query: str, variables: dict | None = None) -> dict:
    """A GraphQL call with the page's own session."""
    return page.evaluate("""async ([query, variables]) => {
        const response = await fetch('/api/graphql', {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({query, variables})});
        return response.json();
    }""", [query, variables or {}])


def create_medical(page, kind: str, code: str) -> None:
    """An item or a service to cover, created through the API with the page's session."""
    if kind == "item":
        query = ("mutation ($id: String, $code: ServiceCodeInputType!) { createItem(input: {"
                 "clientMutationId: $id, code: $code, "
                 'name: "Covered item", type: "D", price: "10", careType: "B", patientCategory: 15}) '
                 "{ internalId } }")
    else:
        query = ("mutation ($id: String, $code: ServiceCodeInputType!) { createService(input: {"
                 "clientMutationId: $id, code: $code, "
                 'name: "Covered service", type: "C", price: "20", careType: "B", patientCategory: 15, '
                 'level: "S"}) { internalId } }')
    result = graphql(page, query, {"id": code, "code": code})
    assert "errors" not in result, result


def pick_today(page, label: str) -> None:
    field(page, label).click()
    page.locator("div[role=dialog] button", has_text="OK").click()


def add_line(page, tab: str, code: str) -> None:
    """On the items (or services) tab: the add button, the picker, the code, the dialog's submit."""
    page.locator("button[role=tab]", has_text=tab).click()
    page.locator("button", has_text=re.compile("^add", re.I)).first.click()
    dialog = page.locator("div[role=dialog]")
    dialog.locator("input").first.fill(code)
    page.locator("li[role=option]", has_text=code).first.click()
    dialog.locator(".MuiDialogActions-root button").last.click()
    page.locator("div[role=cell]", has_text=code).first.wait_for()


def product_lines(page, code: str) -> dict:
    result = graphql(page, "query ($code: String) { products(code_Icontains: $code, first: 5) { edges { "
                           "node { uuid name items { edges { node { item { code } } } } "
                           "services { edges { node { service { code } } } } } } } }", {"code": code})
    assert "errors" not in result, result
    return result["data"]["products"]["edges"]


def test_create_a_product_with_items_and_services_then_edit_it(page):
    log_in_as_admin(page)
    item_code, service_code, code = unique_code("I"), unique_code("S"), unique_code("P")
    create_medical(page, "item", item_code)
    create_medical(page, "service", service_code)

    page.goto(page.base + "/front/admin/products/new")
    page.wait_for_load_state("networkidle")
    field(page, "Name").fill("Browser product")
    field(page, "Max members").fill("5")
    pick_today(page, "Date From")
    pick_today(page, "Date To")
    with page.expect_response(lambda r: "validateProductCode" in (r.request.post_data or "")):
        field(page, "Code").fill(code)  # last: the code check answers before the save
    page.wait_for_timeout(500)
    add_line(page, "MEDICAL ITEMS", item_code)
    add_line(page, "MEDICAL SERVICES", service_code)
    save_and_wait(page, "createProduct")

    created = product_lines(page, code)
    assert len(created) == 1 and created[0]["node"]["name"] == "Browser product"
    assert [e["node"]["item"]["code"] for e in created[0]["node"]["items"]["edges"]] == [item_code]
    assert [e["node"]["service"]["code"] for e in created[0]["node"]["services"]["edges"]] == [service_code]

    # the list shows it; open it, see its lines, rename it
    page.goto(page.base + "/front/admin/products")
    page.locator(f"td:has-text('{code}')").first.wait_for()
    page.locator(f"td:has-text('{code}')").first.dblclick()
    page.wait_for_load_state("networkidle")
    assert field(page, "Name").input_value() == "Browser product"
    page.locator("button[role=tab]", has_text="MEDICAL ITEMS").click()
    page.locator("div[role=cell]", has_text=item_code).first.wait_for()
    field(page, "Name").fill("Browser product edited")
    save_and_wait(page, "updateProduct")

    page.goto(page.base + "/front/admin/products")
    page.locator("td:has-text('Browser product edited')").first.wait_for()
    edited = product_lines(page, code)
    assert edited[0]["node"]["uuid"] == created[0]["node"]["uuid"]  # same product, new version
    assert [e["node"]["item"]["code"] for e in edited[0]["node"]["items"]["edges"]] == [item_code]
    assert [e["node"]["service"]["code"] for e in edited[0]["node"]["services"]["edges"]] == [service_code]
    # the former version is in the history
    history = graphql(page, "query ($code: String) { products(code_Icontains: $code, showHistory: true, "
                            "first: 5) { totalCount } }", {"code": code})
    assert history["data"]["products"]["totalCount"] == 2
