"""REST endpoints of the core module."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from rest_framework.decorators import api_view
from rest_framework.response import Response


def current_user_payload(user) -> dict:
    i_user = user.i_user
    return {
        "id": str(user.id),
        "username": user.username,
        "i_user": {
            "id": i_user.id,
            "language": i_user.language_id,
            "last_name": i_user.last_name,
            "other_names": i_user.other_names,
            "health_facility_id": i_user.health_facility_id,
            "rights": sorted(frontend_rights(user)),
            "has_password": user.has_usable_password(),
        } if i_user else None,
        "t_user": None,
    }


def frontend_rights(user) -> set[int]:
    """The rights the frontend shows menus and actions for: those the enabled modules declare, that the
    user holds (an IMIS administrator holds them all). A right of a module that is not enabled (a role of
    an imported openIMIS database grants claim rights while no claim backend answers) shows nothing that
    cannot work."""
    from openimis.modules import module_configs

    declared = {code for config in module_configs() for code in config.rights.values()}
    return declared if user.is_imis_admin else declared & set(user.rights)


@api_view(["GET"])
def current_user(request):
    return Response(current_user_payload(request.user))


def health(request):
    """Liveness, for load balancers: the process answers (no database work). The gateway of
    `openimis.wsgi.application` answers these paths before Django; this view answers a request that
    reaches Django itself (the test client, an application mounted without the gateway)."""
    from openimis.core.health import LIVENESS_BODY

    return HttpResponse(LIVENESS_BODY, content_type="application/json", headers={"Cache-Control": "no-store"})


def health_ready(request):
    """Readiness: the database and, when CELERY_BROKER_URL is set, the broker answer; else 503 and why."""
    from openimis.core.health import readiness

    status, body = readiness()
    return JsonResponse(body, status=status, headers={"Cache-Control": "no-store"})
