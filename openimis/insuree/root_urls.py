"""URLs the frontend asks at the root of the site, outside `/<SITE_ROOT>insuree/`."""

from django.urls import path

from openimis.insuree import views

urlpatterns = [
    path("photos/<path:photo_path>", views.photo, name="insuree_photo"),
]
