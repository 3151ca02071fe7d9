"""What the API fuzz test (tests/fuzz) found, kept as regression tests of the shared layer: a mutation
input's list holding null, an empty uuid in a mutation on a list of uuids."""

from __future__ import annotations

import json

from openimis.core.models import MutationLog, Role

CREATE_ROLE = """mutation($input: CreateRoleMutationInput!) {
  createRole(input: $input) { clientMutationId internalId }
}"""
DELETE_USER = """mutation($input: DeleteUserMutationInput!) {
  deleteUser(input: $input) { clientMutationId internalId }
}"""


def test_a_list_holding_null_in_a_mutation_input_is_refused_before_anything_is_written(admin_gql):
    roles, logs = Role.objects.count(), MutationLog.objects.count()
    body = admin_gql(CREATE_ROLE, {"input": {"clientMutationId": "n1", "name": "Cashier", "isSystem": False,
                                             "isBlocked": False, "rightsId": [101301, None]}})
    assert body["errors"][0]["message"] == "Argument input.rightsId is a list holding null"
    assert body["data"] == {"createRole": None}
    assert (Role.objects.count(), MutationLog.objects.count()) == (roles, logs)
    inline = admin_gql('mutation { createRole(input: {name: "C", isSystem: false, isBlocked: false, '
                       "clientMutationDetails: [null]}) { internalId } }")
    assert inline["errors"][0]["message"] == "Argument input.clientMutationDetails is a list holding null"


def test_an_empty_list_and_a_list_without_null_pass(admin_gql):
    body = admin_gql(CREATE_ROLE, {"input": {"clientMutationId": "n2", "name": "Cashier", "isSystem": False,
                                             "isBlocked": False, "rightsId": []}})
    assert "errors" not in body, body
    assert MutationLog.objects.get(id=body["data"]["createRole"]["internalId"]).status == MutationLog.SUCCESS


def test_an_empty_uuid_in_a_list_of_uuids_is_not_a_valid_id(admin_gql):
    body = admin_gql(DELETE_USER, {"input": {"clientMutationId": "n3", "uuids": [""]}})
    assert "errors" not in body, body
    log = MutationLog.objects.get(id=body["data"]["deleteUser"]["internalId"])
    assert log.status == MutationLog.ERROR
    assert json.loads(log.error)[0]["message"] == '"" is not a valid id'


def test_parsed_documents_kept_are_bounded_by_the_length_of_their_texts():
    """Distinct large queries (the fuzzer's inline literals) grew the server: 512 parsed documents of any
    size were kept. Now the texts kept add up to at most CACHED_CHARACTERS and a very long one is not
    kept at all."""
    from openimis.graphql import validation
    from openimis.graphql.limits import limit_rules
    from openimis.graphql.schema import schema

    prepare = validation.preparer(schema, limit_rules(15, 30), 20_000)
    small = "{ languages { code } }"
    assert prepare(small) is prepare(small)  # kept: parsed and validated once
    for number in range(200):
        prepare("{ __typename " + "__typename " * 1_500 + f"}} # {number}")
    assert prepare.cache.characters <= validation.CACHED_CHARACTERS
    assert 0 < len(prepare.cache) < 200
    too_long = "{ __typename " + " " * validation.CACHEABLE_QUERY_LENGTH + "}"
    assert prepare(too_long).errors == () and prepare(too_long) is not prepare(too_long)


def test_a_malformed_payer_id_finds_no_premium(admin_gql):
    """`premiums(payerId: "000A")`: base64 of bytes that are not UTF-8 answered "'utf-8' codec can't
    decode byte 0xd3 ..."."""
    for payer_id in ("000A", "!!!", "9" * 40, "UGF5ZXJHUUxUeXBlOmFiYw=="):
        body = admin_gql("query($p: ID) { premiums(payerId: $p) { totalCount } }", {"p": payer_id})
        assert body == {"data": {"premiums": {"totalCount": 0}}}, (payer_id, body)


def test_an_exception_a_resolver_did_not_mean_is_an_internal_error_without_python_text(admin_gql,
                                                                                        monkeypatch, caplog):
    from openimis.contribution.gql import queries

    def broken(value):
        raise ValueError("'utf-8' codec can't decode byte 0xd3 in position 0")

    monkeypatch.setattr(queries, "_pk", broken)
    body = admin_gql('{ premiums(payerId: "x") { totalCount } }')
    assert body["errors"][0]["message"] == "Internal error: premiums could not be answered"
    assert "codec" not in str(body)
    assert "codec can't decode" in caplog.text  # the detail is in the server's log


def test_graphene_keeps_its_message_for_a_malformed_node_id(admin_gql):
    body = admin_gql('{ node(id: "YXJyYXljb25uZWN0aW9uOjU=") { id } }')
    assert body["errors"][0]["message"] == 'Relay Node "arrayconnection" not found in schema'


def test_a_malformed_uuid_is_refused_without_python_words(admin_gql):
    """The UUID scalar answered "... invalid literal for int() with base 16: ..."."""
    malformed = "00000000-0000-0000-0000-00000000000g"
    inline = admin_gql(f'{{ payer(uuid: "{malformed}") {{ id }} }}')
    assert inline["errors"][0]["message"].endswith("Not a valid UUID value"), inline
    variable = admin_gql("query($u: UUID) { payer(uuid: $u) { id } }", {"u": malformed})
    assert "invalid literal" not in variable["errors"][0]["message"], variable
