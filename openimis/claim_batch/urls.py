"""REST paths of the claim_batch module, mounted at /<SITE_ROOT>claim_batch/."""

urlpatterns: list = []
