"""URL map: GraphQL at /<SITE_ROOT>graphql, each module's URLs under /<SITE_ROOT><module>/, admin, health."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from openimis.core.views import health
from openimis.graphql.view import OpenIMISGraphQLView
from openimis.modules import module_configs

root = settings.SITE_ROOT

urlpatterns = [
    path(f"{root}graphql", OpenIMISGraphQLView.as_view(), name="graphql"),
    path(f"{root}health", health, name="health"),
    path("health", health),
    path("admin/", admin.site.urls),
]

for module in module_configs():
    if module.urls:
        urlpatterns.append(path(f"{root}{module.logical_name}/", include(module.urls)))
    if getattr(module, "root_urls", None):  # paths a frontend asks outside the module's prefix
        urlpatterns.append(path("", include(module.root_urls)))

# the web frontend: / -> /front/, /front/..., /keepLegacyAlive
urlpatterns.append(path("", include("openimis.web.urls")))
