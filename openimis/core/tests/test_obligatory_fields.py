"""userObligatoryFields and eoObligatoryFields: the field controls the user form reads (fe-admin
`fetchObligatoryUserFields` / `fetchObligatoryEnrolmentOfficerFields`), from the core configuration."""

from __future__ import annotations

import json

import pytest

from openimis.core.models import ModuleConfiguration
from openimis.testing.client import PASSWORD

# the operations exactly as fe-admin sends them (both named userObligatoryFields)
USER_FIELDS = "query userObligatoryFields {userObligatoryFields}"
EO_FIELDS = "query userObligatoryFields {eoObligatoryFields}"


@pytest.fixture
def plain_gql(gql, plain_user):
    assert "errors" not in gql.login("plain", PASSWORD)
    return gql


@pytest.mark.parametrize(("query", "field"), [(USER_FIELDS, "userObligatoryFields"),
                                              (EO_FIELDS, "eoObligatoryFields")])
def test_a_fresh_install_makes_no_field_mandatory(plain_gql, query, field):
    """openIMIS ships `fields_controls_user` and `fields_controls_eo` empty: the form reads
    `obligatory_user_fields?.phone === "M"`, so every field stays optional."""
    result = plain_gql(query)
    assert result == {"data": {field: {}}}, result


def test_the_stored_core_configuration_is_answered(plain_gql):
    controls = {"email": "M", "phone": "M"}
    ModuleConfiguration.objects.create(module="core", layer="be", config=json.dumps(
        {"fields_controls_user": controls, "fields_controls_eo": {"phone": "M"}}))

    assert plain_gql(USER_FIELDS) == {"data": {"userObligatoryFields": controls}}
    assert plain_gql(EO_FIELDS) == {"data": {"eoObligatoryFields": {"phone": "M"}}}


def test_the_answer_cannot_change_the_defaults(plain_gql):
    from openimis.core import selectors

    selectors.user_obligatory_fields()["phone"] = "M"
    assert plain_gql(USER_FIELDS) == {"data": {"userObligatoryFields": {}}}


@pytest.mark.parametrize("query", [USER_FIELDS, EO_FIELDS])
def test_an_anonymous_caller_is_refused(gql, query):
    result = gql(query)
    assert [error["message"] for error in result["errors"]] == ["unauthorized"], result
