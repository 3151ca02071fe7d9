"""Helpers of the location tests: two small location trees, health facilities, the frontend's operations.

The operation texts are the ones fe-location 1.8 builds (fe-graphql-operations.md, section 7; the
package's `actions.js` and pickers), with the same inline literals, so that the tests prove the
frontend's requests validate against our schema and get the shapes it reads.
"""

from __future__ import annotations

import base64
import datetime
import json
import uuid

from django.test import Client

from openimis.core.models import MutationLog
from openimis.location.models import (
    HealthFacility,
    HealthFacilityCatchment,
    Location,
    LocationMutation,
    OfficerVillage,
    UserDistrict,
)
from openimis.medical_pricelist.models import ItemsPricelist, ServicesPricelist
from openimis.testing.client import PASSWORD, GraphQLClient

PAGE_INFO = "pageInfo { hasNextPage, hasPreviousPage, startCursor, endCursor}"
LOCATION_SUMMARY = "id,uuid,code,name,type"


def relay_id(type_name: str, pk) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def nest_parents(level: int) -> str:
    """fe-location's `nestParentsProjections(level)`."""
    return f"parent{{{LOCATION_SUMMARY}{'' if level == 0 else ',' + nest_parents(level - 1)}}}"


def page_query(entity: str, filters: list[str], projections: list[str], with_count: bool = False) -> str:
    """fe-core's `formatPageQuery` / `formatPageQueryWithCount`."""
    arguments = f"({','.join(filters)})" if filters else ""
    count = "totalCount\n" if with_count else ""
    return (
        f"{{ {entity}{arguments} {{ {count}{PAGE_INFO} edges {{ node {{ {','.join(projections)} }} }} }} }}"
    )


# --- the queries of fe-location (actions.js) --------------------------------------------------

LOCATIONS_PAGE_FIELDS = [
    "id",
    "uuid",
    "type",
    "code",
    "name",
    "malePopulation",
    "femalePopulation",
    "otherPopulation",
    "families",
    "clientMutationId",
]


def fetch_locations(location_type: str, parent_uuid: str | None = None) -> str:
    filters = [f'\n    type: "{location_type}",\n    orderBy: "code"\n  ']
    if parent_uuid:
        filters.append(f'parent_Uuid: "{parent_uuid}"')
    return page_query("locations", filters, LOCATIONS_PAGE_FIELDS)


def fetch_locations_str(
    level: int, text: str = "", parent_uuid: str | None = None, extra_filter: str | None = None
) -> str:
    types = ["R", "D", "W", "V"]
    filters = [f'type: "{types[level]}"', f'str: "{text}"']
    if parent_uuid:
        filters.append(f'parent_Uuid: "{parent_uuid}"')
    elif extra_filter:
        filters.append(extra_filter)
    return page_query("locationsStr", filters, ["id", "uuid", "type", "code", "name", nest_parents(level)])


def fetch_parent_locations_str(level: int, parent_uuids: list[str], text: str = "", first: int = 20) -> str:
    types = ["R", "D", "W", "V"]
    filters = [
        f'type: "{types[level]}"',
        f'str: "{text}"',
        f"first: {first}",
        'parent_Uuid_In: ["' + '", "'.join(parent_uuids) + '"]',
    ]
    return page_query("locationsStr", filters, ["id", "uuid", "type", "code", "name", nest_parents(level)])


def fetch_locations_by_uuids(uuids: list[str]) -> str:
    joined = ",".join(f'"{value}"' for value in uuids)
    return page_query(
        "locationsStr", [f"uuid_In: [{joined}]"], ["id", "uuid", "type", "code", "name", nest_parents(3)]
    )


def fetch_available_locations(level: int) -> str:
    types = ["R", "D", "W", "V"]
    return page_query(
        "locationsAll",
        [f'type: "{types[level]}"'],
        ["id", "uuid", "type", "code", "name", nest_parents(level)],
    )


FETCH_ALL_REGIONS = page_query("locations", ['type: "R"'], ["id", "uuid", "code", "name"])
USER_DISTRICTS = "{ userDistricts { id,uuid,code,name,parent{id, uuid, code, name} } }"

HEALTH_FACILITY_SEARCHER_FIELDS = [
    "id",
    "uuid",
    "code",
    "accCode",
    "name",
    "careType",
    "phone",
    "fax",
    "email",
    "level",
    "legalForm{code}",
    "location{code,name, parent{code, name}}",
    "validityFrom",
    "validityTo",
    "clientMutationId",
]
HEALTH_FACILITY_FORM_FIELDS = [
    "id",
    "uuid",
    "code",
    "accCode",
    "name",
    "careType",
    "address",
    "phone",
    "fax",
    "email",
    "legalForm{code}",
    "level",
    "subLevel{code}",
    "location{id, uuid, code, name, parent{id, uuid, code, name}}",
    "servicesPricelist{id, uuid, name}",
    "itemsPricelist{id, uuid, name}",
    "catchments{id, location{id, uuid, code, name}, catchment}",
    "contractStartDate",
    "contractEndDate",
    "status",
    "validityFrom",
    "validityTo",
]
HEALTH_FACILITY_PICKER_FIELDS = [
    "id",
    "uuid",
    "code",
    "name",
    "level",
    "servicesPricelist{id, uuid}",
    "itemsPricelist{id, uuid}",
    "contractStartDate",
    "contractEndDate",
    f"location{{{LOCATION_SUMMARY}, parent{{{LOCATION_SUMMARY}}}}}",
]


def fetch_health_facility_summaries(filters: list[str]) -> str:
    return page_query("healthFacilities", filters, HEALTH_FACILITY_SEARCHER_FIELDS, with_count=True)


def fetch_health_facility(uuid_value: str | None = None, code: str | None = None) -> str:
    filters = [f'uuid: "{uuid_value}"' if uuid_value else f'code: "{code}"', "showHistory: true"]
    return page_query("healthFacilities", filters, HEALTH_FACILITY_FORM_FIELDS)


def fetch_health_facility_full_path(pk: int) -> str:
    return page_query(
        "healthFacilities", [f'id: "{relay_id("HealthFacilityGQLType", pk)}"'], HEALTH_FACILITY_PICKER_FIELDS
    )


HEALTH_FACILITY_PICKER = """
    query HealthFacilityPicker ($str: String, $region: String, $district: [String], $level: String) {
      healthFacilities: healthFacilitiesStr(first: 20, str: $str, regionUuid: $region, """ + \
    """districtsUuids: $district, level: $level) {
        edges {
          node {
            id
            uuid
            code
            name
            level
            servicesPricelist{id, uuid}
            itemsPricelist{id, uuid}
            location {id,uuid,code,name,type parent { id,uuid,code,name,type }}
          }
        }
      }
    }
  """
HEALTH_FACILITY_REFER_PICKER = """
    query HealthFacilityReferPicker ($str: String, $level: String) {
      healthFacilities: healthFacilitiesStr(first: 20, str: $str, level: $level) {
        edges { node { id uuid code name } }
      }
    }
  """
VALIDATE_HEALTH_FACILITY_CODE = """
      query ($healthFacilityCode: String!) {
        isValid: validateHealthFacilityCode(healthFacilityCode: $healthFacilityCode)
      }
    """
VALIDATE_LOCATION_CODE = """
    query ($locationCode: String!) {
      isValid: validateLocationCode(locationCode: $locationCode)
 }
    """


# --- the mutations of fe-location (formatMutation with inline input) --------------------------


def fe_mutation(name: str, input_text: str, client_mutation_id: str | None = None) -> tuple[str, str]:
    """fe-core's `formatMutation`: the operation and its clientMutationId."""
    client_mutation_id = client_mutation_id or str(uuid.uuid4())
    text = (
        f'mutation {{ {name}(input: {{ clientMutationId: "{client_mutation_id}" '
        f'clientMutationLabel: "{name} from the tests" {input_text} }}) '
        f"{{ clientMutationId internalId }} }}"
    )
    return text, client_mutation_id


def location_input(
    code: str,
    name: str,
    location_type: str,
    parent_uuid: str | None = None,
    location_uuid: str | None = None,
    **populations,
) -> str:
    """fe-location's `formatLocationGQL` (populations left out when falsy, like the frontend does)."""
    lines = [
        f'uuid: "{location_uuid}"' if location_uuid else "",
        f'code: "{code}"',
        f'name: "{name}"',
        f'parentUuid: "{parent_uuid}"' if parent_uuid else "",
    ]
    for key in ("malePopulation", "femalePopulation", "otherPopulation", "families"):
        if populations.get(key):
            lines.append(f"{key}: {populations[key]}")
    lines.append(f'type: "{location_type}"')
    return "\n    ".join(lines)


def health_facility_input(
    code: str,
    name: str,
    location_id: int,
    *,
    facility_uuid: str | None = None,
    level: str = "H",
    legal_form: str = "G",
    care_type: str = "B",
    catchments: list[tuple[int | None, int, int]] | None = None,
    **optional,
) -> str:
    """fe-location's `formatHealthFacilityGQL`. `catchments`: (catchment row id or None, village id, %)."""
    lines = [
        f'uuid: "{facility_uuid}"' if facility_uuid else "",
        f'code: "{code}"',
        f'name: "{name}"',
        f"locationId: {location_id}",
        f'level: "{level}"',
        f'legalFormId: "{legal_form}"',
        f'careType: "{care_type}"',
    ]
    for key in ("accCode", "subLevelId", "address", "phone", "fax", "email"):
        if optional.get(key):
            lines.append(f'{key}: "{optional[key]}"')
    for key in ("servicesPricelistId", "itemsPricelistId"):
        if optional.get(key):
            lines.append(f"{key}: {optional[key]}")
    for key in ("contractStartDate", "contractEndDate", "status"):
        if optional.get(key):
            lines.append(f'{key}: "{optional[key]}"')
    if catchments:
        rows = [
            f"{{\n    {f'id: {row_id}' if row_id else ''}\n    locationId: {village_id}\n    "
            f"catchment: {percent}\n  }}"
            for row_id, village_id, percent in catchments
        ]
        lines.append("catchments: [\n    " + "\n".join(rows) + "\n  ]")
    return "\n    ".join(lines)


def run_mutation(client, name: str, input_text: str) -> MutationLog:
    """Send a frontend-style mutation; return its (finished) mutation log."""
    text, client_mutation_id = fe_mutation(name, input_text)
    result = client(text)
    assert "errors" not in result, result
    assert result["data"][name]["clientMutationId"] == client_mutation_id
    return MutationLog.objects.get(client_mutation_id=client_mutation_id)


def assert_success(log: MutationLog) -> None:
    assert log.status == MutationLog.SUCCESS, log.error


def error_of(log: MutationLog) -> str:
    assert log.status == MutationLog.ERROR, (log.status, log.error)
    errors = json.loads(log.error)
    assert isinstance(errors, list) and errors and errors[0]["message"]
    return json.dumps(errors)


# --- data ------------------------------------------------------------------------------------


def make_tree(prefix: str, name: str) -> dict:
    """A region, its district, a municipality and two villages, created as ORM rows."""
    region = Location.objects.create(code=prefix, name=f"{name} region", type="R")
    district = Location.objects.create(code=f"{prefix}D", name=f"{name} district", type="D", parent=region)
    municipality = Location.objects.create(
        code=f"{prefix}DM", name=f"{name} municipality", type="W", parent=district
    )
    villages = [
        Location.objects.create(
            code=f"{prefix}DMV{n}", name=f"{name} village {n}", type="V", parent=municipality
        )
        for n in (1, 2)
    ]
    return {"region": region, "district": district, "municipality": municipality, "villages": villages}


def make_facility(code: str, district: Location, village: Location | None = None, **fields) -> HealthFacility:
    values = {"name": f"Facility {code}", "legal_form_id": "G", "level": "H", "care_type": "B"}
    values.update(fields)
    facility = HealthFacility.objects.create(code=code, location=district, **values)
    if village is not None:
        HealthFacilityCatchment.objects.create(health_facility=facility, location=village, catchment=50)
    return facility


def make_price_lists(region: Location, suffix: str = "") -> tuple[ServicesPricelist, ItemsPricelist]:
    """Two lists of the region; a second pair needs a `suffix` (names are unique among current lists)."""
    return (
        ServicesPricelist.objects.create(
            name=f"Services 2024{suffix}", location=region, pricelist_date=datetime.date(2024, 1, 1)
        ),
        ItemsPricelist.objects.create(
            name=f"Items 2024{suffix}", location=region, pricelist_date=datetime.date(2024, 1, 1)
        ),
    )


def location_row_counts() -> dict[str, int]:
    """Every row (current and history) of the tables the location mutations write."""
    models = (
        Location,
        HealthFacility,
        HealthFacilityCatchment,
        UserDistrict,
        OfficerVillage,
        LocationMutation,
    )
    return {model.__name__: model.objects.count() for model in models}


def nodes(result: dict, root: str) -> list[dict]:
    assert "errors" not in result, result
    return [edge["node"] for edge in result["data"][root]["edges"]]


def restricted_client(
    user_factory, username: str, district: Location, rights_list: list[int]
) -> GraphQLClient:
    """A logged-in user (not an administrator) holding `rights_list`, assigned to one district only."""
    user = user_factory(username, rights_list)
    UserDistrict.objects.create(user_id=user.i_user_id, location=district)
    client = GraphQLClient(Client())
    assert "errors" not in client.login(username, PASSWORD)
    return client
