"""Families and insurees through the real UI (fe-insuree 1.11): an administrator creates a family with its
head on the family page, adds a member, edits the member and finds them in the insurees searcher."""

from __future__ import annotations

import re
import uuid

from tests.browser.conftest import ADMIN
from tests.browser.test_location import Api, log_in_as, unique

SAVE = "button.MuiFab-root"


def control(page, label: str, scope=None):
    """The form control whose label starts with `label`."""
    scope = scope or page
    return scope.locator(
        "div.MuiFormControl-root", has=page.locator("label", has_text=re.compile("^" + re.escape(label)))
    ).first


def choose(page, label: str, option: str, scope=None) -> None:
    """A Material-UI select, by its label."""
    control(page, label, scope).locator("[aria-haspopup=listbox]").click()
    page.locator("ul[role=listbox] li", has_text=option).first.click()
    page.locator("ul[role=listbox]").wait_for(state="detached")


def pick(page, label: str, text: str) -> None:
    """An autocomplete picker: type, then take the matching option."""
    box = control(page, label).locator("input").first
    box.click()
    box.fill(text)
    page.locator("[role=option]", has_text=text).first.click()


def type_into(page, label: str, text: str, scope=None) -> None:
    box = control(page, label, scope).locator("input").first
    box.fill(text)


def pick_today(page, label: str, scope=None) -> None:
    control(page, label, scope).locator("input").first.click()
    page.locator("div[role=dialog] button", has_text="OK").click()


def save_and_wait(page, operation: str) -> dict:
    """Click save; the mutation goes out and is accepted; its work is done when the page is idle."""
    with page.expect_response(
        lambda r: r.url.endswith("/api/graphql") and operation in (r.request.post_data or "")
    ) as response:
        page.locator(SAVE).click()
    assert "errors" not in response.value.json(), response.value.json()
    page.wait_for_load_state("networkidle")
    return response.value.json()


def insurees(api: Api, chf_id: str) -> list[dict]:
    edges = api.query(
        "query($chfId: String) { insurees(chfId: $chfId, showHistory: true) { edges { node { "
        "uuid chfId lastName otherNames head validityTo gender { code } family { uuid } } } } }",
        {"chfId": chf_id},
    )["insurees"]["edges"]
    return [edge["node"] for edge in edges]


def test_family_with_head_then_a_member_edited_and_found(page, base_url):
    api = Api(base_url)
    tree = api.tree(unique("F"))
    head_number, member_number = (str(uuid.uuid4().int)[:9] for _ in range(2))
    log_in_as(page, *ADMIN)
    page.locator("text=Insurees and Policies").first.wait_for()
    assert page.locator("input[placeholder^='Insuree enquiry']").count() == 1  # the policy module serves it

    # the family page: its village, then the head insuree
    page.goto(page.base + "/front/insuree/family")
    page.wait_for_load_state("networkidle")
    choose(page, "Region", tree["R"]["code"])
    choose(page, "District", tree["D"]["code"])
    pick(page, "Municipality", tree["W"]["code"])
    pick(page, "Village", tree["V"]["code"])
    choose(page, "Family Type", "Household")
    type_into(page, "Insurance No.", head_number)
    type_into(page, "Last Name", "Kamau")
    type_into(page, "Given Names", "Wanjiru")
    pick_today(page, "Birth Date")
    choose(page, "Gender", "Female")
    save_and_wait(page, "createFamily")
    (head,) = insurees(api, head_number)
    assert head["head"] and head["lastName"] == "Kamau" and head["gender"]["code"] == "F"
    assert head["family"] is not None
    # a saved new family stays locked; the reload action of the form's header opens the family created
    header = page.get_by_text(re.compile(r"^Family/Group Kamau Wanjiru")).locator("xpath=../../../..")
    header.locator("button").last.click()
    page.wait_for_url(re.compile(r"/insuree/families/familyOverview/"))
    page.wait_for_load_state("networkidle")
    page.locator("text=1 Insurees").wait_for()
    family_uuid = head["family"]["uuid"]
    assert page.url.endswith(family_uuid)

    # a member, added from the family
    page.locator("button", has_text=re.compile("add new", re.I)).click()
    page.wait_for_url(re.compile(r"/insuree/insurees/insuree"))
    page.wait_for_load_state("networkidle")
    type_into(page, "Insurance No.", member_number)
    type_into(page, "Last Name", "Kamau")
    type_into(page, "Given Names", "Baraka")
    pick_today(page, "Birth Date")
    choose(page, "Gender", "Male")
    save_and_wait(page, "createInsuree")
    (member,) = insurees(api, member_number)
    assert member["family"]["uuid"] == family_uuid and not member["head"]

    # the insurees searcher finds the member; its page edits them
    page.goto(page.base + "/front/insuree/insurees")
    page.wait_for_load_state("networkidle")
    type_into(page, "Insurance No.", member_number)
    page.keyboard.press("Enter")
    row = page.locator("tr", has_text=member_number)
    row.wait_for()
    row.dblclick()
    page.wait_for_url(re.compile(r"/insuree/insurees/insuree/"))
    page.wait_for_load_state("networkidle")
    type_into(page, "Given Names", "Baraka Junior")
    save_and_wait(page, "updateInsuree")
    current = [row for row in insurees(api, member_number) if row["validityTo"] is None]
    assert [row["otherNames"] for row in current] == ["Baraka Junior"]
    assert len(insurees(api, member_number)) == 2  # the history row of the edit

    page.goto(page.base + "/front/insuree/insurees")
    page.wait_for_load_state("networkidle")
    type_into(page, "Given Names", "Baraka Jun")
    page.keyboard.press("Enter")
    page.locator("tr", has_text=member_number).filter(has_text="Baraka Junior").wait_for()
