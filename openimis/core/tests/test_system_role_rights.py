"""Issue 11, part 2: the system roles of the demo have the rights of openIMIS 24.10, i.e. the rights of the
demo dataset changed as 24.10's module migrations change them (`openimis.core.system_role_rights`)."""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict

import pytest
from django.utils import timezone

from openimis.core import services
from openimis.core.legacy_import.demo import DEMO_DATA, load_demo_dataset
from openimis.core.models import Role, RoleRight, User
from openimis.core.system_role_rights import ADDED, REMOVED, apply_system_role_rights

pytestmark = pytest.mark.django_db

# the rights 24.10 leaves to each system role of the demo, written out (legacy rights + migrations)
RIGHTS_OF_24_10 = {
    # enrolment officer: families, insurees, policies, contributions; no claims any more (claim 0015);
    # locations, products and payers to search (location 0008, product 0003, payer 0006)
    1: {101001, 101002, 101003, 101004, 101101, 101102, 101103, 101104, 101105, 101201, 101202, 101203,
        101204, 101205, 101301, 101302, 101303, 101304, 121901, 121001, 121801},
    2: {101105, 131201, 131202, 131203, 131208},
    4: {101001, 101101, 101105, 101201, 101301, 101401, 101402, 101403, 101404, 111101, 111102, 111103,
        131204, 131205, 131206, 131210, 131211, 131212, 131213, 131214, 131215, 131216, 131217, 131218,
        131219, 131220, 131221, 131222, 131401, 121901},
    8: {101001, 101002, 101003, 101004, 101101, 101102, 101103, 101104, 101105, 101201, 101202, 101203,
        101204, 101205, 101301, 101302, 101303, 101304, 121901},
    16: {111001, 111008, 111009, 111010, 111011, 131223, 101201},
    32: {101105, 121001, 121002, 121003, 121004, 121005, 121101, 121102, 121103, 121104, 121201, 121202,
         121203, 121204, 121205, 121301, 121302, 121303, 121304, 121305, 121401, 121402, 121403, 121404,
         121501, 121502, 121503, 121504, 121601, 121602, 121603, 121604, 121801, 121802, 121803, 121804,
         122101, 122102, 122103, 122104, 131001, 131002, 131003, 131004, 131101, 131102, 131103, 131104,
         131105, 131106, 131209},
    64: {101105, 121701, 121702, 121703, 121704, 121901, 121902, 121903, 121904, 121905, 122000, 122001,
         122002, 122003, 122004, 122005, 131005, 131006, 131207, 131301, 131302, 131303, 131304, 121906,
         111012},
    128: {101001, 101101, 101105, 101201, 121901},
    # claim administrator: claims, plus insuree search and enquiry, family and policy search (core
    # 0015), locations (location 0009), restoring claims (claim 0024)
    256: {111001, 111002, 111004, 111005, 111006, 111007, 101001, 101101, 101105, 101201, 121901, 111012},
    512: {111001, 111002, 111005},
    524288: {121701, 121702, 121703, 121704, 131101, 131103, 131301, 131302, 131303, 131304},
    1048576: {121701, 121702, 121703, 121704, 131101, 131103, 131301, 131302, 131303, 131304},
}


def current_rights_by_system_role() -> dict[int, set[int]]:
    rights = defaultdict(set)
    for is_system, right_id in RoleRight.objects.current().filter(
            role__validity_to__isnull=True, role__is_system__gt=0).values_list("role__is_system", "right_id"):
        rights[is_system].add(right_id)
    return dict(rights)


def demo_csv_rights() -> dict[int, set[int]]:
    """The current rights of each system role in the CSV files of the demo, by is_system."""
    with (DEMO_DATA / "tblRole.csv").open(newline="", encoding="utf-8") as file:
        system_of = {row["RoleID"]: int(row["IsSystem"]) for row in csv.DictReader(file)
                     if not row["ValidityTo"] and int(row["IsSystem"])}
    rights = defaultdict(set)
    with (DEMO_DATA / "tblRoleRight.csv").open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if not row["ValidityTo"] and row["RoleID"] in system_of:
                rights[system_of[row["RoleID"]]].add(int(row["RightID"]))
    return dict(rights)


@pytest.fixture
def demo(db):
    services.ensure_reference_data()
    return load_demo_dataset()


def test_every_system_role_of_the_demo_has_the_rights_of_24_10(demo):
    assert current_rights_by_system_role() == RIGHTS_OF_24_10


def test_the_written_out_rights_are_the_demo_changed_by_the_table():
    """The list above and the table of changes agree: demo rights - removed + added."""
    expected = demo_csv_rights()
    for change in REMOVED:
        expected[change.system_role] -= set(change.rights)
    for change in ADDED:
        expected[change.system_role] |= set(change.rights)
    assert expected == RIGHTS_OF_24_10


def test_the_claim_administrator_searches_insurees_and_enquires_and_the_officer_reads_the_medical_lists(demo):
    claim_admin = current_rights_by_system_role()[256]
    assert {101101, 101105} <= claim_admin
    officer = current_rights_by_system_role()[1]
    assert not {111001, 111009} & officer
    # the rights taken away are ended, not erased
    ended = RoleRight.objects.filter(role__is_system=1, right_id__in=(111001, 111009))
    assert ended.count() == 2 and all(row.validity_to is not None for row in ended)


def test_applying_twice_changes_nothing(demo):
    before = sorted(RoleRight.objects.values_list("id", "right_id", "validity_to"))
    assert apply_system_role_rights(Role, RoleRight) == 0
    assert sorted(RoleRight.objects.values_list("id", "right_id", "validity_to")) == before


def test_a_right_taken_away_before_stays_away_and_history_roles_are_left_alone():
    """As 24.10's migrations: a right the role ever had (even ended) is not added again; the changes go to
    the current role of each system role, not to its history rows nor to custom roles."""
    now = timezone.now()
    officer = Role.objects.create(name="Enrolment Officer", is_system=1)
    RoleRight.objects.create(role=officer, right_id=121901, validity_to=now - datetime.timedelta(days=1))
    RoleRight.objects.create(role=officer, right_id=111001)
    old_version = Role.objects.create(name="Enrolment Officer", is_system=1, validity_to=now,
                                      legacy_id=officer.pk)
    custom = Role.objects.create(name="Own role", is_system=0)
    RoleRight.objects.create(role=custom, right_id=111001)
    written = apply_system_role_rights(Role, RoleRight)
    assert written == 3  # 111001 ended, 121001 and 121801 added
    assert set(RoleRight.objects.current().filter(role=officer).values_list("right_id", flat=True)) == {
        121001, 121801}
    assert not RoleRight.objects.filter(role=old_version).exists()
    assert RoleRight.objects.current().get(role=custom).right_id == 111001


def test_the_migration_gives_the_rights_to_a_database_that_has_the_roles():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("openimis.core.migrations.0005_system_role_rights_of_24_10")
    claim_admin = Role.objects.create(name="Claim Administrator", is_system=256)
    RoleRight.objects.create(role=claim_admin, right_id=111001)
    migration.add_rights(apps, None)
    assert set(RoleRight.objects.current().filter(role=claim_admin).values_list("right_id", flat=True)) == {
        111001, 101001, 101101, 101105, 101201, 121901, 111012}


# --- over HTTP -----------------------------------------------------------------------------------

def test_a_claim_administrator_of_the_demo_searches_insurees_and_their_policies(demo, gql):
    result = gql.login("JMDP0011", "JMDP0011")  # the demo's password of this claim administrator
    assert "errors" not in result, result
    insurees = gql("{ insurees(first: 5) { totalCount edges { node { chfId lastName } } } }")
    assert "errors" not in insurees, insurees
    chf_id = insurees["data"]["insurees"]["edges"][0]["node"]["chfId"]
    families = gql("{ families(first: 1) { totalCount } }")
    assert "errors" not in families, families
    policies = gql(f'{{ policiesByInsuree(chfId: "{chf_id}") {{ totalCount }} }}')
    assert "errors" not in policies, policies
    # what 24.10 still keeps from a claim administrator
    assert gql("{ users { totalCount } }")["errors"][0]["message"] == "unauthorized"


def test_an_enrolment_officer_of_the_demo_reads_the_medical_lists_and_the_products(demo, gql):
    officer = User.objects.get(username="E00001")
    officer.set_password("Officer123")  # the demo's password of the officers is not published
    officer.save()
    assert "errors" not in gql.login("E00001", "Officer123")
    for root in ("medicalItems", "medicalServices"):
        result = gql(f"{{ {root}(first: 5) {{ totalCount edges {{ node {{ code name price }} }} }} }}")
        assert "errors" not in result, result
        assert result["data"][root]["totalCount"] > 0
    assert "errors" not in gql("{ products(first: 5) { totalCount } }")
    assert gql("{ users { totalCount } }")["errors"][0]["message"] == "unauthorized"
