"""`insureesExport`: the rows of an insurees search (same filters, same row security), the columns asked
for, in csv or xlsx, downloaded from `core/fetch_export` by whoever asked for it."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.test import Client

from openimis.insuree import exports, rights
from openimis.insuree.tests.helpers import add_member, create_family, places
from openimis.location.tests.helpers import restricted_client
from openimis.testing.client import PASSWORD, GraphQLClient

COLUMNS = json.dumps({"chfId": "Insurance number", "lastName": "Last name", "gender.code": "Gender"})


@pytest.fixture
def where(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return places()


def export_query(arguments: str = "", fields: str = '["chfId", "lastName", "gender.code"]') -> str:
    columns = json.dumps(COLUMNS)  # fe-core sends fieldsColumns as a JSON string
    extra = f", {arguments}" if arguments else ""
    return f"{{ insureesExport(fields: {fields}, fieldsColumns: {columns}{extra}) }}"


def download(client: GraphQLClient, token: str):
    return client.client.get(f"/api/core/fetch_export?export={token}")


def exported_rows(client: GraphQLClient, arguments: str = "") -> list[list[str]]:
    result = client(export_query(arguments))
    assert "errors" not in result, result
    response = download(client, result["data"]["insureesExport"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def family(where, admin_gql):
    family = create_family(admin_gql, where["villages"][0])
    add_member(admin_gql, family, "100000002", lastName="Otieno")
    return family


def test_export_has_the_columns_asked_for_and_the_filtered_rows(admin_gql, family):
    rows = exported_rows(admin_gql)
    assert rows[0] == ["Insurance number", "Last name", "Gender"]
    assert rows[1:] == [["100000001", "Mwangi", "F"], ["100000002", "Otieno", "M"]]
    assert exported_rows(admin_gql, 'lastName_Icontains: "otie"')[1:] == [["100000002", "Otieno", "M"]]
    assert exported_rows(admin_gql, 'orderBy: ["-chfId"]')[1][0] == "100000002"
    assert len(exported_rows(admin_gql, "status: AC, head: true")) == 2


def test_export_applies_row_security(admin_gql, family, user_factory, where):
    elsewhere = places("IX")
    create_family(admin_gql, elsewhere["villages"][0], chf_id="300000001")
    everything = exported_rows(admin_gql)
    assert [row[0] for row in everything[1:]] == ["100000001", "100000002", "300000001"]
    local = restricted_client(user_factory, "local", elsewhere["district"], [rights.INSUREE_SEARCH])
    assert [row[0] for row in exported_rows(local)[1:]] == ["300000001"]


def test_export_as_xlsx(admin_gql, family):
    result = admin_gql(export_query('fileFormat: "xlsx"'))
    response = download(admin_gql, result["data"]["insureesExport"])
    assert response.status_code == 200
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "Insurance number" in sheet and "Otieno" in sheet


def test_export_refuses_unknown_formats_fields_and_too_many_rows(admin_gql, family, monkeypatch):
    assert "not supported" in admin_gql(export_query('fileFormat: "pdf"'))["errors"][0]["message"]
    refused = admin_gql(export_query(fields='["family.headInsuree.photo.photo"]'))
    assert "Cannot export the field" in refused["errors"][0]["message"]
    refused = admin_gql(export_query(fields='["auditUserId__password"]'))
    assert "Cannot export the field" in refused["errors"][0]["message"]
    monkeypatch.setattr(exports, "max_rows", lambda: 1)
    assert "limited to 1 rows" in admin_gql(export_query())["errors"][0]["message"]


def test_export_needs_the_insuree_search_right(family, user_factory):
    user_factory("enquirer", [rights.INSUREE_ENQUIRE])
    client = GraphQLClient(Client())
    client.login("enquirer", PASSWORD)
    result = client(export_query())
    assert result["errors"][0]["message"] == "unauthorized"
    anonymous = GraphQLClient(Client())
    assert anonymous(export_query())["errors"]


def test_download_is_for_the_user_who_exported_or_insuree_searchers(admin_gql, family, user_factory):
    token = admin_gql(export_query())["data"]["insureesExport"]
    assert Client().get(f"/api/core/fetch_export?export={token}").status_code == 401
    user_factory("enquirer", [rights.INSUREE_ENQUIRE])
    enquirer = GraphQLClient(Client())
    enquirer.login("enquirer", PASSWORD)
    assert download(enquirer, token).status_code == 403
    user_factory("searcher", [rights.INSUREE_SEARCH])
    searcher = GraphQLClient(Client())
    searcher.login("searcher", PASSWORD)
    assert download(searcher, token).status_code == 200
    assert download(admin_gql, "0" * 32).status_code == 404
    assert download(admin_gql, "../../etc/passwd").status_code == 404
