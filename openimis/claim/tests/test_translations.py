"""The claim module's refusals in the user's language (French catalogue)."""

from __future__ import annotations

import pytest
from django.utils import translation

from openimis.claim import entry, processing
from openimis.claim.tests.claim_fixtures import appendix_b_world
from openimis.core import services as core_services
from openimis.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language, expected", [
    ("en", "Only a checked claim can be processed"),
    ("fr", "Seule une réclamation vérifiée peut être traitée"),
])
def test_processing_an_entered_claim_is_refused_in_the_users_language(language, expected):
    world = appendix_b_world()
    claim = world.appendix_b_claim()
    admin = core_services.create_administrator("tradmin", "Tr-pass-123", "Tr", "Admin")
    with translation.override(language), pytest.raises(ValidationFailed) as refused:
        processing.process_claim(admin, claim.uuid)
    assert refused.value.message == expected


def test_a_taken_code_is_refused_in_french():
    world = appendix_b_world()
    claim = world.appendix_b_claim()
    with translation.override("fr"):
        message = entry.code_taken(claim).message
    assert message == f"Le code de réclamation {claim.code} est déjà utilisé par une autre réclamation de " \
                      "cet établissement de santé"
