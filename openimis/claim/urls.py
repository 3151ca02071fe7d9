"""REST paths of the claim module, mounted at /<SITE_ROOT>claim/."""

from django.urls import path

from openimis.claim import views

urlpatterns = [
    path("print/", views.print_claim, name="claim_print"),
    path("attach", views.attachment, name="claim_attachment"),
]
