"""Helpers of the payer tests (no tests here): places, and the operations the frontend sends (fe-payer
1.7, hook style: queries and mutations with variables), written as its hooks write them."""

from __future__ import annotations

import uuid

from openimis.core.models import MutationLog
from openimis.location.models import Location
from openimis.payer.models import Funding, Payer, PayerMutation

# usePayersQuery (the payers page and the payer picker), with its default fragment (one long line of
# arguments broken in two)
PAYERS_QUERY = """
  query usePayersQuery (
    $first: Int, $last: Int, $before: String, $after: String, $phone: String, $name: String,
    $email: String, $location: Int, $showHistory: Boolean, $search: String, $type: String,
    ) {
    payers (
      first: $first, last: $last, before: $before, after: $after, phone_Icontains: $phone,
      showHistory: $showHistory, type: $type
      name_Icontains: $name, location: $location, email_Icontains: $email, search: $search
      ) {
      edges {
        node {
          id
          uuid
          ...PayerFragment
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      totalCount
    }
  }

  fragment PayerFragment on PayerGQLType {
    id
    uuid
    name
    email
    phone
    type
    address
    location {id name uuid code parent {id name uuid code}}
    validityFrom
    validityTo
  }
"""

# usePayerQuery (the payer page), with its default fragment
PAYER_QUERY = """
    query usePayerQuery ($uuid: UUID) {
      payer(uuid: $uuid) {
        uuid
        ...PayerFragment
      }
    }

  fragment PayerFragment on PayerGQLType {
    id
    name
    phone
    fax
    email
    type
    location {id uuid name code parent {id uuid name code}}
    address
    validityFrom
    validityTo
  }
"""

# usePayerFundingsQuery (the fundings panel of the payer page)
PAYER_FUNDINGS_QUERY = """
  query usePayerFundingsQuery (
    $first: Int, $last: Int, $before: String, $after: String, $payerId: UUID!
    ) {
    payer (uuid: $payerId) {
      fundings (first: $first, last: $last, before: $before, after: $after) {
        edges {
          node {
            uuid
            amount
            payDate
            product {
              name
            }
            receipt
          }
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
        totalCount
      }
    }
  }
"""

MUTATIONS = {
    "createPayer": """
    mutation usePayerCreateMutation($input: CreatePayerMutationInput!) {
      createPayer(input: $input) {
        internalId
        clientMutationId
      }
    }
  """,
    "updatePayer": """
    mutation usePayerUpdateMutation($input: UpdatePayerMutationInput!) {
      updatePayer(input: $input) {
        internalId
        clientMutationId
      }
    }
  """,
    "deletePayer": """
    mutation usePayerDeleteMutation($input: DeletePayerMutationInput!) {
      deletePayer(input: $input) {
        internalId
        clientMutationId
      }
    }
  """,
    # useAddFundingMutation (the Add Funding dialog of the fundings panel)
    "addFunding": """
    mutation useAddFundingMutation($input: AddFundingMutationInput!) {
      addFunding(input: $input) {
        internalId
        clientMutationId
      }
    }
  """,
}


def places() -> dict[str, Location]:
    region = Location.objects.create(code="PY1", name="Payer Region", type="R")
    district = Location.objects.create(code="PY1D1", name="Payer District", type="D", parent=region)
    municipality = Location.objects.create(code="PY1D1M", name="Payer Ward", type="W", parent=district)
    village = Location.objects.create(code="PY1D1MV", name="Payer Village", type="V", parent=municipality)
    other_region = Location.objects.create(code="PY2", name="Other Region", type="R")
    other_district = Location.objects.create(code="PY2D1", name="Other District", type="D",
                                             parent=other_region)
    return {"region": region, "district": district, "village": village, "other_region": other_region,
            "other_district": other_district}


def payer_input(location: Location, **overrides) -> dict:
    """What the payer page sends for a new payer (`toInputValues` of fe-payer)."""
    values = {"name": "Health Fund", "locationUuid": location.uuid, "type": "G", "address": "1 Main Street",
              "fax": "555-0101", "email": "fund@example.org", "phone": "555-0100"}
    values.update(overrides)
    return values


def send(gql, name: str, values: dict, label: str | None = None) -> str:
    """Send a payer mutation as the frontend does (variables, clientMutationId added); return its id."""
    client_mutation_id = str(uuid.uuid4())
    result = gql(MUTATIONS[name], {"input": {**values, "clientMutationId": client_mutation_id,
                                             "clientMutationLabel": label or name}})
    assert "errors" not in result, result
    assert result["data"][name]["clientMutationId"] == client_mutation_id
    assert result["data"][name]["internalId"]
    return client_mutation_id


def status_of(client_mutation_id: str) -> int:
    return MutationLog.objects.get(client_mutation_id=client_mutation_id).status


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Payer, PayerMutation, Funding)}
