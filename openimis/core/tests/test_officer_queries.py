"""substitutionEnrolmentOfficers: the officers the user form offers as an officer's substitute (fe-admin
`SubstitutionEnrolmentOfficerPicker`), with the rights and rows of enrolmentOfficers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from openimis.core import rights as core_rights
from openimis.core.models import Officer
from openimis.core.tests.helpers import make_locations
from openimis.location.models import OfficerVillage
from openimis.testing.client import PASSWORD

# the operation exactly as fe-admin sends it (fetchSubstitutionEnrolmentOfficers)
SUBSTITUTES = """
      query SubstitutionEnrolmentOfficers ($str: String, $villagesUuids: [String!], $officerUuid: String) {
        substitutionEnrolmentOfficers(str: $str, villagesUuids: $villagesUuids, officerUuid: $officerUuid) {
          edges {
            node {
              id
              uuid
              code
              lastName
              otherNames
            }
          }
        }
      }
    """


def make_officer(code: str, villages, ended_villages=(), **fields) -> Officer:
    officer = Officer.objects.create(code=code, last_name=f"Last {code}", other_names=f"Other {code}",
                                     **fields)
    for village in villages:
        OfficerVillage.objects.create(officer=officer, location=village)
    for village in ended_villages:
        OfficerVillage.objects.create(officer=officer, location=village, validity_to=timezone.now())
    return officer


@pytest.fixture
def officers(db):
    places = make_locations()
    v1, v2 = places["villages"]
    return {
        "places": places,
        "v1": v1,
        "v2": v2,
        "a": make_officer("EOA", [v1, v2]),
        "b": make_officer("EOB", [v1, v2], email="b@example.org"),
        "c": make_officer("EOC", [v1]),
        "ended": make_officer("EOD", [v1, v2], validity_to=timezone.now()),
        "left_v2": make_officer("EOE", [v1], ended_villages=[v2]),
    }


def codes(result: dict) -> list[str]:
    assert "errors" not in result, result
    return sorted(edge["node"]["code"] for edge in result["data"]["substitutionEnrolmentOfficers"]["edges"])


def test_substitutes_serve_every_village_of_the_officer(admin_gql, officers):
    variables = {"str": "", "villagesUuids": [officers["v1"].uuid, officers["v2"].uuid],
                 "officerUuid": officers["a"].uuid}
    result = admin_gql(SUBSTITUTES, variables)
    assert codes(result) == ["EOB"]
    node = result["data"]["substitutionEnrolmentOfficers"]["edges"][0]["node"]
    assert node["uuid"] == officers["b"].uuid
    assert node["lastName"] == "Last EOB" and node["otherNames"] == "Other EOB" and node["id"]


def test_one_village_finds_every_current_officer_serving_it(admin_gql, officers):
    variables = {"villagesUuids": [officers["v1"].uuid], "officerUuid": officers["a"].uuid}
    result = admin_gql(SUBSTITUTES, variables)
    assert codes(result) == ["EOB", "EOC", "EOE"]


def test_a_new_officer_has_no_uuid_yet(admin_gql, officers):
    result = admin_gql(SUBSTITUTES, {"villagesUuids": [officers["v2"].uuid], "officerUuid": None})
    assert codes(result) == ["EOA", "EOB"]


@pytest.mark.parametrize(("text", "expected"), [("EOC", ["EOC"]), ("last eob", ["EOB"]),
                                                 ("b@", ["EOB"]), ("OB", [])])
def test_the_text_matches_the_start_of_code_names_or_email(admin_gql, officers, text, expected):
    variables = {"str": text, "villagesUuids": [officers["v1"].uuid], "officerUuid": officers["a"].uuid}
    assert codes(admin_gql(SUBSTITUTES, variables)) == expected


@pytest.mark.parametrize("villages", [None, []])
def test_no_village_finds_nobody(admin_gql, officers, villages):
    assert codes(admin_gql(SUBSTITUTES, {"villagesUuids": villages, "officerUuid": officers["a"].uuid})) == []


def test_an_unknown_village_finds_nobody(admin_gql, officers):
    variables = {"villagesUuids": [officers["v1"].uuid, "00000000-0000-0000-0000-000000000000"]}
    assert codes(admin_gql(SUBSTITUTES, variables)) == []


@pytest.mark.parametrize("right", [core_rights.ENROLMENT_OFFICER_SEARCH, core_rights.USER_SEARCH])
def test_the_rights_of_enrolment_officers_open_it(gql, user_factory, officers, right):
    user_factory("picker", [right])
    assert "errors" not in gql.login("picker", PASSWORD)
    assert codes(gql(SUBSTITUTES, {"villagesUuids": [officers["v2"].uuid]})) == ["EOA", "EOB"]


def test_other_rights_do_not_open_it(gql, user_factory, officers):
    user_factory("clerk", [101001])
    assert "errors" not in gql.login("clerk", PASSWORD)
    result = gql(SUBSTITUTES, {"villagesUuids": [officers["v2"].uuid]})
    assert [error["message"] for error in result["errors"]] == ["unauthorized"], result
