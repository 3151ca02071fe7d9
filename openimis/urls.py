"""URL map: GraphQL at /<SITE_ROOT>graphql, each module's URLs under /<SITE_ROOT><module>/, admin, health."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from openimis.core.views import health, health_ready
from openimis.graphql.view import OpenIMISGraphQLView
from openimis.modules import module_configs

root = settings.SITE_ROOT

urlpatterns = [
    path(f"{root}graphql", OpenIMISGraphQLView.as_view(), name="graphql"),
    path(f"{root}health", health, name="health"),
    path(f"{root}health/live", health),
    path(f"{root}health/ready", health_ready, name="health_ready"),
    path("health", health),
    path("health/live", health),
    path("health/ready", health_ready),
    path("admin/", admin.site.urls),
]

for module in module_configs():
    if module.urls:
        urlpatterns.append(path(f"{root}{module.logical_name}/", include(module.urls)))
    if module.root_urls:  # paths a frontend asks outside the module's prefix
        urlpatterns.append(path("", include(module.root_urls)))

# the web frontend: / -> /front/, /front/..., /keepLegacyAlive
urlpatterns.append(path("", include("openimis.web.urls")))
