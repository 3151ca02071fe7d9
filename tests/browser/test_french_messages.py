"""Server messages in the user's language, as the reference frontend shows them: a French administrator
deletes a district that a health facility still uses; the server refuses, and the journal of the page
shows why, in French."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.browser.test_location import Api, _pk, field, log_in_as, row, search, select, unique
from tests.live_server import CREATE_USER, user_input, wait_for_log

FRENCH_LOGOUT = "button[title='Déconnexion']"


@pytest.fixture(scope="module")
def api(base_url):
    return Api(base_url)


def _french_administrator(api: Api) -> str:
    roles = api.query('{ role(str: "IMIS Administrator") { edges { node { id name } } } }')["role"]["edges"]
    admin_role = next(edge["node"] for edge in roles if edge["node"]["name"] == "IMIS Administrator")
    username = "fr" + uuid.uuid4().hex[:8]
    client_mutation_id = str(uuid.uuid4())
    details = user_input(client_mutation_id, username) | {
        "language": "fr", "lastName": "Martin", "otherNames": "Louise", "roles": [_pk(admin_role["id"])]}
    result = api.client.graphql(CREATE_USER, {"input": details})
    assert "errors" not in result, result
    assert wait_for_log(api.client, client_mutation_id)["status"] == 2
    return username


def test_a_refused_deletion_is_explained_in_french(french_page, api):
    prefix = unique("F")
    tree = api.tree(prefix)
    facility_code = unique("HF")
    api.mutate("createHealthFacility", f'code: "{facility_code}" name: "Facility {facility_code}" '
               f'legalFormId: "G" level: "H" careType: "B" locationId: {_pk(tree["D"]["id"])}')
    username = _french_administrator(api)

    page = french_page
    log_in_as(page, username, "Secret123", logout_button=FRENCH_LOGOUT)
    page.goto(page.base + "/front/location/locations")
    page.wait_for_load_state("networkidle")
    select(page, "Régions", prefix, f"{prefix} name")
    district = row(page, "Districts", prefix + "D", f"{prefix}D name")
    district.locator("button").last.click()  # its delete action
    dialog = page.locator("[role=dialog]")
    dialog.locator("button", has_text="Supprimer").click()
    dialog.wait_for(state="detached")

    # the journal lists the mutation under its French label; its icon opens the server's messages
    entry = page.locator("nav .MuiDrawer-paper li", has_text=f"Supprimer le lieu {prefix}D")
    entry.wait_for()
    icon = entry.locator(".MuiListItemIcon-root").first
    error_path = "M11 15h2v2h-2zm0-8h2v6h-2z"  # Material's ErrorOutline: the mutation failed
    entry.locator(f"svg path[d^='{error_path}']").wait_for()
    icon.click()
    page.locator(".MuiPopover-paper").get_by_text(
        f"La localisation {prefix}D ne peut pas être supprimée : elle est encore utilisée").wait_for()
    assert api.location(prefix + "D")["code"] == prefix + "D"  # nothing was deleted


def test_labels_no_language_pack_carries_read_as_words(french_page, api):
    """fe-language_fr lacks some keys of the modules' English messages (e.g. the items searcher's
    "Open" button): they read in English, not as their key. Keys fe-core asks for that no package
    translates (the searchers' header and pagination) come from the app's own French messages."""
    code = "I" + uuid.uuid4().hex[:5].upper()  # item codes: 6 characters
    api.mutate("createItem", f'code: "{code}" name: "Article {code}" type: "D" price: "1.50" '
               'careType: "B" patientCategory: 15')
    username = _french_administrator(api)
    page = french_page
    log_in_as(page, username, "Secret123", logout_button=FRENCH_LOGOUT)
    page.goto(page.base + "/front/medical/medicalItems")
    page.wait_for_load_state("networkidle")
    field(page, "Code").fill(code)  # other tests' items may fill the first page
    search(page)
    item_row = page.locator("tr", has_text=f"Article {code}")
    item_row.locator("button").filter(has_text=re.compile(r"^\s*open\s*$", re.I)).wait_for()
    page.get_by_text("Critères de recherche").wait_for()
    page.get_by_text("Lignes par page").wait_for()
    page.get_by_text(re.compile(r"^\d+-\d+ sur \d+$")).wait_for()  # "1-10 sur 12"
    body = page.locator("body").inner_text().lower()
    raw_keys = ("search.title", "refreshfiltertooltip", "rowsperpage", "ofpages")
    assert not [key for key in raw_keys if key in body]
