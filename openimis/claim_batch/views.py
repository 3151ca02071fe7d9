"""REST downloads of the claim_batch module: the account preview (`report/`, a PDF) the frontend's
account previewer opens. The user is the one of the JWT cookie or Bearer token, as for GraphQL; the
answers without a file are small JSON bodies ({"detail": ...}) like the other REST views'."""

from __future__ import annotations

from django.http import HttpResponse
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from openimis.claim_batch import preview
from openimis.claim_batch.rights import BATCH_RUN_ACCOUNT_PREVIEW
from openimis.core.errors import ValidationFailed


@api_view(["GET"])
def account_preview(request):
    """The account preview PDF of the valuated claims the user may see, for holders of right 111103."""
    if not request.user.has_any_right([BATCH_RUN_ACCOUNT_PREVIEW]):
        raise PermissionDenied("unauthorized")  # openIMIS's text, which its frontend knows
    try:
        parameters = preview.parameters_from(request.query_params)
    except ValidationFailed as error:
        return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
    figures = preview.account_preview(request.user, parameters)
    content = preview.preview_pdf(preview.preview_data(figures, parameters))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="account-preview.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
