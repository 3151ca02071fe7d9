"""The mutation protocol: the log row (0 received, 1 error, 2 success), what it stores, who sees it,
and the Celery hand-off."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from openimis.core import services, tasks
from openimis.core.errors import ValidationFailed
from openimis.core.models import MutationLog, Role
from openimis.core.tests.helpers import Enum, errors_of, log_of, mutate, row_counts
from openimis.graphql.mutations import OpenIMISMutation, to_json_data
from openimis.testing.client import GraphQLClient


def create_role(client, client_mutation_id: str, name: str = "Cashier", **extra) -> dict:
    return mutate(client, "createRole", {"name": name, "isSystem": False, "isBlocked": False,
                                         "rightsId": [101301], **extra}, client_mutation_id)


def test_success_log(admin_gql, admin_user):
    payload = create_role(admin_gql, "m1", clientMutationDetails=["one", "two"])
    log = MutationLog.objects.get(id=payload["internalId"])
    assert log.status == MutationLog.SUCCESS and log.error is None
    assert log.user_id == admin_user.pk
    assert json.loads(log.client_mutation_details) == ["one", "two"]
    content = json.loads(log.json_content)
    assert content["name"] == "Cashier" and content["rights_id"] == [101301]
    result = admin_gql('{ mutationLogs(clientMutationId: "m1") { edges { node { id status error '
                       'clientMutationId clientMutationLabel clientMutationDetails requestDateTime '
                       'user { username } } } } }')
    node = result["data"]["mutationLogs"]["edges"][0]["node"]
    assert node["status"] == 2 and node["error"] is None and node["user"] == {"username": "Admin"}
    assert node["clientMutationLabel"] == "createRole m1"


def test_status_stays_received_until_the_work_runs(admin_gql, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "run_mutation", lambda *args: calls.append(args))
    payload = create_role(admin_gql, "queued")
    log = MutationLog.objects.get(id=payload["internalId"])
    assert log.status == MutationLog.RECEIVED
    assert not Role.objects.filter(name="Cashier").exists()
    name, log_id, user_id, data = calls[0]
    assert name == "CreateRoleMutation" and log_id == log.id
    json.dumps(data)  # what a worker receives is plain JSON
    assert tasks.execute_mutation(name, log_id, user_id, data) == MutationLog.SUCCESS
    assert log_of("queued").status == MutationLog.SUCCESS
    assert Role.objects.current().filter(name="Cashier").exists()


def test_error_log_shape(admin_gql):
    before = row_counts()
    create_role(admin_gql, "bad", name="")
    errors = errors_of("bad")
    assert errors == [{"message": "Role name is mandatory", "detail": ""}]
    assert row_counts() == before
    node = admin_gql('{ mutationLogs(clientMutationId: "bad") { edges { node { status error } } } }')
    node = node["data"]["mutationLogs"]["edges"][0]["node"]
    assert node["status"] == 1 and json.loads(node["error"]) == errors


def test_status_filter_and_order(admin_gql):
    create_role(admin_gql, "a", name="A")
    create_role(admin_gql, "b", name="")
    create_role(admin_gql, "c", name="C")
    failed = admin_gql("{ mutationLogs(status: 1) { totalCount edges { node { clientMutationId } } } }")
    assert [edge["node"]["clientMutationId"] for edge in failed["data"]["mutationLogs"]["edges"]] == ["b"]
    ordered = admin_gql('{ mutationLogs(orderBy: "-request_date_time") '
                        '{ edges { node { clientMutationId } } } }')
    ids = [edge["node"]["clientMutationId"] for edge in ordered["data"]["mutationLogs"]["edges"]]
    assert ids[:3] == ["c", "b", "a"]


def test_logs_are_private_to_their_author(admin_gql, user_factory):
    create_role(admin_gql, "admin-log")
    user_factory("clerk", [122002])
    clerk = GraphQLClient(Client())
    assert "errors" not in clerk.login("clerk", "Secret123")
    create_role(clerk, "clerk-log", name="Clerk made")
    mine = clerk("{ mutationLogs { edges { node { clientMutationId } } } }")["data"]["mutationLogs"]
    assert [edge["node"]["clientMutationId"] for edge in mine["edges"]] == ["clerk-log"]
    others = clerk('{ mutationLogs(clientMutationId: "admin-log") { totalCount } }')
    assert others["data"]["mutationLogs"]["totalCount"] == 0
    admin_view = admin_gql("{ mutationLogs { totalCount } }")["data"]["mutationLogs"]["totalCount"]
    assert admin_view == 2
    log_id = MutationLog.objects.get(client_mutation_id="admin-log").id
    from graphql_relay import to_global_id

    hidden = clerk(f'{{ node(id: "{to_global_id("MutationLogGQLType", log_id)}") {{ id }} }}')
    assert hidden["data"]["node"] is None


def test_anonymous_cannot_mutate_or_read_logs(gql, admin_user):
    result = gql('mutation { createRole(input: {name: "x", isSystem: false, isBlocked: false}) '
                 '{ internalId } }')
    assert result["errors"][0]["message"] == "unauthorized"
    assert gql("{ mutationLogs { totalCount } }")["errors"][0]["message"] == "unauthorized"
    assert not MutationLog.objects.exists()


def test_secrets_never_reach_the_log(admin_gql):
    mutate(admin_gql, "createUser", {"username": "jdoe", "lastName": "D", "otherNames": "J", "language": "en",
                                     "userTypes": [Enum("INTERACTIVE")], "password": "Secret123"}, "pw")
    assert "Secret123" not in log_of("pw").json_content


def test_to_json_data_turns_enums_and_dates_into_json():
    import datetime

    from openimis.core.gql.types import UserTypes

    data = to_json_data({"user_types": [UserTypes.OFFICER], "birth_date": datetime.date(1980, 1, 2),
                         "works_to": datetime.datetime(2030, 1, 2, 3, 4, 5)})
    assert data == {"user_types": ["OFFICER"], "birth_date": "1980-01-02", "works_to": "2030-01-02T03:04:05"}


class SystemMutation(OpenIMISMutation):
    """Registered for the direct tests of `execute_mutation` only (not part of the schema)."""

    rights = ("test",)

    class Input(OpenIMISMutation.Input):
        pass

    @classmethod
    def perform(cls, user, data, log):
        if data.get("fail") == "service":
            raise ValidationFailed("nope", "because")
        if data.get("fail") == "bug":
            services.ensure_reference_data()
            Role.objects.create(name="half-written")
            raise KeyError("missing")
        log.json_ext = {"seen_user": str(user.pk) if user else None}
        log.save(update_fields=["json_ext"])


@pytest.mark.parametrize(("fail", "status", "message"), [
    (None, MutationLog.SUCCESS, None),
    ("service", MutationLog.ERROR, [{"message": "nope", "detail": "because"}]),
    ("bug", MutationLog.ERROR, "An unexpected error occurred in SystemMutation"),
])
def test_execute_mutation_outcomes(db, admin_user, fail, status, message):
    log = MutationLog.objects.create(json_content="{}", user=admin_user)
    roles = Role.objects.count()
    assert tasks.execute_mutation("SystemMutation", log.id, admin_user.pk, {"fail": fail}) == status
    log.refresh_from_db()
    assert log.status == status
    if message is None:
        assert log.error is None and log.json_ext == {"seen_user": str(admin_user.pk)}
    elif isinstance(message, list):
        assert json.loads(log.error) == message
    else:
        assert json.loads(log.error)[0]["message"] == message
    assert Role.objects.count() == roles


def test_execute_mutation_without_user(db):
    log = MutationLog.objects.create(json_content="{}")
    assert tasks.execute_mutation("SystemMutation", log.id, None, {}) == MutationLog.SUCCESS
    log.refresh_from_db()
    assert log.json_ext == {"seen_user": None}


def test_celery_hand_off_after_commit(admin_gql, settings, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks, "send_to_workers", lambda *args: sent.append(args))
    settings.CELERY_BROKER_URL = "memory://"
    with django_capture_on_commit_callbacks(execute=True):
        payload = create_role(admin_gql, "celery")
    assert log_of("celery").status == MutationLog.RECEIVED
    name, log_id, user_id, data = sent[0]
    assert (name, log_id) == ("CreateRoleMutation", payload["internalId"])
    assert json.loads(json.dumps(data))["name"] == "Cashier"
    tasks.execute_mutation(name, log_id, user_id, data)
    assert log_of("celery").status == MutationLog.SUCCESS
