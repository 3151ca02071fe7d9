"""Downloads of the insuree module: the photo files the frontend shows (`/photos/<folder>/<filename>`)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied

from openimis.insuree import photos, selectors, services
from openimis.insuree import rights as insuree_rights

PHOTO_READERS = (insuree_rights.INSUREE_SEARCH, insuree_rights.INSUREE_ENQUIRE)


@api_view(["GET"])
def photo(request, photo_path: str):
    """The file of a photo row: only one a row names (by folder and filename), of an insuree the user
    may see; the folder is everything before the last slash (`Images/Updated/` + `/` + the name)."""
    if not request.user.has_any_right(PHOTO_READERS):
        raise PermissionDenied()
    folder, _, filename = photo_path.rpartition("/")
    found = photos.photo_named(selectors.visible_photos(request.user), folder, filename)
    content = services.stored_photo_bytes(found) if found is not None else None
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=photos.content_type(content))
    response["Cache-Control"] = "private, max-age=3600"
    return response
