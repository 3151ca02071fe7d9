"""REST paths of the claim_batch module, mounted at /<SITE_ROOT>claim_batch/."""

from django.urls import path

from openimis.claim_batch import views

urlpatterns = [
    path("report/", views.account_preview, name="claim_batch_account_preview"),
]
