"""Codes unique among current rows, held by the database (openimis.core.unique), and the locked history
copy (openimis.core.history). The races themselves are in tests/test_concurrency.py."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.utils import translation

from openimis.core import unique
from openimis.core.errors import ValidationFailed
from openimis.core.history import HistoricalRecordError, lock
from openimis.core.models import Role
from openimis.location import services as location_services
from openimis.location.models import Location

pytestmark = pytest.mark.django_db


def _region(code: str = "UQ") -> Location:
    return location_services.create_location(None, {"type": "R", "code": code, "name": "Unique region"})


def test_a_write_that_passed_the_check_gets_the_check_message():
    _region()
    twin = Location(type="R", code="UQ", name="Twin")  # as if its check ran before the first was written
    with pytest.raises(ValidationFailed) as refused:
        unique.save(twin)
    assert refused.value.message == "Location code UQ is already used"
    assert refused.value.detail == "mutation.location_code_duplicated"
    assert isinstance(refused.value.__cause__, IntegrityError)
    assert Location.objects.current().filter(code="UQ").count() == 1  # the transaction goes on


def test_the_message_is_the_check_message_in_french_too():
    _region()
    with translation.override("fr"):
        with pytest.raises(ValidationFailed) as checked:
            _region()
        with pytest.raises(ValidationFailed) as stopped:
            unique.save(Location(type="R", code="UQ", name="Twin"))
    assert stopped.value.message == checked.value.message
    assert stopped.value.message != "Location code UQ is already used"


def test_history_rows_may_repeat_a_code():
    region = _region()
    location_services.update_location(None, {"uuid": region.uuid, "type": "R", "code": "UQ", "name": "New"})
    location_services.update_location(None, {"uuid": region.uuid, "type": "R", "code": "UQ", "name": "Newer"})
    assert Location.objects.filter(code="UQ").count() == 3
    region.refresh_from_db()
    region.delete_history()
    assert _region().code == "UQ"  # a deleted code is free again


def test_role_names_are_unique_whatever_their_case():
    unique.save(Role(name="Clerks"))
    with pytest.raises(ValidationFailed, match="Role name clerks is already used"):
        unique.save(Role(name="clerks"))


def test_other_integrity_errors_are_not_hidden():
    with pytest.raises(IntegrityError):
        unique.save(Location(type="R", code="UQ", name=None))
    assert _region().code == "UQ"  # the savepoint is gone, the transaction goes on


class _Diagnostic:
    constraint_name = "location_location_unique_current_code"


class _DriverError(Exception):
    diag = _Diagnostic()


@pytest.mark.parametrize("message, expected", [
    ("UNIQUE constraint failed: location_location.code", "location_location_unique_current_code"),
    ('duplicate key value violates unique constraint "location_location_unique_current_code"',
     "location_location_unique_current_code"),
    ("Cannot insert duplicate key row in object 'dbo.location_location' with unique index "
     "'location_location_unique_current_code'.", "location_location_unique_current_code"),
    ("UNIQUE constraint failed: location_location.uuid", "location_location_unique_current_uuid"),
    ("UNIQUE constraint failed: location_location.name", None),
    ("NOT NULL constraint failed: location_location.name", None),
])
def test_the_broken_constraint_is_read_from_each_database_message(message, expected):
    assert unique.violated_constraint(IntegrityError(message), Location) == expected


def test_the_broken_constraint_is_read_from_the_driver_first():
    error = IntegrityError("something else")
    error.__cause__ = _DriverError()
    assert unique.violated_constraint(error, Location) == "location_location_unique_current_code"


def test_an_expression_index_is_named_by_sqlite():
    error = IntegrityError("UNIQUE constraint failed: index 'core_role_unique_current_name'")
    assert unique.violated_constraint(error, Role) == "core_role_unique_current_name"


def test_a_record_deleted_meanwhile_is_not_brought_back():
    region = _region()
    stale = Location.objects.get(pk=region.pk)
    region.delete_history()
    stale.name = "Changed"
    with pytest.raises(HistoricalRecordError):
        stale.save_history()  # the stored row is a deleted one now
    assert not Location.objects.current().filter(pk=region.pk).exists()


def test_lock_reads_the_state_committed_last():
    region = _region()
    Location.objects.filter(pk=region.pk).update(name="Changed elsewhere")
    assert lock(region).name == "Changed elsewhere"


def test_a_uuid_taken_meanwhile_gets_the_message_of_chosen_uuids():
    region = _region()
    with pytest.raises(ValidationFailed) as refused:
        unique.save(Location(type="R", code="UQ2", name="Same uuid", uuid=region.uuid))
    assert refused.value.message == f"The uuid {region.uuid} is already used by another record"
