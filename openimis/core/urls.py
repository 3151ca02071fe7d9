from django.urls import path

from openimis.core import exports, views

urlpatterns = [
    path("users/current_user/", views.current_user, name="current_user"),
    path("fetch_export", exports.fetch_export, name="fetch_export"),
]
