"""customFilters: the advanced filters of a module's object type, as fe-core's `fetchCustomFilter` asks
them (`formatQuery("customFilters", params, ["type", "code", "possibleFilters {field, filter, type}"])`).

In openIMIS 24.10 the filters come from the custom filter wizards modules register; only the social
protection modules register any, so the insurance modules' object types have none."""

from __future__ import annotations

import json

import pytest

from openimis.testing.client import PASSWORD


def frontend_query(params: list[str]) -> str:
    """The text fe-core's formatQuery builds from the advanced-filter dialog's createParams."""
    return f"""
    {{
      customFilters({",".join(params)})
      {{
        type,code,possibleFilters {{field, filter, type}}
      }}
    }}"""


def params(module_name, object_type_name, uuid_of_object=None, additional_params=None) -> list[str]:
    """createParams of the advanced-filter dialog: additionalParams JSON.stringify-ed twice."""
    result = [f'moduleName: "{module_name}"', f'objectTypeName: "{object_type_name}"']
    if uuid_of_object:
        result.append(f'uuidOfObject: "{uuid_of_object}"')
    if additional_params:
        result.append(f"additionalParams: {json.dumps(json.dumps(additional_params))}")
    return result


@pytest.fixture
def plain_gql(gql, plain_user):
    assert "errors" not in gql.login("plain", PASSWORD)
    return gql


@pytest.mark.parametrize(("module_name", "object_type_name"), [
    ("insuree", "Insuree"), ("insuree", "Family"), ("policy", "Policy"), ("claim", "Claim"),
    ("social_protection", "Beneficiary"),  # a module this program does not have
])
def test_the_answer_names_the_module_and_type_and_has_no_filter(plain_gql, module_name, object_type_name):
    result = plain_gql(frontend_query(params(module_name, object_type_name)))
    assert result == {"data": {"customFilters": {
        "type": object_type_name, "code": module_name, "possibleFilters": []}}}, result


def test_the_object_and_additional_parameters_are_accepted(plain_gql):
    query = frontend_query(params("individual", "Individual", "6f1c5c3e-9a43-4c1e-8a55-0d6c1f7c2b11",
                                  {"benefitPlan": "x", "status": "POTENTIAL"}))
    result = plain_gql(query)
    assert result == {"data": {"customFilters": {
        "type": "Individual", "code": "individual", "possibleFilters": []}}}, result


def test_every_field_of_the_type_can_be_selected(plain_gql):
    result = plain_gql('{ customFilters(moduleName: "insuree", objectTypeName: "Insuree") '
                       "{ objectClassName code type possibleFilters { field filter type } } }")
    assert result == {"data": {"customFilters": {
        "objectClassName": None, "code": "insuree", "type": "Insuree", "possibleFilters": []}}}, result


def test_the_module_and_type_are_required(plain_gql):
    result = plain_gql('{ customFilters(moduleName: "insuree") { type } }')
    assert "data" not in result or result["data"] is None, result
    assert any("objectTypeName" in error["message"] for error in result["errors"]), result


def test_an_anonymous_caller_is_refused(gql):
    result = gql(frontend_query(params("insuree", "Insuree")))
    assert [error["message"] for error in result["errors"]] == ["unauthorized"], result
