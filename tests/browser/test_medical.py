"""Medical items, services and their price lists through the real UI (fe-medical, fe-medical_pricelist)."""

from __future__ import annotations

import re
import uuid

from tests.browser.test_frontend import log_in_as_admin

SAVE = "button.MuiFab-root"


def unique_code(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:4]}".upper()


def control(page, label: str):
    """The form control whose label starts with `label` (fe-core inputs do not tie label and input)."""
    return page.locator("div.MuiFormControl-root",
                        has=page.locator("label", has_text=re.compile("^" + re.escape(label)))).first


def field(page, label: str):
    return control(page, label).locator("input").first


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the select labelled `label`."""
    control(page, label).locator("div[role=button]").first.click()
    page.locator("li[role=option]", has_text=option).first.click()


def save_and_wait(page, graphql_operation: str) -> None:
    """Click save; wait until the mutation went out and the mutation log says it succeeded."""
    with page.expect_response(lambda r: r.url.endswith("/api/graphql")
                              and graphql_operation in (r.request.post_data or "")) as response:
        page.locator(SAVE).click()
    assert "errors" not in response.value.json(), response.value.json()
    page.wait_for_load_state("networkidle")


def open_row(page, list_path: str, text: str) -> None:
    page.goto(page.base + list_path)
    page.locator(f"td:has-text('{text}')").first.wait_for()
    page.locator(f"td:has-text('{text}')").first.dblclick()
    page.wait_for_load_state("networkidle")


def test_create_and_edit_a_medical_item(page):
    log_in_as_admin(page)
    code = unique_code("I")
    page.goto(page.base + "/front/medical/medicalItems/new")
    field(page, "Code").fill(code)
    field(page, "Name").fill("Paracetamol browser")
    choose(page, "Item type", "Drug")
    field(page, "Package").fill("box")
    field(page, "Price").fill("12.5")
    choose(page, "Care type", "In & Out")
    save_and_wait(page, "createItem")
    open_row(page, "/front/medical/medicalItems", code)
    assert field(page, "Name").input_value() == "Paracetamol browser"
    field(page, "Name").fill("Paracetamol edited")
    save_and_wait(page, "updateItem")
    page.goto(page.base + "/front/medical/medicalItems")
    page.locator("td:has-text('Paracetamol edited')").first.wait_for()
    # the former version is kept as a history row
    assert names_with_history(page, "medicalItems", f'code: "{code}"') == ["Paracetamol browser",
                                                                          "Paracetamol edited"]


def test_create_and_edit_a_medical_service(page):
    log_in_as_admin(page)
    code = unique_code("S")
    page.goto(page.base + "/front/medical/medicalServices/new")
    field(page, "Code").fill(code)
    field(page, "Name").fill("Consultation browser")
    choose(page, "Type", "Simple/atomic")
    choose(page, "Service type", "Curative")
    choose(page, "Service Level", "Simple Service")
    choose(page, "Service Category", "Consultation")
    field(page, "Price").fill("40")
    choose(page, "Care type", "Out - Patient")
    save_and_wait(page, "createService")
    open_row(page, "/front/medical/medicalServices", code)
    assert field(page, "Name").input_value() == "Consultation browser"
    field(page, "Name").fill("Consultation edited")
    save_and_wait(page, "updateService")
    page.goto(page.base + "/front/medical/medicalServices")
    page.locator("td:has-text('Consultation edited')").first.wait_for()
    assert names_with_history(page, "medicalServices", f'code: "{code}"') == ["Consultation browser",
                                                                             "Consultation edited"]


def graphql(page, query: str) -> dict:
    """A GraphQL query sent with the page's own session (its cookies)."""
    result = page.evaluate("""async (query) => {
        const response = await fetch('/api/graphql', {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({query})});
        return response.json();
    }""", query)
    assert "errors" not in result, result
    return result["data"]


def names_with_history(page, root: str, filters: str) -> list[str]:
    query = f"{{ {root}({filters}, showHistory: true) {{ edges {{ node {{ name validityTo }} }} }} }}"
    data = graphql(page, query)
    return sorted(edge["node"]["name"] for edge in data[root]["edges"])


def create_item_through_the_api(page, code: str, kind: str) -> None:
    """An item or service to put on a list, created with the page's own session."""
    if kind == "items":
        fields = (f'code: "{code}", name: "Listed {code}", type: "D", price: "10", careType: "B", '
                  "patientCategory: 15")
        name = "createItem"
    else:
        fields = (f'code: "{code}", name: "Listed {code}", type: "C", price: "20", careType: "B", '
                  'patientCategory: 15, level: "S"')
        name = "createService"
    result = page.evaluate("""async (query) => {
        const response = await fetch('/api/graphql', {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({query})});
        return response.json();
    }""", f'mutation {{ {name}(input: {{clientMutationId: "{code}", {fields}}}) {{ internalId }} }}')
    assert "errors" not in result, result


def set_overriding_price(page, code: str, price: str) -> None:
    row = page.locator("tr", has=page.locator(f"td:has-text('{code}')"))
    row.locator("input[type=checkbox]").check()
    row.locator("button").last.click()
    dialog = page.locator("div[role=dialog]")
    dialog.locator("input").first.fill(price)
    page.wait_for_timeout(2000)  # the number input passes its value on after a debounce delay
    dialog.locator(".MuiDialogActions-root button").first.click()  # confirm (then clear, cancel)
    row.locator(f"td:has-text('{price}')").first.wait_for()


def open_pricelist(page, kind: str, name: str) -> None:
    """Open a list from the searcher once its lines (the query with `pricelistDetails`) are loaded."""
    page.goto(page.base + f"/front/medical/pricelists/{kind}")
    page.locator(f"td:has-text('{name}')").first.wait_for()
    with page.expect_response(lambda r: r.url.endswith("/api/graphql")
                              and "pricelistDetails" in (r.request.post_data or "")):
        page.locator(f"td:has-text('{name}')").first.dblclick()
    page.wait_for_load_state("networkidle")


def line_shows(page, code: str, price: str) -> None:
    page.locator("tr", has=page.locator(f"td:has-text('{code}')")).locator(
        f"td:has-text('{price}')").first.wait_for()


def check_pricelist_pages(page, kind: str) -> None:
    log_in_as_admin(page)
    code = unique_code("P")
    create_item_through_the_api(page, code, kind)
    name = f"Browser list {uuid.uuid4().hex[:6]}"
    page.goto(page.base + f"/front/medical/pricelists/{kind}/new")
    field(page, "Name").fill(name)
    field(page, "Date").click()
    page.locator("div[role=dialog] button", has_text="OK").click()
    page.locator(f"td:has-text('{code}')").first.wait_for()
    set_overriding_price(page, code, "7.5")
    save_and_wait(page, "create" + ("ItemsPricelist" if kind == "items" else "ServicesPricelist"))
    # edit: the line is there with its price; change the price and the name
    page.wait_for_timeout(1000)  # the page reloads the list it saved
    open_pricelist(page, kind, name)
    line_shows(page, code, "7.5")
    field(page, "Name").fill(name + " edited")
    set_overriding_price(page, code, "8.25")
    save_and_wait(page, "update" + ("ItemsPricelist" if kind == "items" else "ServicesPricelist"))
    page.wait_for_timeout(1000)
    open_pricelist(page, kind, name + " edited")
    line_shows(page, code, "8.25")
    root = "itemsPricelists" if kind == "items" else "servicesPricelists"
    assert names_with_history(page, root, f'name_Icontains: "{name}"') == [name, name + " edited"]


def test_items_price_list_with_a_line_and_an_overriding_price(page):
    check_pricelist_pages(page, "items")


def test_services_price_list_with_a_line_and_an_overriding_price(page):
    check_pricelist_pages(page, "services")
