"""The openIMIS demo dataset (DEMO_DATASET=true, `manage load_demo_data`) and the legacy table importer."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openimis import cli
from openimis.core import services
from openimis.core.legacy_import import (
    LegacyImportError,
    Table,
    database_is_empty,
    declared_tables,
    history_columns,
    load_tables,
)
from openimis.core.legacy_import.demo import DEMO_DATA, load_demo_dataset
from openimis.core.models import InteractiveUser, Officer, Role, User
from openimis.location.models import HealthFacility, Location
from openimis.medical.models import Diagnosis, Item, Service
from openimis.product.models import Product

# all rows / current rows, as the README of the dataset gives them
README_SIZES = {
    Location: (53, 31), HealthFacility: (29, 15), Item: (257, 257), Service: (90, 81), Diagnosis: (571, 571),
    Product: (11, 4), InteractiveUser: (47, 31), Officer: (47, 14),
}


def csv_rows(table_name: str) -> list[dict]:
    """The rows of a table of the demo dataset; a table the dataset does not ship (payments) has none."""
    path = DEMO_DATA / f"{table_name}.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def demo(db):
    services.ensure_reference_data()  # as `serve` does: its administrator role is replaced by the demo's
    return load_demo_dataset()


def test_every_declared_table_holds_the_rows_of_its_csv(demo):
    tables = [declaration for declaration in declared_tables() if isinstance(declaration, Table)]
    assert {table.name for table in tables} >= {"tblUsers", "tblLocations", "tblHF", "tblProduct",
                                                "tblClaimAdmin", "tblPLServicesDetail", "tblRelDistr"}
    for table in tables:
        # the rights of the system roles are the demo's changed as 24.10's migrations change them
        # (openimis/core/tests/test_system_role_rights.py)
        if table.skip_existing or table.name == "tblRoleRight":
            continue
        rows = csv_rows(table.name)
        stored = table.model._base_manager
        assert stored.count() == len(rows), table.name
        if "ValidityTo" in table.columns:  # a versioned table (tblControls is not): its current rows too
            current = sum(1 for row in rows if not row["ValidityTo"])
            assert stored.filter(validity_to__isnull=True).count() == current, table.name
    for model, sizes in README_SIZES.items():
        stored = model._base_manager
        assert (stored.count(), stored.filter(validity_to__isnull=True).count()) == sizes, model
    assert demo.rows > 3900 and demo.seconds < 30
    # the demo's photo files (already there when an earlier load wrote them to the same folder)
    assert demo.after_load.keys() == {"core.User", "core.RoleRight (24.10 migrations)",
                                      "insuree.demo_photo_files"}
    assert demo.after_load["core.User"] == 31


def test_values_and_references_hold(demo):
    hospital = HealthFacility.objects.get(code="JMHOS001", validity_to__isnull=True)
    assert hospital.pk == 1 and hospital.uuid == "026e088a-fbd5-474e-8d42-069958a34127"
    district = hospital.location
    assert (district.code, district.name, district.type) == ("R1D2", "Jambero", "D")
    assert hospital.location.parent.code == "R1"
    assert hospital.items_pricelist_id == 8 and hospital.services_pricelist_id == 7
    assert hospital.items_pricelist.details.exists() and hospital.services_pricelist.details.exists()
    assert (hospital.level, hospital.care_type, hospital.legal_form_id) == ("H", "B", "G")
    assert hospital.offline is False
    assert hospital.validity_from.isoformat() == "2017-01-01T00:00:00+00:00"

    product = Product.objects.get(code="BCUL0001", validity_to__isnull=True)
    assert product.pk == 4 and product.lump_sum == Decimal("10000.00")
    expected_items = {int(row["ItemID"]) for row in csv_rows("tblProductItems")
                      if row["ProdID"] == "4" and not row["ValidityTo"]}
    assert set(product.items.current().values_list("item_id", flat=True)) == expected_items
    assert product.items.current().count() == len(expected_items) > 200
    # history rows point at the current row, which kept its id
    assert set(Product.objects.history_of(product).values_list("id", flat=True)) == {5, 7, 8, 14}
    assert Product.objects.get(pk=8).legacy_id == 4 and Product.objects.get(pk=8).code == "BCUL0001"

    admin = InteractiveUser.objects.get(login_name="Admin", validity_to__isnull=True)
    assert admin.health_facility_id is None  # HFID 0: no facility
    assert admin.user_roles.filter(role__is_system=64).exists()
    assert Role.objects.current().filter(is_system=64).count() == 1  # the demo's, not a second one
    officer_login = User.objects.get(username="E00001")
    assert officer_login.officer.code == "E00001" and officer_login.i_user.login_name == "E00001"
    assert User.objects.get(username="JMDP0011").claim_admin.health_facility_id == 12


def test_new_rows_get_ids_after_the_loaded_ones(demo):
    region = Location.objects.create(code="RX", name="New region", type="R")
    assert region.pk > Location.objects.exclude(pk=region.pk).order_by("-pk").first().pk


def test_the_demo_admin_logs_in_and_reads_the_demo_over_graphql(demo, gql):
    result = gql.login("Admin", "admin123")
    assert "errors" not in result, result
    assert User.objects.get(username="Admin").has_usable_password()  # the legacy hash was replaced
    regions = gql('{ locations(type: "R") { edges { node { code name } } } }')
    assert "errors" not in regions, regions
    assert sorted(edge["node"]["code"] for edge in regions["data"]["locations"]["edges"]) == ["R1", "R2"]
    products = gql("{ products { totalCount edges { node { code } } } }")
    assert "errors" not in products, products
    assert products["data"]["products"]["totalCount"] == 4
    assert "BCUL0001" in [edge["node"]["code"] for edge in products["data"]["products"]["edges"]]
    assert "errors" in gql.login("Admin", "wrong-password")


def test_loading_twice_is_refused_and_changes_nothing(demo):
    assert not database_is_empty()
    with pytest.raises(LegacyImportError, match="not empty"):
        load_demo_dataset()
    assert Location.objects.count() == 53 and User.objects.count() == 31
    with pytest.raises(CommandError, match="nothing loaded"):
        call_command("load_demo_data", stdout=io.StringIO())


def test_the_command_loads_an_empty_database(db):
    output = io.StringIO()
    call_command("load_demo_data", stdout=output)
    assert "rows from" in output.getvalue() and "Admin / admin123" in output.getvalue()
    assert Product.objects.current().count() == 4


def test_serve_loads_the_demo_only_into_an_empty_database(db, settings, capsys):
    settings.ENV = dataclasses.replace(settings.ENV, demo_dataset=True, migrate=False)
    cli.prepare_database()
    assert "demo dataset loaded" in capsys.readouterr().out
    assert HealthFacility.objects.current().count() == 15
    cli.prepare_database()  # users exist: nothing more, nothing said
    assert "demo dataset" not in capsys.readouterr().out
    assert HealthFacility.objects.count() == 29


def test_serve_leaves_a_database_with_data_but_no_user_alone(db, settings, capsys):
    settings.ENV = dataclasses.replace(settings.ENV, demo_dataset=True, migrate=False)
    Location.objects.create(code="R9", name="Mine", type="R")
    cli.prepare_database()
    assert "not loaded" in capsys.readouterr().out
    assert Location.objects.count() == 1 and not User.all_objects.exists()


# --- the importer itself, on a small made-up export -------------------------------------------------

def write_csv(folder, name: str, text: str) -> None:
    (folder / f"{name}.csv").write_text(text, encoding="utf-8")


def test_importer_converts_filters_and_names_bad_input(db, tmp_path):
    write_csv(tmp_path, "tblLocations",
              "LocationId,LocationCode,LocationName,LocationType,ParentLocationId,MalePopulation,"
              "ValidityFrom,ValidityTo,LegacyID,AuditUserId\n"
              "7,R7,Seven,R,,100,2020-02-03 04:05:06.5+00,,,\n"
              "8,R7,Seven old,R,,,2019-01-01,2020-02-03 04:05:06+00,7,3\n"
              "9,D9,Skipped,D,7,,2019-01-01 00:00:00+00,,,\n")
    columns = {**history_columns("AuditUserId"), "LocationId": "id", "LocationCode": "code",
               "LocationName": "name", "LocationType": "type", "ParentLocationId": "parent",
               "MalePopulation": "male_population"}
    table = Table("tblLocations", Location, columns, converters={"LocationName": str.upper},
                  keep=lambda row: row["LocationType"] == "R")
    report = load_tables(tmp_path, [table])
    assert [(count.current, count.history) for count in report.tables] == [(1, 1)]
    current, old = Location.objects.get(pk=7), Location.objects.get(pk=8)
    assert (current.name, current.male_population, current.audit_user_id) == ("SEVEN", 100, 0)
    assert current.validity_from.microsecond == 500000 and current.validity_from.utcoffset().seconds == 0
    assert (old.legacy_id, old.audit_user_id, old.validity_to.year) == (7, 3, 2020)
    assert not Location.objects.filter(pk=9).exists()

    bad = Table("tblLocations", Location, {**columns, "Families": "families"})
    Location.objects.all().delete()
    with pytest.raises(LegacyImportError, match="no column Families"):
        load_tables(tmp_path, [bad])
    write_csv(tmp_path, "tblLocations", "LocationId,LocationCode,LocationName,LocationType,ParentLocationId,"
              "MalePopulation,ValidityFrom,ValidityTo,LegacyID,AuditUserId\n20,R20,X,R,,many,,,,\n")
    with pytest.raises(LegacyImportError, match="column MalePopulation"):
        load_tables(tmp_path, [table])
    write_csv(tmp_path, "tblLocations", "LocationId,LocationCode,LocationName,LocationType,ParentLocationId,"
              "MalePopulation,ValidityFrom,ValidityTo,LegacyID,AuditUserId\n21,D21,X,D,999,,,,,\n")
    with pytest.raises(LegacyImportError, match="reference does not hold"):
        load_tables(tmp_path, [Table("tblLocations", Location, columns)])
    write_csv(tmp_path, "tblLocations", "LocationId,LocationCode,LocationName,LocationType,ParentLocationId,"
              "MalePopulation,ValidityFrom,ValidityTo,LegacyID,AuditUserId\n30,R30,X,R,,,,,,\n31,R30,Y,R,,,,,,\n")
    with pytest.raises(LegacyImportError, match="tblLocations: rows break a uniqueness rule"):
        load_tables(tmp_path, [Table("tblLocations", Location, columns)])
    assert not Location.objects.exists()


# --- a real `openimis serve` with DEMO_DATASET=true ----------------------------------------------

@pytest.mark.slow
def test_serve_starts_with_the_demo_dataset(tmp_path):
    from tests.live_server import (
        ADMIN,
        HTTPClient,
        OpenIMISProcess,
        database_env,
        drop_database,
        free_port,
        process_env,
        wait_until_answers,
    )

    database = f"openimis_demo_test_{os.getpid()}"
    port = free_port()
    server = OpenIMISProcess(["serve", "--port", str(port), "--threads", "2"], tmp_path,
                             process_env(tmp_path, database_env(database)), "serve")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answers(server, url)
        assert "demo dataset loaded: " in server.output()
        client = HTTPClient(url)
        assert "errors" not in client.login(*ADMIN)
        result = client.graphql("{ healthFacilities { totalCount } products { totalCount } }")
        assert result["data"] == {"healthFacilities": {"totalCount": 15}, "products": {"totalCount": 4}}
    finally:
        server.stop()
        drop_database(database)


def test_empty_texts_stay_empty_and_nulls_stay_null(demo):
    from openimis.insuree.models import Insuree
    from openimis.payer.models import Payer

    rows = {row["InsureeID"]: row for row in csv_rows("tblInsuree")}
    raw = (DEMO_DATA / "tblInsuree.csv").read_text(encoding="utf-8").splitlines()
    assert raw[1].startswith("1,") and ',"",' in raw[1]  # insuree 1: phone written as an empty text
    first = Insuree.objects.get(pk=1)
    assert (first.phone, first.email, first.current_address, first.passport) == ("", "", "", "")
    assert first.geolocation == rows["1"]["GeoLocation"]
    assert first.health_facility_id is None  # an unquoted empty field: NULL
    payer = Payer.objects.get(pk=1)
    assert payer.address.startswith("HR Manager\nCoffee Farmers Association\n") and "\\n" not in payer.address
    assert payer.fax == ""


def test_the_api_answers_the_empty_texts_of_the_demo(demo, gql):
    assert "errors" not in gql.login("Admin", "admin123")
    answer = gql('{ insurees(chfId: "070707070") { edges { node { phone email passport currentAddress '
                 "family { confirmationNo } } } } }")
    assert "errors" not in answer, answer
    node = answer["data"]["insurees"]["edges"][0]["node"]
    assert (node["phone"], node["email"], node["passport"], node["currentAddress"]) == ("", "", "", "")
