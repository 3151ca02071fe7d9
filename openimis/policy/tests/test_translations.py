"""Policy and contribution messages in the user's language: French for a French user, English otherwise."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from openimis.contribution import services as contribution_services
from openimis.core.errors import ValidationFailed
from openimis.policy import services as policy_services
from openimis.policy.tests.helpers import new_policy, world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "policy_message", "premium_message"), [
    ("fr", "Seule une police inactive peut être modifiée", "Montant : la valeur doit être supérieure à zéro"),
    ("en", "Only an idle policy can be changed", "Amount must be more than zero"),
])
def test_messages_in_the_language_of_the_caller(admin_gql, admin_user, language, policy_message,
                                                  premium_message):
    data = world(admin_gql)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"], isPaid=True)
    today = datetime.date.today()
    with translation.override(language):
        with pytest.raises(ValidationFailed) as refused_policy:
            policy_services.update_policy(admin_user, {
                "uuid": policy.uuid, "enroll_date": today, "start_date": today, "expiry_date": today,
                "value": "1", "product_id": data["product"].id, "family_id": data["family"].id,
                "officer_id": data["officer"].id})
        with pytest.raises(ValidationFailed) as refused_premium:
            contribution_services.create_premium(admin_user, {
                "policy_uuid": policy.uuid, "amount": "0", "receipt": "T1", "pay_date": today,
                "pay_type": "C"})
    assert str(refused_policy.value.message) == policy_message
    assert str(refused_premium.value.message) == premium_message
