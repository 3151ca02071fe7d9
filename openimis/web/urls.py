"""`/` -> `/front/`; the built frontend under `/front/`; `/keepLegacyAlive`."""

from __future__ import annotations

from django.urls import path, re_path
from django.views.generic.base import RedirectView

from openimis.web import views

urlpatterns = [
    path("", RedirectView.as_view(url="/front/", permanent=False), name="root"),
    path("keepLegacyAlive", views.keep_legacy_alive, name="keep-legacy-alive"),
    path("front", RedirectView.as_view(url="/front/", permanent=False)),
    re_path(r"^front/(?P<resource>.*)$", views.frontend, name="frontend"),
]
