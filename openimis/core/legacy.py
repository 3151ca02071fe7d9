"""The legacy openIMIS tables of core: languages, roles and their rights, users, officers.

Login users (`core.User`) have no legacy table: one is made per current interactive user once every
table is loaded, linked to the current officer and claim administrator of the same code that have a
login. Its password stays unusable, so the first login checks the legacy hash (`StoredPassword`,
`PrivateKey`) and stores a Django hash (`services.authenticate`).

The system roles then get the rights that openIMIS 24.10's module migrations give them
(`openimis.core.system_role_rights`).
"""

from __future__ import annotations

import uuid

from django.db.models import Q

from openimis.core.legacy_import import AfterLoad, Table, history_columns, zero_is_null
from openimis.core.models import InteractiveUser, Language, Officer, Role, RoleRight, User, UserRole
from openimis.core.system_role_rights import apply_system_role_rights

TABLES = [
    # not modelled: CountryCode
    Table("tblLanguages", Language,
          {"LanguageCode": "code", "LanguageName": "name", "SortOrder": "sort_order"}, skip_existing=True),
    # the administrator role that `ensure_reference_data` made before any user exists is replaced
    Table("tblRole", Role, {
        **history_columns(), "RoleID": "id", "RoleUUID": "uuid", "RoleName": "name",
        "AltLanguage": "alt_language", "IsSystem": "is_system", "IsBlocked": "is_blocked",
    }, replaceable=Q(is_system__gt=0, user_roles__isnull=True)),
    Table("tblRoleRight", RoleRight, {
        **history_columns("AuditUserId"), "RoleRightID": "id", "RoleID": "role", "RightID": "right_id",
    }),
    # not modelled: DummyPwd, password (the encrypted password of the old web application)
    Table("tblUsers", InteractiveUser, {
        **history_columns(), "UserID": "id", "UserUUID": "uuid", "LoginName": "login_name",
        "LastName": "last_name", "OtherNames": "other_names", "Phone": "phone", "EmailId": "email",
        "LanguageID": "language", "HFID": "health_facility", "RoleID": "role_id",
        "IsAssociated": "is_associated", "PasswordValidity": "password_validity",
        "PrivateKey": "private_key", "StoredPassword": "stored_password",
    }, converters={"HFID": zero_is_null}),
    # not modelled: Assign
    Table("tblUserRole", UserRole, {
        **history_columns("AudituserID"), "UserRoleID": "id", "UserID": "user", "RoleID": "role",
    }),
    # not modelled: RowID
    Table("tblOfficer", Officer, {
        **history_columns(), "OfficerID": "id", "OfficerUUID": "uuid", "Code": "code",
        "LastName": "last_name", "OtherNames": "other_names", "DOB": "dob", "Phone": "phone",
        "EmailId": "email", "permanentaddress": "address", "LocationId": "location",
        "OfficerIDSubst": "substitution_officer", "WorksTo": "works_to", "VEOCode": "veo_code",
        "VEOLastName": "veo_last_name", "VEOOtherNames": "veo_other_names", "VEODOB": "veo_dob",
        "VEOPhone": "veo_phone", "PhoneCommunication": "phone_communication", "HasLogin": "has_login",
    }),
]


def _current_with_login(model) -> dict[str, int]:
    """code -> id of the current rows of an officer-like model that have a login."""
    rows = model._base_manager.filter(validity_to__isnull=True, has_login=True)
    return dict(rows.values_list("code", "id"))


def create_login_users() -> int:
    """One login user per current interactive user (its id is the interactive user's uuid)."""
    officers = _current_with_login(Officer)
    claim_admins = _current_with_login(User._meta.get_field("claim_admin").related_model)
    users = []
    for i_user in InteractiveUser.objects.current().order_by("id"):
        user = User(id=uuid.UUID(i_user.uuid), username=i_user.login_name, i_user=i_user,
                    officer_id=officers.get(i_user.login_name),
                    claim_admin_id=claim_admins.get(i_user.login_name), validity_from=i_user.validity_from)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    return len(users)


def add_rights_of_24_10() -> int:
    """The rights 24.10's module migrations give the system roles of a legacy database."""
    return apply_system_role_rights(Role, RoleRight)


TABLES.append(AfterLoad("core.User", create_login_users, writes=(User,)))
TABLES.append(AfterLoad("core.RoleRight (24.10 migrations)", add_rights_of_24_10))
