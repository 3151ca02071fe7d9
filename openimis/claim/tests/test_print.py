"""The printed claim (`GET /api/claim/print/?uuid=`): a PDF of one visible claim for holders of the print
right, and the JSON errors of the other paths; the attachment download (`GET /api/claim/attach?id=`)."""

from __future__ import annotations

import base64
import re
import time
import zlib

import pytest
from django.test import Client

from openimis.claim import attachments, printing
from openimis.claim.models import Claim
from openimis.claim.rights import CLAIM_PRINT, CLAIM_SEARCH
from openimis.core.legacy_import.demo import DEMO_LOGIN, load_demo_dataset
from openimis.core.models import User
from openimis.location.models import Location
from openimis.location.tests.helpers import restricted_client
from openimis.testing.client import PASSWORD, GraphQLClient

URL = "/api/claim/print/"

@pytest.fixture
def demo(db):
    load_demo_dataset()
    return Claim.objects.current().get(code="CID00001")


@pytest.fixture
def admin(demo, client) -> Client:
    """The demo's administrator, logged in."""
    assert "errors" not in GraphQLClient(client).login(*DEMO_LOGIN)
    return client


def pdf_text(content: bytes) -> str:
    """The text the PDF shows: its content streams uncompressed, the strings of their text operators."""
    shown = []
    # a compressed stream may itself end with a carriage return: take everything up to `endstream` and let
    # the decompressor ignore what follows the data
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            stream = zlib.decompressobj().decompress(stream)
        except zlib.error:
            pass
        for text in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", stream, re.S):
            shown.append(text.replace(rb"\(", b"(").replace(rb"\)", b")").decode("cp1252"))
    return "\n".join(shown)


def logged_in(user_factory, username: str, rights: list[int]) -> Client:
    user_factory(username, rights)
    client = GraphQLClient(Client())
    assert "errors" not in client.login(username, PASSWORD)
    return client.client


def district_of(claim: Claim) -> Location:
    return claim.health_facility.location


def test_the_printed_claim_shows_its_facts_lines_and_totals(demo, user_factory):
    printer = restricted_client(user_factory, "printer", district_of(demo), [CLAIM_PRINT])
    response = printer.client.get(URL, {"uuid": demo.uuid})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="claim-CID00001.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    facility = demo.health_facility
    assert "Claim CID00001" in text
    assert facility.code in text and facility.name in text
    assert demo.insuree.chf_id in text and demo.icd.code in text
    assert "Entered" in text
    assert "1,670.00" in text  # claimed
    for line in demo.items.current().select_related("item"):
        assert line.item.code in text
    for line in demo.services.current().select_related("service"):
        assert line.service.code in text
    for total in ("Total claimed", "Total approved", "Total valuated"):
        assert total in text


def test_every_demo_claim_prints(demo, admin):
    for claim in Claim.objects.current():
        response = admin.get(URL, {"uuid": claim.uuid.upper()})
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert claim.code in pdf_text(response.content)


def test_printing_is_refused_without_login_or_right(demo, user_factory):
    response = Client().get(URL, {"uuid": demo.uuid})
    assert response.status_code == 401
    assert "detail" in response.json()
    searcher = logged_in(user_factory, "searcher", [CLAIM_SEARCH])
    response = searcher.get(URL, {"uuid": demo.uuid})
    assert response.status_code == 403 and "detail" in response.json()


def test_an_unknown_or_invisible_claim_is_not_found(demo, user_factory):
    elsewhere = Location.objects.current().filter(type="D").exclude(pk=district_of(demo).pk).first()
    printer = restricted_client(user_factory, "far", elsewhere, [CLAIM_PRINT])
    response = printer.client.get(URL, {"uuid": demo.uuid})
    assert response.status_code == 404 and "detail" in response.json()
    response = printer.client.get(URL, {"uuid": "00000000-0000-0000-0000-000000000000"})
    assert response.status_code == 404


@pytest.mark.parametrize("query", [{}, {"uuid": ""}, {"uuid": "CID00001"}, {"uuid": "1234-zz"}])
def test_a_malformed_uuid_is_a_bad_request(demo, admin, query):
    response = admin.get(URL, query)
    assert response.status_code == 400
    assert "uuid" in response.json()["detail"]


def test_a_claim_prints_quickly(demo):
    claim = printing.printable_claim(demo.pk)
    printing.claim_pdf(claim)  # the definition read and the fonts loaded once
    started = time.perf_counter()
    for _ in range(5):
        assert printing.claim_pdf(claim).startswith(b"%PDF")
    assert (time.perf_counter() - started) / 5 < 1.0


def test_names_beyond_the_core_fonts_print_as_question_marks(demo):
    claim = printing.printable_claim(demo.pk)
    claim.insuree.last_name = "Ωmega 東"
    assert "?mega ?" in pdf_text(printing.claim_pdf(claim))


def test_attachment_download_refusals(demo, user_factory):
    url = "/api/claim/attach"
    assert Client().get(url, {"id": "00000000-0000-0000-0000-000000000000"}).status_code == 401
    nobody = logged_in(user_factory, "nobody", [CLAIM_PRINT])
    assert nobody.get(url, {"id": "00000000-0000-0000-0000-000000000000"}).status_code == 403
    searcher = logged_in(user_factory, "reader", [CLAIM_SEARCH])
    response = searcher.get(url, {"id": "not-a-uuid"})
    assert response.status_code == 400 and "detail" in response.json()


def test_an_attachment_file_is_downloaded_by_claim_readers_who_see_it(demo, admin, user_factory):
    content = b"%PDF-1.4 a scanned invoice"
    attached = attachments.create_attachment(User.objects.get(username=DEMO_LOGIN[0]), {
        "claim_uuid": demo.uuid, "title": "Invoice", "filename": "invoice.pdf",
        "document": base64.b64encode(content).decode()})
    url = "/api/claim/attach"
    response = admin.get(url, {"id": str(attached.id)})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="invoice.pdf"' in response["Content-Disposition"]
    reader = restricted_client(user_factory, "reader", district_of(demo), [CLAIM_SEARCH])
    response = reader.client.get(url, {"id": str(attached.id)})
    assert response.status_code == 200
    # read, not closed: closing a response ends the request, and Django then closes the database
    # connection of this test's transaction
    assert b"".join(response.streaming_content) == content
    elsewhere = Location.objects.current().filter(type="D").exclude(pk=district_of(demo).pk).first()
    far = restricted_client(user_factory, "far", elsewhere, [CLAIM_SEARCH])
    assert far.client.get(url, {"id": str(attached.id)}).status_code == 404
    assert admin.get(url, {"id": "00000000-0000-0000-0000-000000000000"}).status_code == 404
