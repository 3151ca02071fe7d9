"""The `control` query as the mobile enrolment app sends it (GetControls, before anyone logs in): the rows of
tblControls that the migration seeds, the 24.10 filters, the legacy import that replaces them, and its
SQL statement count."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from openimis.controls.legacy import TABLES
from openimis.controls.models import Control
from openimis.core.legacy_import.loader import load_tables
from openimis.testing.query_counts import Baselines, check_list

BASELINES = Baselines(Path(__file__).with_name("query_counts.json"))

# the query of the policies app (openimis-app-policies_android), read before the login
GET_CONTROLS = """
query GetControls {
  control {
    edges {
      node {
        name
        adjustability
        usage
      }
    }
  }
}
"""


def _nodes(result: dict) -> list[dict]:
    assert "errors" not in result, result
    return [edge["node"] for edge in result["data"]["control"]["edges"]]


def test_the_app_reads_the_seeded_controls_without_logging_in(gql):
    nodes = _nodes(gql(GET_CONTROLS))
    assert len(nodes) == 23
    assert nodes[0] == {"name": "BeneficiaryCard", "adjustability": "O", "usage": "Family, Insuree"}
    by_name = {node["name"]: node for node in nodes}
    assert by_name["ClaimAdministrator"] == {
        "name": "ClaimAdministrator", "adjustability": "M",
        "usage": "FindClaim, Claim, ClaimReview, ClaimFeedback"}
    assert by_name["Relationship"]["usage"] == "Insuree"
    assert [node["name"] for node in nodes] == sorted(by_name)


def test_filters_of_24_10(admin_gql):
    def names(arguments: str) -> list[str]:
        result = admin_gql(f"{{ control({arguments}) {{ totalCount edges {{ node {{ id name }} }} }} }}")
        return [node["name"] for node in _nodes(result)]

    assert names("adjustability: M") == ["ClaimAdministrator"]
    assert names('name_Istartswith: "fsp"') == ["FSP", "FSPCategory", "FSPDistrict"]
    assert names('name: "Poverty", usage_Icontains: "premium"') == ["Poverty"]
    assert names('usage: "Insuree"') == ["Relationship"]
    assert names("first: 2") == ["BeneficiaryCard", "ClaimAdministrator"]
    result = admin_gql('{ control(name: "FSP") { edges { node { id } } } }')
    assert base64.b64decode(_nodes(result)[0]["id"]).decode() == "ControlGQLType:FSP"


def test_control_str_searches_name_adjustability_and_usage(gql):
    def names(text: str) -> list[str]:
        result = gql(f'{{ controlStr(str: "{text}") {{ edges {{ node {{ name }} }} }} }}')
        assert "errors" not in result, result
        return [edge["node"]["name"] for edge in result["data"]["controlStr"]["edges"]]

    assert names("feedback") == ["ClaimAdministrator"]
    assert names("changefamily") == ["Confirmation", "ConfirmationNo", "FamilyType", "PermanentAddress",
                                     "Poverty"]
    assert names("guarantee") == ["GuaranteeNo"]
    assert len(names("")) == 23


def test_a_control_changed_by_the_installation_is_served_as_it_is(gql):
    Control.objects.filter(name="Education").update(adjustability="N")
    Control.objects.create(name="Vulnerability", adjustability="R", usage="Insuree")
    by_name = {node["name"]: node for node in _nodes(gql(GET_CONTROLS))}
    assert by_name["Education"]["adjustability"] == "N"
    assert by_name["Vulnerability"] == {"name": "Vulnerability", "adjustability": "R", "usage": "Insuree"}


def test_an_imported_database_replaces_the_seeded_controls(db, tmp_path):
    (tmp_path / "tblControls.csv").write_text(
        'FieldName,Adjustibility,Usage\nFSP,M,"Family, Insuree"\nPoverty,N,Family\n', encoding="utf-8")
    report = load_tables(tmp_path, TABLES)
    assert report.tables[0].current == 2
    assert sorted(Control.objects.values_list("name", "adjustability", "usage")) == [
        ("FSP", "M", "Family, Insuree"), ("Poverty", "N", "Family")]


@pytest.mark.django_db
def test_query_count(gql):
    Control.objects.all().delete()
    added = []

    def add_rows(count: int) -> None:
        for _ in range(count):
            added.append(Control.objects.create(name=f"Field{len(added):02d}", usage="Family"))

    check_list(BASELINES, "control", gql, GET_CONTROLS, add_rows, ["control", "edges"])
