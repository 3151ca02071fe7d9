"""Roles and rights: createRole/updateRole/duplicateRole/deleteRole, role queries, and what rights a
user ends up with (union of current roles, IMIS administrator, blocked and removed roles)."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from openimis.core import services
from openimis.core.models import MutationLog, Role, RoleRight, User
from openimis.core.rights import IMIS_ADMIN_SYSTEM_ROLE
from openimis.core.tests.helpers import Enum, error_text, log_of, make_role, mutate, row_counts
from openimis.testing.client import GraphQLClient


def role_fields(name: str, rights: list[int], **overrides) -> dict:
    return {"name": name, "isSystem": False, "isBlocked": False, "rightsId": rights, **overrides}


def current_rights(role: Role) -> set[int]:
    return set(RoleRight.objects.current().filter(role=role).values_list("right_id", flat=True))


def assign(user: User, *roles: Role) -> User:
    services.update_user(None, {"uuid": user.id, "username": user.username, "language": "en",
                                "last_name": user.i_user.last_name, "other_names": user.i_user.other_names,
                                "roles": [role.id for role in roles], "user_types": ["INTERACTIVE"]})
    return User.objects.get(pk=user.pk)


def test_create_role_and_query_it(admin_gql):
    mutate(admin_gql, "createRole", role_fields("Cashier", [101301, 101302]), "r1")
    assert log_of("r1").status == MutationLog.SUCCESS, log_of("r1").error
    role = Role.objects.current().get(name="Cashier")
    assert role.is_system == 0 and not role.is_blocked
    assert current_rights(role) == {101301, 101302}

    result = admin_gql('{ role(name_Icontains: "cash", isSystem: false) { totalCount edges { node { '
                       'id uuid name isSystem isBlocked systemRoleId } } } }')
    assert "errors" not in result, result
    node = result["data"]["role"]["edges"][0]["node"]
    assert node["uuid"] == role.uuid and node["isSystem"] == 0 and node["systemRoleId"] is None
    assert base64.b64decode(node["id"]).decode() == f"RoleGQLType:{role.pk}"

    rights = admin_gql(f'{{ roleRight(role_Uuid: "{role.uuid}") {{ totalCount edges {{ node {{ rightId '
                       f'role {{ name }} }} }} }} }}')
    assert "errors" not in rights, rights
    assert rights["data"]["roleRight"]["totalCount"] == 2
    assert {edge["node"]["rightId"] for edge in rights["data"]["roleRight"]["edges"]} == {101301, 101302}
    by_right = admin_gql("{ role(roleRight: 101302) { edges { node { name } } } }")["data"]["role"]["edges"]
    assert [edge["node"]["name"] for edge in by_right] == ["Cashier"]


def test_create_role_refused(admin_gql):
    make_role("Existing", [101001])
    before = row_counts()
    mutate(admin_gql, "createRole", role_fields("existing", []), "dup")
    assert "already used" in error_text("dup")
    mutate(admin_gql, "createRole", role_fields("", []), "empty")
    assert "Role name is mandatory" in error_text("empty")
    mutate(admin_gql, "createRole", role_fields("System?", [], isSystem=True, systemRoleId=3), "sys")
    assert "systemRoleId" in error_text("sys")
    assert row_counts() == before


def test_validate_role_name(admin_gql):
    make_role("Existing", [])
    result = admin_gql('{ a: validateRoleName(roleName: "existing") b: validateRoleName(roleName: "New") }')
    assert result["data"] == {"a": False, "b": True}


def test_update_role_keeps_history(admin_gql):
    role = make_role("Cashier", [101301, 101302])
    mutate(admin_gql, "updateRole", role_fields("Cashier 2", [101302, 101303], uuid=role.uuid,
                                                altLanguage="Caissier"), "u1")
    assert log_of("u1").status == MutationLog.SUCCESS, log_of("u1").error
    current = Role.objects.get(pk=role.pk)
    assert current.uuid == role.uuid and current.name == "Cashier 2" and current.alt_language == "Caissier"
    history = Role.objects.get(legacy_id=role.pk)
    assert history.name == "Cashier" and history.validity_to is not None
    assert current_rights(current) == {101302, 101303}
    ended = RoleRight.objects.get(role=role, right_id=101301)
    assert ended.validity_to is not None


def test_update_role_refused(admin_gql):
    role = make_role("Cashier", [101301])
    system = Role.objects.current().get(is_system=IMIS_ADMIN_SYSTEM_ROLE)
    make_role("Taken", [])
    before = row_counts()
    mutate(admin_gql, "updateRole", role_fields("IMIS Admin 2", [], uuid=system.uuid), "sys")
    assert "system role cannot be changed" in error_text("sys")
    mutate(admin_gql, "updateRole", role_fields("Taken", [101001], uuid=role.uuid), "dup")
    assert "already used" in error_text("dup")
    mutate(admin_gql, "updateRole", role_fields("X", [], uuid="no-such-role"), "gone")
    assert "Role not found" in error_text("gone")
    assert row_counts() == before


def test_duplicate_role_copies_rights(admin_gql):
    source = make_role("Cashier", [101301, 101302])
    result = admin_gql(f'mutation {{ duplicateRole(input: {{clientMutationId: "dup1", uuid: "{source.uuid}", '
                       f'name: "Cashier copy", isSystem: false, isBlocked: false}}) {{ internalId }} }}')
    assert "errors" not in result, result
    assert log_of("dup1").status == MutationLog.SUCCESS, log_of("dup1").error
    copy = Role.objects.current().get(name="Cashier copy")
    assert copy.pk != source.pk and current_rights(copy) == {101301, 101302}
    # with explicit rights (as the frontend sends them)
    mutate(admin_gql, "duplicateRole", {"uuid": source.uuid, "name": "Cashier lite", "isSystem": False,
                                        "isBlocked": False, "rightsId": [101301]}, "dup2")
    assert current_rights(Role.objects.current().get(name="Cashier lite")) == {101301}
    assert current_rights(source) == {101301, 101302}


def test_delete_role(admin_gql, user_factory):
    free = make_role("Free", [101001])
    mutate(admin_gql, "deleteRole", {"uuids": [free.uuid]}, "d1")
    assert log_of("d1").status == MutationLog.SUCCESS, log_of("d1").error
    free.refresh_from_db()
    assert free.validity_to is not None and not current_rights(free)
    assert Role.objects.filter(legacy_id=free.pk).exists()
    listed = admin_gql("{ role { edges { node { name } } } }")["data"]["role"]["edges"]
    assert "Free" not in [edge["node"]["name"] for edge in listed]


def test_delete_role_refused(admin_gql, user_factory):
    user = user_factory("clerk", [101001])
    used = Role.objects.current().get(name="role-clerk")
    system = Role.objects.current().get(is_system=IMIS_ADMIN_SYSTEM_ROLE)
    free = make_role("Free", [])
    before = row_counts()
    mutate(admin_gql, "deleteRole", {"uuids": [used.uuid]}, "used")
    assert "assigned to users" in error_text("used")
    mutate(admin_gql, "deleteRole", {"uuids": [system.uuid]}, "sys")
    assert "system role cannot be deleted" in error_text("sys")
    mutate(admin_gql, "deleteRole", {"uuids": [free.uuid, used.uuid]}, "mixed")
    assert "assigned to users" in error_text("mixed")
    assert row_counts() == before
    # once the user is gone, the role can go
    services.delete_user(None, user.id)
    mutate(admin_gql, "deleteRole", {"uuids": [used.uuid]}, "after")
    assert log_of("after").status == MutationLog.SUCCESS, log_of("after").error


def test_role_mutations_need_rights(gql, user_factory):
    user_factory("viewer", [122001])
    assert "errors" not in gql.login("viewer", "Secret123")
    result = gql('mutation { createRole(input: {name: "x", isSystem: false, isBlocked: false}) '
                 '{ internalId } }')
    assert result["errors"][0]["message"] == "unauthorized"
    assert gql("{ role { totalCount } }")["data"]["role"]["totalCount"] >= 1


def test_modules_permissions(admin_gql):
    result = admin_gql("{ modulesPermissions { modulePermsList { moduleName permissions { permsName "
                       "permsValue } } } }")
    assert "errors" not in result, result
    modules = {module["moduleName"]: {p["permsName"]: p["permsValue"] for p in module["permissions"]}
               for module in result["data"]["modulesPermissions"]["modulePermsList"]}
    assert "core" in modules  # the other modules declare their rights with their pages
    assert modules["core"]["gql_query_users_perms"] == 121701
    assert modules["core"]["gql_mutation_create_roles_perms"] == 122002


# --- rights semantics --------------------------------------------------------------------------

def test_rights_are_the_union_of_current_roles(db, user_factory):
    user = user_factory("clerk")
    first = make_role("First", [101001, 101002])
    second = make_role("Second", [101002, 101101])
    user = assign(user, first, second)
    assert user.rights == frozenset({101001, 101002, 101101})
    assert user.has_any_right([999999, 101101]) and not user.has_any_right([121701])
    assert not user.is_imis_admin

    user = assign(user, second)  # first role removed
    assert user.rights == frozenset({101002, 101101})

    RoleRight.objects.filter(role=second, right_id=101101).update(validity_to=first.validity_from)
    assert User.objects.get(pk=user.pk).rights == frozenset({101002})


def test_blocked_and_deleted_roles_grant_nothing(db, user_factory):
    user = user_factory("clerk")
    blocked = make_role("Blocked", [101001], is_blocked=True)
    open_role = make_role("Open", [101101])
    user = assign(user, blocked, open_role)
    assert user.rights == frozenset({101101})
    open_role.delete_history()
    assert User.objects.get(pk=user.pk).rights == frozenset()


def test_imis_admin_passes_every_check(db, admin_user, user_factory):
    admin = User.objects.get(pk=admin_user.pk)
    assert admin.is_imis_admin and admin.has_any_right([123456789])
    assert admin.is_superuser and admin.is_staff
    blocked_admin = make_role("Blocked admin", [], is_system=IMIS_ADMIN_SYSTEM_ROLE, is_blocked=True)
    user = assign(user_factory("other"), blocked_admin)
    assert not user.is_imis_admin and not user.has_any_right([101001])


def test_removed_role_rights_disappear_for_the_api(gql, user_factory):
    user = user_factory("clerk", [121701])
    assert "errors" not in gql.login("clerk", "Secret123")
    assert "errors" not in gql("{ users { totalCount } }")
    assign(user)  # no role any more
    assert gql("{ users { totalCount } }")["errors"][0]["message"] == "unauthorized"
    me = gql("{ user { username rights } }")["data"]["user"]
    assert me == {"username": "clerk", "rights": []}


@pytest.mark.parametrize("query", ["{ role { totalCount } }", "{ roleRight { totalCount } }",
                                   "{ modulesPermissions { modulePermsList { moduleName } } }"])
def test_role_queries_need_role_search(query, db, user_factory):
    user_factory("nobody", [101001])
    client = GraphQLClient(Client())
    assert "errors" not in client.login("nobody", "Secret123")
    assert client(query)["errors"][0]["message"] == "unauthorized"


# --- only an administrator makes or changes administrators ---------------------------------------

def test_user_editor_cannot_make_or_touch_administrators(gql, admin_user, user_factory):
    user_factory("editor", [121701, 121702, 121703, 121704, 122002])
    assert "errors" not in gql.login("editor", "Secret123")
    admin_role = Role.objects.current().get(is_system=IMIS_ADMIN_SYSTEM_ROLE)
    before = row_counts()
    mutate(gql, "createUser", {"username": "mole", "lastName": "M", "otherNames": "O", "language": "en",
                               "userTypes": [Enum("INTERACTIVE")], "roles": [admin_role.id]}, "grant")
    assert "Only an IMIS administrator" in error_text("grant")
    mutate(gql, "updateUser", {"uuid": str(admin_user.id), "username": "Admin", "lastName": "A",
                               "otherNames": "B", "language": "en", "userTypes": [Enum("INTERACTIVE")],
                               "email": "mole@example.org"}, "edit-admin")
    assert "Only an IMIS administrator" in error_text("edit-admin")
    mutate(gql, "deleteUser", {"uuids": [str(admin_user.id)]}, "delete-admin")
    assert "Only an IMIS administrator" in error_text("delete-admin")
    mutate(gql, "createRole", role_fields("Super", [], isSystem=True, systemRoleId=64), "admin-role")
    assert "Only an IMIS administrator" in error_text("admin-role")
    assert row_counts() == before
    result = gql('mutation { changePassword(input: {username: "Admin", newPassword: "Takeover123"}) '
                 '{ success error } }')["data"]["changePassword"]
    assert result["success"] is False and "Only an IMIS administrator" in result["error"]
    assert "errors" not in GraphQLClient(Client()).login("Admin", "admin123")
    # ordinary users and roles remain the editor's business
    plain = make_role("Plain", [])
    mutate(gql, "createUser", {"username": "helper", "lastName": "H", "otherNames": "O", "language": "en",
                               "userTypes": [Enum("INTERACTIVE")], "roles": [plain.id]}, "ok")
    assert log_of("ok").status == MutationLog.SUCCESS, log_of("ok").error


def test_administrator_grants_the_administrator_role(admin_gql, admin_user):
    admin_role = Role.objects.current().get(is_system=IMIS_ADMIN_SYSTEM_ROLE)
    mutate(admin_gql, "createUser", {"username": "deputy", "lastName": "D", "otherNames": "O",
                                     "language": "en", "userTypes": [Enum("INTERACTIVE")],
                                     "roles": [admin_role.id], "password": "Secret123"}, "deputy")
    assert log_of("deputy").status == MutationLog.SUCCESS, log_of("deputy").error
    assert User.objects.get(username="deputy").is_imis_admin
