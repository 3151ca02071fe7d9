"""The Locations and Health facilities pages of the reference frontend (fe-location 1.8), in Chromium,
against a real `openimis serve` (see conftest.py): what an administrator does on them, and what a user
restricted to one district sees."""

from __future__ import annotations

import base64
import re
import time
import uuid

import pytest

from tests.browser.conftest import ADMIN
from tests.browser.test_frontend import LOGOUT_BUTTON, log_in, open_login_page
from tests.live_server import CREATE_USER, HTTPClient, user_input, wait_for_log

WIDE = {"width": 1700, "height": 1000}  # the pages' action buttons fit beside the journal drawer


def unique(prefix: str) -> str:
    """A code no other test of the shared server uses (location and facility codes: 8 characters)."""
    return prefix + uuid.uuid4().hex[: 7 - len(prefix)].upper()


def log_in_as(page, username: str, password: str, logout_button: str = LOGOUT_BUTTON) -> None:
    page.set_viewport_size(WIDE)
    open_login_page(page)
    log_in(page, username, password)
    page.locator(logout_button).wait_for()


class Api:
    """The administrator's API session, to prepare data and check what the pages wrote."""

    def __init__(self, base_url: str):
        self.client = HTTPClient(base_url)
        assert "errors" not in self.client.login(*ADMIN)

    def query(self, text: str, variables: dict | None = None) -> dict:
        result = self.client.graphql(text, variables)
        assert "errors" not in result, result
        return result["data"]

    def mutate(self, name: str, input_text: str) -> None:
        client_mutation_id = str(uuid.uuid4())
        result = self.client.graphql(
            f'mutation {{ {name}(input: {{ clientMutationId: "{client_mutation_id}" '
            f"{input_text} }}) {{ internalId }} }}"
        )
        assert "errors" not in result, result
        log = wait_for_log(self.client, client_mutation_id)
        assert log["status"] == 2, log

    def location(self, code: str) -> dict:
        edges = self.query(
            "query($code: String) { locationsStr(code: $code) { edges { node { id uuid code name "
            "parent { code } } } } }",
            {"code": code},
        )["locationsStr"]["edges"]
        return edges[0]["node"] if edges else None

    def tree(self, prefix: str) -> dict:
        """A region, district, municipality and village whose codes start with `prefix`."""
        made, parent = {}, None
        for suffix, location_type in (("", "R"), ("D", "D"), ("M", "W"), ("V", "V")):
            code = prefix + suffix
            parent_text = f'parentUuid: "{parent["uuid"]}"' if parent else ""
            self.mutate(
                "createLocation", f'code: "{code}" name: "{code} name" type: "{location_type}" {parent_text}'
            )
            parent = made[location_type] = self.location(code)
        return made

    def facility(self, code: str) -> list[dict]:
        return [
            edge["node"]
            for edge in self.query(
                "query($code: String) { healthFacilities(code: $code, showHistory: true) { edges { node { "
                "code name phone validityTo location { code } "
                "catchments { catchment location { code } } } } } }",
                {"code": code},
            )["healthFacilities"]["edges"]
        ]


@pytest.fixture
def api(base_url):
    return Api(base_url)


# --- page helpers ----------------------------------------------------------------------------


def panel(page, title: str):
    """One of the location lists (Regions, Districts, Municipalities, Villages, Village Catchments)."""
    header = page.locator(f".MuiGrid-item:text-is('{title}')")
    return page.locator(".MuiPaper-root").filter(has=header).last


def header_button(page, title: str, which: str):
    """The list's header actions: "add" (+, shown with the right to add) or "refresh"."""
    buttons = panel(page, title).locator("button.MuiButton-outlined")
    return buttons.first if which == "add" else buttons.last


def add_location(page, title: str, code: str, name: str) -> None:
    """The + of a list, the dialog's Code and Name, Save; then reload the list to see the saved row."""
    header_button(page, title, "add").click()
    dialog = page.locator("[role=dialog]")
    dialog.locator("input").nth(0).fill(code)
    dialog.locator("input").nth(1).fill(name)
    save = dialog.locator("button", has_text="Save")
    page.wait_for_function("button => !button.disabled", arg=save.element_handle())  # the code is free
    save.click()
    dialog.wait_for(state="detached")
    header_button(page, title, "refresh").click()
    row(page, title, code, name).wait_for()


def row(page, title: str, code: str, name: str):
    """A location of a list (its text, with its secondary actions or catchment input)."""
    return panel(page, title).locator("li.MuiListItem-container", has_text=f"{code} - {name}")


def select(page, title: str, code: str, name: str) -> None:
    row(page, title, code, name).locator(".MuiListItem-root").click()


def choose(page, label: str, option: str) -> None:
    """A Material-UI select of the form, found by its label."""
    control = (
        page.locator(".MuiFormControl-root")
        .filter(has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}")))
        .first
    )
    control.locator("[aria-haspopup=listbox]").click()
    page.locator("ul[role=listbox] li", has_text=option).first.click()
    page.locator("ul[role=listbox]").wait_for(state="detached")


def search(page) -> None:
    """The searcher's refresh action: applies the filters typed in (the last of its header buttons)."""
    page.locator("button.MuiButton-outlined").last.click()


def form_header(page, title: str):
    """The header of a form: its back button, its title and, on the right, its actions (reload)."""
    return page.get_by_text(title, exact=True).locator("xpath=../../../..")


def wait_until(condition, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def field(page, label: str):
    return (
        page.locator(".MuiFormControl-root")
        .filter(has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}")))
        .first.locator("input, textarea")
        .first
    )


# --- tests -----------------------------------------------------------------------------------


def test_create_and_edit_the_four_levels_on_the_locations_page(page, api):
    prefix = unique("B")
    log_in_as(page, *ADMIN)
    page.goto(page.base + "/front/location/locations")
    page.wait_for_load_state("networkidle")

    add_location(page, "Regions", prefix, "Browser region")
    select(page, "Regions", prefix, "Browser region")
    add_location(page, "Districts", prefix + "D", "Browser district")
    select(page, "Districts", prefix + "D", "Browser district")
    add_location(page, "Municipalities", prefix + "M", "Browser municipality")
    select(page, "Municipalities", prefix + "M", "Browser municipality")
    add_location(page, "Villages", prefix + "V", "Browser village")

    village = api.location(prefix + "V")
    assert village["parent"]["code"] == prefix + "M"
    assert api.location(prefix + "M")["parent"]["code"] == prefix + "D"
    assert api.location(prefix + "D")["parent"]["code"] == prefix

    # edit the district: a double click opens the dialog with its values
    row(page, "Districts", prefix + "D", "Browser district").locator(".MuiListItem-root").dblclick()
    dialog = page.locator("[role=dialog]")
    assert dialog.locator("input").nth(0).input_value() == prefix + "D"
    dialog.locator("input").nth(1).fill("Renamed district")
    dialog.locator("button", has_text="Save").click()
    dialog.wait_for(state="detached")
    header_button(page, "Districts", "refresh").click()
    row(page, "Districts", prefix + "D", "Renamed district").wait_for()
    assert api.location(prefix + "D")["name"] == "Renamed district"
    history = api.query(
        "query($code: String) { locations(code: $code) { edges { node { name } } } }", {"code": prefix + "D"}
    )
    assert [edge["node"]["name"] for edge in history["locations"]["edges"]] == ["Renamed district"]


def test_create_and_edit_a_health_facility_with_a_catchment_village(page, api):
    prefix = unique("H")
    tree = api.tree(prefix)
    code = unique("HF")
    log_in_as(page, *ADMIN)  # after the tree exists: the pickers offer the districts read at login
    page.goto(page.base + "/front/location/healthFacilities")
    page.wait_for_load_state("networkidle")
    page.locator(".MuiFab-root").last.click()  # the add button of the searcher
    page.wait_for_url(re.compile(r"/front/location/healthFacility$"))
    page.wait_for_load_state("networkidle")

    choose(page, "Region", f"{prefix} {prefix} name")
    choose(page, "District", f"{prefix}D {prefix}D name")
    choose(page, "Health Facility Legal Form", "Government")
    choose(page, "Health Facility Level", "Hospital")
    choose(page, "Care type", "In & Out - Patient")
    field(page, "Code").fill(code)
    field(page, "Name").fill("Browser Hospital")
    field(page, "Phone").fill("555-0001")

    # the catchment lists: the region, then its district (the facility's) and first municipality follow
    select(page, "Regions", prefix, f"{prefix} name")
    village = row(page, "Village Catchments", prefix + "V", f"{prefix}V name")
    village.wait_for()
    village.locator("input").fill("75")

    save = page.locator(".MuiFab-root").last
    page.wait_for_function("button => !button.disabled", arg=save.element_handle())
    save.click()
    wait_until(lambda: api.facility(code))
    # the saved form is locked; its reload action opens the new facility (the form reads it back by code)
    form_header(page, f"Health Facility {code}").locator("button").last.click()
    page.wait_for_url(re.compile(r"/front/location/healthFacility/[0-9a-f-]{36}$"))
    page.wait_for_load_state("networkidle")
    facility = api.facility(code)
    assert [(row_["name"], row_["phone"], row_["location"]["code"]) for row_ in facility] == [
        ("Browser Hospital", "555-0001", prefix + "D")
    ]
    assert facility[0]["catchments"] == [{"catchment": 75, "location": {"code": prefix + "V"}}]
    assert tree["V"]["code"] == prefix + "V"

    # edit it: the form shows the saved values; change the name, save, see the change and its history
    name_input = field(page, "Name")
    name_input.wait_for()
    assert name_input.input_value() == "Browser Hospital"
    name_input.fill("Browser Hospital Renamed")
    save = page.locator(".MuiFab-root").last
    page.wait_for_function("button => !button.disabled", arg=save.element_handle())
    save.click()
    wait_until(lambda: len(api.facility(code)) == 2)
    rows = api.facility(code)
    assert [(row_["name"], row_["validityTo"] is None) for row_ in rows] == [
        ("Browser Hospital Renamed", True),
        ("Browser Hospital", False),
    ]

    page.goto(page.base + "/front/location/healthFacilities")
    page.wait_for_load_state("networkidle")
    field(page, "Code").fill(code)
    page.locator("label", has_text="Show historical values").click()
    search(page)
    page.locator("text=2 Health Facilities Found").wait_for()
    page.locator("td", has_text="Browser Hospital Renamed").wait_for()
    page.locator("td", has_text=re.compile("^Browser Hospital$")).wait_for()  # the history row


def test_a_user_restricted_to_one_district_sees_only_its_facilities(page, api, base_url):
    north, south = api.tree(unique("N")), api.tree(unique("S"))
    north_code, south_code = unique("HN"), unique("HS")
    for code, tree in ((north_code, north), (south_code, south)):
        district_id = _pk(tree["D"]["id"])
        api.mutate(
            "createHealthFacility",
            f'code: "{code}" name: "Facility {code}" legalFormId: "G" level: "H" '
            f'careType: "B" locationId: {district_id}',
        )
    role_id = _create_role(api, [121101, 121901])
    username = "hf" + uuid.uuid4().hex[:8]
    client_mutation_id = str(uuid.uuid4())
    details = user_input(client_mutation_id, username) | {
        "roles": [role_id],
        "districts": [_pk(north["D"]["id"])],
    }
    result = api.client.graphql(CREATE_USER, {"input": details})
    assert "errors" not in result, result
    assert wait_for_log(api.client, client_mutation_id)["status"] == 2

    log_in_as(page, username, "Secret123")
    page.goto(page.base + "/front/location/healthFacilities")
    page.wait_for_load_state("networkidle")
    page.get_by_role("cell", name=north_code, exact=True).wait_for()
    assert page.get_by_role("cell", name=south_code, exact=True).count() == 0
    field(page, "Code").fill(south_code)  # searching for it by code finds nothing either
    search(page)
    page.locator("text=0 Health Facilities Found").wait_for()


def _pk(relay_id: str) -> int:
    return int(base64.b64decode(relay_id).decode().split(":")[1])


def _create_role(api: Api, rights: list[int]) -> int:
    name = "Role " + uuid.uuid4().hex[:8]
    api.mutate("createRole", f'name: "{name}" isSystem: false isBlocked: false rightsId: {rights}')
    roles = api.query(
        "query($name: String) { role(str: $name) { edges { node { id name } } } }", {"name": name}
    )
    return _pk(roles["role"]["edges"][0]["node"]["id"])
