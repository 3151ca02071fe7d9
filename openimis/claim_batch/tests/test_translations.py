"""Batch run messages in the user's language: French for a French user, English otherwise."""

from __future__ import annotations

import uuid

import pytest
from django.utils import translation

from openimis.claim.models import BatchRun
from openimis.claim.tests.claim_fixtures import appendix_b_world
from openimis.claim_batch import services
from openimis.claim_batch.tests.test_gql import PROCESS
from openimis.core import services as core_services
from openimis.core.errors import ServiceError
from openimis.core.tests.helpers import errors_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return appendix_b_world()


def refusal(*args) -> str:
    with pytest.raises(ServiceError) as caught:
        services.process_batch(*args)
    return str(caught.value.message)


@pytest.mark.parametrize(("language", "messages"), [
    ("fr", ["Déjà exécuté auparavant", "L'année et le mois du traitement par lots sont obligatoires",
            "Le mois doit être compris entre 1 et 12",
            "Un traitement par lots porte sur un mois passé ou le mois en cours", "Localisation inconnue",
            "Un traitement par lots porte sur une région ou un district"]),
    ("en", ["Already run before", "The year and the month of the batch run are mandatory",
            "The month must be between 1 and 12", "A batch run is for a past or the current month",
            "Unknown location", "A batch run is for a region or a district"]),
])
def test_refusals_in_french_and_in_english(admin_user, world, language, messages):
    services.process_batch(admin_user, None, 2024, 4)
    with translation.override(language):
        found = [refusal(admin_user, None, 2024, 4), refusal(admin_user, None, None, 4),
                 refusal(admin_user, None, 2024, 0), refusal(admin_user, None, 2999, 1),
                 refusal(admin_user, 987654, 2024, 4), refusal(admin_user, world.village.pk, 2024, 4)]
    assert found == messages
    assert BatchRun.objects.count() == 1


def test_a_french_user_gets_the_errors_of_process_batch_in_french(gql, world):
    admin = core_services.create_administrator("Admin", "admin123", "Admin", "Admin")
    core_services.change_user_language(admin, "fr")
    assert "errors" not in gql.login("Admin", "admin123")
    client_mutation_id = str(uuid.uuid4())
    gql(PROCESS, {"input": {"year": 2024, "month": 13, "clientMutationId": client_mutation_id}})
    assert [error["message"] for error in errors_of(client_mutation_id)] == [
        "Le mois doit être compris entre 1 et 12"]
    assert translation.get_language() in (None, "en", "en-us")
