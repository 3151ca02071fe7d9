"""Where photo files live, and which one a `GET /photos/<folder>/<filename>` names.

A photo row names its file by `folder` + `filename` under PHOTO_ROOT_PATH. Legacy openIMIS wrote Windows
folders (`Images\\Updated\\`); the browser turns those backslashes into slashes when it builds
`/photos/Images/Updated//<file>`, so folders are compared and read in one normal form: the parts between
slashes or backslashes. A folder or name holding `..`, or absolute, names no file."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.db.models import F, QuerySet

from openimis.insuree.models import Photo

SEPARATORS = re.compile(r"[\\/]+")
IMAGE_TYPES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


def folder_parts(folder: str | None) -> tuple[str, ...] | None:
    """The folder as its parts; None when it would leave the photo root."""
    text = folder or ""
    if text.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", text):
        return None
    parts = tuple(part for part in SEPARATORS.split(text) if part)
    if any(part in (".", "..") for part in parts):
        return None
    return parts


def photo_file_path(folder: str | None, filename: str | None) -> Path | None:
    """The file a photo row names, or None when it names none (no filename, or a path that would leave
    PHOTO_ROOT_PATH)."""
    parts = folder_parts(folder)
    if parts is None or not filename or SEPARATORS.search(filename) or filename in (".", ".."):
        return None
    return Path(settings.PHOTO_ROOT_PATH).joinpath(*parts, filename)


def photo_named(rows: QuerySet, folder: str, filename: str) -> Photo | None:
    """The photo row among `rows` whose folder and filename the request names, the current row first."""
    wanted = folder_parts(folder)
    if wanted is None or photo_file_path(folder, filename) is None:
        return None
    for photo in rows.filter(filename=filename).order_by(F("validity_to").asc(nulls_first=True), "-id"):
        if folder_parts(photo.folder) == wanted:
            return photo
    return None


def content_type(content: bytes) -> str:
    """The image type the bytes start with (the file name's extension may not tell the truth)."""
    for magic, kind in IMAGE_TYPES:
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"
