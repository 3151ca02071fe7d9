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
    choose(page, "careType", "In & Out")
    save_and_wait(page, "createItem")
    open_row(page, "/front/medical/medicalItems", code)
    assert field(page, "Name").input_value() == "Paracetamol browser"
    field(page, "Name").fill("Paracetamol edited")
    save_and_wait(page, "updateItem")
    page.goto(page.base + "/front/medical/medicalItems")
    page.locator("td:has-text('Paracetamol edited')").first.wait_for()


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
    choose(page, "careType", "Out - Patient")
    save_and_wait(page, "createService")
    open_row(page, "/front/medical/medicalServices", code)
    assert field(page, "Name").input_value() == "Consultation browser"
    field(page, "Name").fill("Consultation edited")
    save_and_wait(page, "updateService")
    page.goto(page.base + "/front/medical/medicalServices")
    page.locator("td:has-text('Consultation edited')").first.wait_for()
