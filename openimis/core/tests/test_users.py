"""Users over GraphQL: createUser, updateUser (history), deleteUser (soft, all-or-nothing), officers,
and the rollback of every refused mutation."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from openimis.core import hook_registry, hooks, services
from openimis.core.history import HistoricalRecordError
from openimis.core.models import InteractiveUser, MutationLog, Officer, User, UserMutation, UserRole
from openimis.core.tests.helpers import (
    Enum,
    error_text,
    errors_of,
    log_of,
    make_locations,
    make_role,
    mutate,
    row_counts,
)
from openimis.location.models import OfficerVillage, UserDistrict
from openimis.testing.client import GraphQLClient

INTERACTIVE = Enum("INTERACTIVE")
OFFICER = Enum("OFFICER")
CLAIM_ADMIN = Enum("CLAIM_ADMIN")


@pytest.fixture
def places(db):
    return make_locations()


@pytest.fixture
def clerk_role(db):
    return make_role("Clerk role", [101001, 101101])


def user_fields(role, district, **overrides) -> dict:
    fields = {"username": "jdoe", "lastName": "Doe", "otherNames": "John", "language": "en",
              "userTypes": [INTERACTIVE], "password": "Secret123", "roles": [role.id],
              "districts": [district.id]}
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def fresh_client() -> GraphQLClient:
    return GraphQLClient(Client())


def test_create_user_as_admin(admin_gql, places, clerk_role):
    fields = user_fields(clerk_role, places["district"])
    payload = mutate(admin_gql, "createUser", fields, "c1", "Create user")
    log = MutationLog.objects.get(id=payload["internalId"])
    assert log.client_mutation_id == "c1"

    result = admin_gql('{ mutationLogs(clientMutationId: "c1") { totalCount edges { node { status '
                       'clientMutationLabel error jsonContent users { coreUser { id username } } } } } }')
    assert "errors" not in result, result
    node = result["data"]["mutationLogs"]["edges"][0]["node"]
    assert node["status"] == 2, node
    assert node["clientMutationLabel"] == "Create user"
    assert node["users"][0]["coreUser"]["username"] == "jdoe"
    assert "Secret123" not in node["jsonContent"] and "password" not in json.loads(node["jsonContent"])
    assert json.loads(node["jsonContent"])["username"] == "jdoe"

    created = User.objects.get(username="jdoe", validity_to__isnull=True)
    assert created.i_user.last_name == "Doe" and created.i_user.language_id == "en"
    assert UserMutation.objects.filter(core_user=created, mutation=log).exists()

    jdoe = fresh_client()
    assert "errors" not in jdoe.login("jdoe", "Secret123")
    me = jdoe("{ user { username rights iUser { loginName roles { name } } } }")
    assert "errors" not in me, me
    assert me["data"]["user"]["username"] == "jdoe"
    assert sorted(me["data"]["user"]["rights"]) == ["101001", "101101"]
    assert me["data"]["user"]["iUser"]["roles"] == [{"name": "Clerk role"}]
    districts = jdoe("{ userDistricts { id code name parent { code } } }")["data"]["userDistricts"]
    assert districts == [{"id": str(places["district"].id), "code": "R1D1", "name": "District 1",
                          "parent": {"code": "R1"}}]


def test_user_without_right_cannot_create(gql, user_factory, places, clerk_role):
    user_factory("viewer", [121701])
    assert "errors" not in gql.login("viewer", "Secret123")
    before = row_counts()
    result = gql('mutation { createUser(input: {clientMutationId: "x", username: "u1", lastName: "L", '
                 'otherNames: "O", language: "en", userTypes: [INTERACTIVE]}) { internalId } }')
    assert result["errors"][0]["message"] == "unauthorized"
    assert row_counts() == before
    assert not MutationLog.objects.filter(client_mutation_id="x").exists()


@pytest.mark.parametrize(("case", "overrides", "expected"), [
    ("duplicate", {"username": "taken"}, "already taken"),
    ("no-last-name", {"lastName": ""}, "Last name is mandatory"),
    ("no-other-names", {"otherNames": "  "}, "Other names is mandatory"),
    ("unknown-role", {"roles": [987654]}, "Unknown role: 987654"),
    ("unknown-district", {"districts": [987654]}, "Unknown district: 987654"),
    ("weak-password", {"password": "short"}, "password policy"),
    ("unknown-language", {"language": "xx"}, "Unknown language: xx"),
    ("long-username", {"username": "u" * 51}, "longer than 50"),
    ("village-as-district", {}, "Unknown district"),
])
def test_create_user_refused_writes_nothing(admin_gql, places, clerk_role, case, overrides, expected):
    services.create_plain_user("taken", "Secret123")
    if case == "village-as-district":
        overrides = {"districts": [places["villages"][0].id]}
    before = row_counts()
    mutate(admin_gql, "createUser", user_fields(clerk_role, places["district"], **overrides), case)
    errors = errors_of(case)
    assert all(set(error) == {"message", "detail"} for error in errors), errors
    assert expected in error_text(case)
    assert row_counts() == before


def test_unexpected_error_is_generic_and_rolled_back(admin_gql, places, clerk_role, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(services, "_set_roles", broken)  # after the interactive user row is written
    before = row_counts()
    mutate(admin_gql, "createUser", user_fields(clerk_role, places["district"]), "boom")
    errors = errors_of("boom")
    assert errors[0]["message"].startswith("An unexpected error occurred")
    assert row_counts() == before


def test_update_user_keeps_history(admin_gql, places, clerk_role):
    fields = user_fields(clerk_role, places["district"], phone="555-1", email="j@x.org")
    mutate(admin_gql, "createUser", fields, "c1")
    user = User.objects.get(username="jdoe")
    i_user = user.i_user
    other_role = make_role("Other role", [121701])

    mutate(admin_gql, "updateUser", {
        "uuid": str(user.id), "username": "jdoe", "lastName": "Doe-Smith", "otherNames": "John",
        "language": "fr", "userTypes": [INTERACTIVE], "roles": [other_role.id], "districts": [],
        "email": "j@x.org"}, "u1")
    assert log_of("u1").status == MutationLog.SUCCESS, log_of("u1").error

    current = InteractiveUser.objects.get(pk=i_user.pk)
    assert current.uuid == i_user.uuid and current.validity_to is None
    assert current.last_name == "Doe-Smith" and current.language_id == "fr"
    assert current.phone is None  # omitted optional field is cleared
    history = InteractiveUser.objects.get(legacy_id=i_user.pk)
    assert history.validity_to is not None and history.uuid != i_user.uuid
    assert history.last_name == "Doe" and history.phone == "555-1"
    roles = set(UserRole.objects.current().filter(user=current).values_list("role__name", flat=True))
    assert roles == {"Other role"}
    assert not UserDistrict.objects.current().filter(user=current).exists()
    assert User.objects.get(pk=user.pk).rights == frozenset({121701})

    with pytest.raises(HistoricalRecordError, match="deleted or changed by someone else"):
        history.save_history()


def test_update_user_password_and_username(admin_gql, places, clerk_role):
    mutate(admin_gql, "createUser", user_fields(clerk_role, places["district"]), "c1")
    user = User.objects.get(username="jdoe")
    mutate(admin_gql, "updateUser", {
        "uuid": str(user.id), "username": "jdoe2", "lastName": "Doe", "otherNames": "John",
        "language": "en", "userTypes": [INTERACTIVE], "password": "Better456"}, "u1")
    assert log_of("u1").status == MutationLog.SUCCESS, log_of("u1").error
    assert "Better456" not in log_of("u1").json_content
    assert InteractiveUser.objects.current().get(pk=user.i_user_id).login_name == "jdoe2"
    assert "errors" in fresh_client().login("jdoe", "Secret123")
    assert "errors" not in fresh_client().login("jdoe2", "Better456")


def test_update_user_refused_writes_nothing(admin_gql, places, clerk_role):
    mutate(admin_gql, "createUser", user_fields(clerk_role, places["district"]), "c1")
    services.create_plain_user("taken", "Secret123")
    user = User.objects.get(username="jdoe")
    before = row_counts()
    base = {"uuid": str(user.id), "username": "jdoe", "lastName": "Doe", "otherNames": "John",
            "language": "en", "userTypes": [INTERACTIVE]}
    for case, overrides, expected in (
            ("dup", {"username": "taken"}, "already taken"),
            ("lang", {"language": "xx"}, "Unknown language"),
            ("district", {"districts": [987654]}, "Unknown district"),
            ("nouuid", {"uuid": None}, "uuid is mandatory"),
            ("gone", {"uuid": "00000000-0000-0000-0000-000000000000"}, "User not found")):
        fields = {key: value for key, value in {**base, **overrides}.items() if value is not None}
        mutate(admin_gql, "updateUser", fields, case)
        assert expected in error_text(case), case
    assert row_counts() == before


def test_delete_user_is_soft(admin_gql, places, clerk_role):
    mutate(admin_gql, "createUser", user_fields(clerk_role, places["district"]), "c1")
    user = User.objects.get(username="jdoe")
    mutate(admin_gql, "deleteUser", {"uuids": [str(user.id)]}, "d1")
    assert log_of("d1").status == MutationLog.SUCCESS, log_of("d1").error

    user.refresh_from_db()
    assert user.validity_to is not None
    i_user = InteractiveUser.objects.get(pk=user.i_user_id)
    assert i_user.validity_to is not None and i_user.validity_from == i_user.validity_to
    assert InteractiveUser.objects.filter(legacy_id=i_user.pk, validity_to__isnull=False).exists()
    assert not UserRole.objects.current().filter(user=i_user).exists()
    assert not UserDistrict.objects.current().filter(user=i_user).exists()
    assert "errors" in fresh_client().login("jdoe", "Secret123")
    # the username is free again
    mutate(admin_gql, "createUser", user_fields(clerk_role, places["district"]), "c2")
    assert log_of("c2").status == MutationLog.SUCCESS, log_of("c2").error


def test_delete_yourself_is_refused(admin_gql, admin_user):
    before = row_counts()
    mutate(admin_gql, "deleteUser", {"uuids": [str(admin_user.id)]}, "self")
    assert "cannot delete yourself" in error_text("self")
    assert row_counts() == before
    assert User.objects.get(pk=admin_user.pk).validity_to is None


def test_delete_several_is_all_or_nothing(admin_gql, places, clerk_role):
    first = services.create_plain_user("first", "Secret123")
    second = services.create_plain_user("second", "Secret123")
    before = row_counts()
    mutate(admin_gql, "deleteUser", {"uuids": [str(first.id), "00000000-0000-0000-0000-000000000000",
                                               str(second.id)]}, "bulk")
    assert "User not found" in error_text("bulk")
    assert row_counts() == before
    assert User.objects.filter(pk__in=[first.pk, second.pk], validity_to__isnull=True).count() == 2

    mutate(admin_gql, "deleteUser", {"uuids": [str(first.id), str(second.id)]}, "bulk-ok")
    assert log_of("bulk-ok").status == MutationLog.SUCCESS, log_of("bulk-ok").error
    assert not User.objects.filter(pk__in=[first.pk, second.pk], validity_to__isnull=True).exists()


def test_several_failures_are_listed_by_title(admin_gql):
    mutate(admin_gql, "deleteUser", {"uuids": ["00000000-0000-0000-0000-000000000001",
                                               "00000000-0000-0000-0000-000000000002"]}, "two")
    errors = errors_of("two")
    titled = [error for error in errors if "title" in error]
    assert len(titled) == 2 and all(error["list"][0]["message"] == "User not found" for error in titled)


def officer_fields(role, places, **overrides) -> dict:
    officer = {"userTypes": [INTERACTIVE, OFFICER], "birthDate": "1980-05-17", "address": "Main street 1",
               "locationId": places["district"].id, "phone": "555-9",
               "villageIds": [village.id for village in places["villages"]]}
    return user_fields(role, places["district"], **{**officer, **overrides})


def test_create_officer(admin_gql, places, clerk_role):
    mutate(admin_gql, "createUser", officer_fields(clerk_role, places), "eo")
    assert log_of("eo").status == MutationLog.SUCCESS, log_of("eo").error
    user = User.objects.get(username="jdoe")
    officer = user.officer
    assert officer.code == "jdoe" and officer.location_id == places["district"].id
    assert str(officer.dob) == "1980-05-17" and officer.address == "Main street 1" and officer.has_login
    villages = OfficerVillage.objects.current().filter(officer=officer).values_list("location_id", flat=True)
    assert set(villages) == {village.id for village in places["villages"]}

    found = admin_gql('{ enrolmentOfficers(str: "jdo") { totalCount edges { node { code lastName dob } } } }')
    assert "errors" not in found, found
    assert found["data"]["enrolmentOfficers"]["edges"][0]["node"] == {
        "code": "jdoe", "lastName": "Doe", "dob": "1980-05-17"}
    locations = admin_gql('{ officerLocations(officerCode: "jdoe") { code type } }')
    assert sorted(row["code"] for row in locations["data"]["officerLocations"]) == ["R1D1M1V1", "R1D1M1V2"]
    districts = admin_gql('{ officerLocations(officerCode: "jdoe", locationType: "D") { code } }')
    assert districts["data"]["officerLocations"] == [{"code": "R1D1"}]

    # update: officer keeps its id, history row, villages replaced
    fields = officer_fields(clerk_role, places, uuid=str(user.id), lastName="Doe2",
                            villageIds=[places["villages"][0].id], address=None)
    mutate(admin_gql, "updateUser", fields, "eo2")
    assert log_of("eo2").status == MutationLog.SUCCESS, log_of("eo2").error
    current = Officer.objects.get(pk=officer.pk)
    assert current.last_name == "Doe2" and current.address is None and current.uuid == officer.uuid
    assert Officer.objects.filter(legacy_id=officer.pk, validity_to__isnull=False).exists()
    villages = OfficerVillage.objects.current().filter(officer=officer).values_list("location_id", flat=True)
    assert list(villages) == [places["villages"][0].id]

    # delete ends the officer and its villages
    mutate(admin_gql, "deleteUser", {"uuids": [str(user.id)]}, "eo3")
    assert log_of("eo3").status == MutationLog.SUCCESS, log_of("eo3").error
    assert Officer.objects.get(pk=officer.pk).validity_to is not None
    assert not OfficerVillage.objects.current().filter(officer=officer).exists()
    assert admin_gql('{ officerLocations(officerCode: "jdoe") { code } }')["data"]["officerLocations"] == []


@pytest.mark.parametrize(("case", "overrides", "expected"), [
    ("bad-village", {"villageIds": [987654]}, "Unknown village"),
    ("bad-location", {"locationId": 987654}, "Unknown location"),
    ("bad-substitute", {"substitutionOfficerId": 987654}, "Unknown substitution officer"),
])
def test_create_officer_refused_writes_nothing(admin_gql, places, clerk_role, case, overrides, expected):
    before = row_counts()
    mutate(admin_gql, "createUser", officer_fields(clerk_role, places, **overrides), case)
    assert expected in error_text(case)
    assert row_counts() == before


def test_claim_admin_needs_the_claim_module(admin_gql, places, clerk_role, monkeypatch):
    monkeypatch.setitem(hook_registry._handlers, hooks.USER_TYPE_SAVED, [])  # as if claim were disabled
    before = row_counts()
    mutate(admin_gql, "createUser", user_fields(clerk_role, places["district"],
                                                userTypes=[INTERACTIVE, CLAIM_ADMIN]), "ca")
    assert "CLAIM_ADMIN" in error_text("ca") and "module" in error_text("ca")
    assert row_counts() == before


def test_technical_user_is_refused(admin_gql, places, clerk_role):
    before = row_counts()
    fields = user_fields(clerk_role, places["district"], userTypes=[Enum("TECHNICAL")])
    mutate(admin_gql, "createUser", fields, "tech")
    assert "TECHNICAL" in error_text("tech")
    assert row_counts() == before


def test_users_query_and_validators(admin_gql, places, clerk_role):
    mutate(admin_gql, "createUser", user_fields(clerk_role, places["district"], email="jd@example.org"), "c1")
    result = admin_gql('{ users(str: "jdo", clientMutationId: "c1") { totalCount edges { node { '
                       'username lastName email clientMutationId '
                       'iUser { userdistrictSet { location { code } } } } } } }')
    assert "errors" not in result, result
    node = result["data"]["users"]["edges"][0]["node"]
    assert node["username"] == "jdoe" and node["clientMutationId"] == "c1"
    assert node["email"] == "jd@example.org"
    checks = admin_gql('{ free: validateUsername(username: "someone") '
                       'taken: validateUsername(username: "jdoe") '
                       'mail: validateUserEmail(userEmail: "JD@example.org") }')["data"]
    assert checks == {"free": True, "taken": False, "mail": False}
    before = row_counts()
    mutate(admin_gql, "createUser", user_fields(clerk_role, places["district"], username="other",
                                                email="JD@EXAMPLE.org"), "dup-mail")
    assert "already used" in error_text("dup-mail")
    assert row_counts() == before


# --- passwords and language --------------------------------------------------------------------

CHANGE_PASSWORD = ("mutation($u: String, $o: String, $n: String!) { changePassword(input: "
                   "{clientMutationId: \"p\", username: $u, oldPassword: $o, newPassword: $n}) "
                   "{ success error clientMutationId } }")


def test_change_own_password(gql, user_factory):
    user_factory("clerk")
    assert "errors" not in gql.login("clerk", "Secret123")
    wrong = gql(CHANGE_PASSWORD, {"o": "not-it", "n": "Newpass123"})["data"]["changePassword"]
    assert wrong["success"] is False and "old password" in wrong["error"]
    weak = gql(CHANGE_PASSWORD, {"o": "Secret123", "n": "weak"})["data"]["changePassword"]
    assert weak["success"] is False and "policy" in weak["error"]
    right = gql(CHANGE_PASSWORD, {"o": "Secret123", "n": "Newpass123"})["data"]["changePassword"]
    assert right == {"success": True, "error": None, "clientMutationId": "p"}
    assert "errors" in fresh_client().login("clerk", "Secret123")
    assert "errors" not in fresh_client().login("clerk", "Newpass123")


def test_change_password_of_another_user_needs_user_edit(gql, user_factory):
    user_factory("target")
    user_factory("clerk", [121701])
    user_factory("manager", [121703])
    assert "errors" not in gql.login("clerk", "Secret123")
    refused = gql(CHANGE_PASSWORD, {"u": "target", "n": "Newpass123"})["data"]["changePassword"]
    assert refused["success"] is False and "unauthorized" in refused["error"]
    assert "errors" not in fresh_client().login("target", "Secret123")

    manager = fresh_client()
    assert "errors" not in manager.login("manager", "Secret123")
    done = manager(CHANGE_PASSWORD, {"u": "target", "n": "Newpass123"})["data"]["changePassword"]
    assert done["success"] is True, done
    assert "errors" not in fresh_client().login("target", "Newpass123")
    missing = manager(CHANGE_PASSWORD, {"u": "nobody", "n": "Newpass123"})["data"]["changePassword"]
    assert missing["success"] is False


def test_change_password_needs_login(gql):
    result = gql(CHANGE_PASSWORD, {"o": "x", "n": "Newpass123"})
    assert result["errors"][0]["message"] == "unauthorized"


RESET_PASSWORD = ('mutation($u: String!) { resetPassword(input: {username: $u}) { success error } }')
SET_PASSWORD = ("mutation($u: String!, $t: String!, $n: String!) { setPassword(input: "
                "{username: $u, token: $t, newPassword: $n}) { success error } }")


def test_reset_and_set_password(gql, db):
    from django.core import mail

    services.ensure_reference_data()
    services.create_user(None, {"username": "forgetful", "last_name": "F", "other_names": "G",
                                "language": "en", "email": "forgetful@example.org",
                                "user_types": ["INTERACTIVE"], "password": "Secret123"})
    mail.outbox.clear()
    assert gql(RESET_PASSWORD, {"u": "nobody"})["data"]["resetPassword"]["success"] is True
    assert mail.outbox == []
    assert gql(RESET_PASSWORD, {"u": "forgetful"})["data"]["resetPassword"]["success"] is True
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["forgetful@example.org"]
    token = mail.outbox[0].body.split("The token is: ")[1].strip()

    wrong = gql(SET_PASSWORD, {"u": "forgetful", "t": "bad-token", "n": "Newpass123"})["data"]["setPassword"]
    assert wrong["success"] is False and "token" in wrong["error"]
    other = gql(SET_PASSWORD, {"u": "nobody", "t": token, "n": "Newpass123"})["data"]["setPassword"]
    assert other["success"] is False
    done = gql(SET_PASSWORD, {"u": "forgetful", "t": token, "n": "Newpass123"})["data"]["setPassword"]
    assert done == {"success": True, "error": None}
    assert "errors" not in fresh_client().login("forgetful", "Newpass123")
    again = gql(SET_PASSWORD, {"u": "forgetful", "t": token, "n": "Other1234"})["data"]["setPassword"]
    assert again["success"] is False  # the token is single-use


def test_expired_reset_token_fails(gql, db):
    from django.core import mail

    services.ensure_reference_data()
    services.create_user(None, {"username": "late", "last_name": "L", "other_names": "M", "language": "en",
                                "email": "late@example.org", "user_types": ["INTERACTIVE"]})
    mail.outbox.clear()
    services.request_password_reset("late")
    token = mail.outbox[0].body.split("The token is: ")[1].strip()
    InteractiveUser.objects.filter(login_name="late").update(password_reset_expires=timezone.now())
    result = gql(SET_PASSWORD, {"u": "late", "t": token, "n": "Newpass123"})["data"]["setPassword"]
    assert result["success"] is False


def test_change_user_language(gql, user_factory):
    user = user_factory("clerk")
    assert "errors" not in gql.login("clerk", "Secret123")
    mutate(gql, "changeUserLanguage", {"languageId": "fr"}, "lang")
    assert log_of("lang").status == MutationLog.SUCCESS, log_of("lang").error
    assert User.objects.get(pk=user.pk).language_code == "fr"
    before = row_counts()
    mutate(gql, "changeUserLanguage", {"languageId": "xx"}, "bad-lang")
    assert "Langue inconnue : xx" in error_text("bad-lang")  # the French user reads French
    assert row_counts() == before
    assert User.objects.get(pk=user.pk).language_code == "fr"
