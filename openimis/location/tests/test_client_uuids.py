"""As in 24.10, createLocation / createHealthFacility given a `uuid` create the record with that uuid; a
uuid that is not a UUID, or one another record holds, is refused."""

from __future__ import annotations

import uuid as uuid_module

from openimis.location.models import HealthFacility, Location
from openimis.location.tests.helpers import (
    assert_success,
    error_of,
    health_facility_input,
    location_input,
    make_tree,
    run_mutation,
)


def test_a_location_gets_the_uuid_the_client_chose(admin_gql):
    chosen = str(uuid_module.uuid4())
    assert_success(run_mutation(admin_gql, "createLocation", location_input("CUR", "Chosen", "R",
                                                                            location_uuid=chosen)))
    assert Location.objects.current().get(code="CUR").uuid == chosen
    taken = run_mutation(admin_gql, "createLocation", location_input("CUR2", "Again", "R",
                                                                     location_uuid=chosen))
    assert f"The uuid {chosen} is already used by another record" in error_of(taken)
    malformed = run_mutation(admin_gql, "createLocation", location_input("CUR3", "Bad", "R",
                                                                         location_uuid="nope"))
    assert "uuid is not a valid id" in error_of(malformed)
    assert not Location.objects.filter(code__in=["CUR2", "CUR3"]).exists()


def test_a_health_facility_gets_the_uuid_the_client_chose(admin_gql):
    tree = make_tree("CU", "Chosen")
    chosen = str(uuid_module.uuid4())
    assert_success(run_mutation(admin_gql, "createHealthFacility", health_facility_input(
        "CUHF1", "Chosen HF", tree["district"].id, facility_uuid=chosen)))
    assert HealthFacility.objects.current().get(code="CUHF1").uuid == chosen
    taken = run_mutation(admin_gql, "createHealthFacility", health_facility_input(
        "CUHF2", "Again", tree["district"].id, facility_uuid=chosen))
    assert "is already used by another record" in error_of(taken)
    malformed = run_mutation(admin_gql, "createHealthFacility", health_facility_input(
        "CUHF3", "Bad", tree["district"].id, facility_uuid="nope"))
    assert "uuid is not a valid id" in error_of(malformed)
    assert not HealthFacility.objects.filter(code__in=["CUHF2", "CUHF3"]).exists()
