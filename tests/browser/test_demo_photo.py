"""The demo dataset's insuree photos in the pages: the demo load writes a picture for each photo row, the
insuree page and the enquiry box show it, and the photo's own address answers the picture."""

from __future__ import annotations

from tests.browser.conftest import ADMIN
from tests.browser.test_location import log_in_as

DEMO_INSUREE = "070707070"  # a demo insuree with a photo row (folder Images\Updated\)


def shown_pictures(page) -> list[int]:
    """The natural widths of the photo pictures on the page (0 for a picture that did not load)."""
    return page.eval_on_selector_all(
        "img:not([src*='logo'])", "images => images.map(image => image.complete ? image.naturalWidth : 0)")


def test_a_demo_insurees_photo_shows_on_the_insuree_page_and_in_the_enquiry(demo_page):
    page = demo_page
    log_in_as(page, *ADMIN)
    selection = "edges { node { uuid photo { folder filename } } }"
    query = f'{{ insurees(chfId: "{DEMO_INSUREE}") {{ {selection} }} }}'
    answer = page.request.post(page.base + "/api/graphql", data={"query": query})
    [edge] = answer.json()["data"]["insurees"]["edges"]
    insuree = edge["node"]

    page.goto(page.base + f"/front/insuree/insurees/insuree/{insuree['uuid']}")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("document.querySelectorAll(\"img:not([src*='logo'])\").length > 0")
    assert shown_pictures(page) and all(width > 0 for width in shown_pictures(page))

    page.locator("input[placeholder*='enquiry' i]").fill(DEMO_INSUREE)
    page.keyboard.press("Enter")
    page.locator("[role=dialog]").get_by_text(DEMO_INSUREE).first.wait_for()
    page.wait_for_load_state("networkidle")
    assert len(shown_pictures(page)) >= 2 and all(width > 0 for width in shown_pictures(page))

    # the address the frontend builds from the stored folder and file name answers the picture
    folder = insuree["photo"]["folder"].replace("\\", "/")
    picture = page.request.get(page.base + f"/photos/{folder}/{insuree['photo']['filename']}")
    assert picture.status == 200 and picture.headers["content-type"].startswith("image/")
    assert len(picture.body()) > 100
