"""REST downloads of the claim module: the printed claim (`print/?uuid=`, a PDF) and the file of a claim
attachment (`attach?id=`). The user is the one of the JWT cookie or Bearer token, as for GraphQL; the
answers without a file are small JSON bodies ({"detail": ...}) like the other REST views'."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from openimis.claim import attachments, printing, selectors
from openimis.claim.rights import CLAIM_PRINT, CLAIM_READ
from openimis.core import inputs


def _bad_request(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_400_BAD_REQUEST)


@api_view(["GET"])
def print_claim(request):
    """The PDF of one claim the user may see, for holders of the print right (111006)."""
    if not request.user.has_any_right([CLAIM_PRINT]):
        raise PermissionDenied()
    claim_uuid = inputs.uuid_or_none(request.query_params.get("uuid"))
    if claim_uuid is None:
        return _bad_request(_("uuid: a claim uuid is required"))
    claim = selectors.claim_by(request.user, uuid=claim_uuid)
    if claim is None:
        raise NotFound(_("No such claim"))
    content = printing.claim_pdf(printing.printable_claim(claim.pk))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="claim-{_safe_name(claim.code)}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@api_view(["GET"])
def attachment(request):
    """The file of one attachment of a claim the user may see, for the claim readers."""
    if not request.user.has_any_right(CLAIM_READ):
        raise PermissionDenied()
    attachment_id = inputs.uuid_or_none(request.query_params.get("id"))
    if attachment_id is None:
        return _bad_request(_("id: an attachment id (uuid) is required"))
    found = attachments.attachment_file(request.user, attachment_id)
    if found is None:
        raise NotFound(_("No such attachment"))
    path, filename, mime = found
    return FileResponse(open(path, "rb"), as_attachment=True, filename=filename or path.name,
                        content_type=mime or "application/octet-stream")


def _safe_name(code: str) -> str:
    """The claim code as a file name: letters, digits, dash, dot and underscore kept, the rest '_'."""
    return "".join(char if char.isalnum() or char in "-._" else "_" for char in code) or "claim"
