"""Searcher exports (`<list>Export` root queries): a table written to a file under MEDIA_ROOT/exports,
named by a random token that the query returns; the frontend then downloads it from
`GET /<SITE_ROOT>core/fetch_export?export=<token>` (`fetch_export` below). Only the user who asked for
an export, or a user holding one of the rights the export names, may download it. Files older than a
day are removed when a new export is written."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied as RestPermissionDenied

from openimis.core import xlsx
from openimis.core.errors import ValidationFailed

CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KEEP_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def export_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def checked_format(file_format: str | None) -> str:
    """The file format asked for (csv when none is given), else a ValidationFailed."""
    chosen = (file_format or "csv").strip().lower()
    if chosen not in CONTENT_TYPES:
        raise ValidationFailed(_("Export file format %(format)s is not supported (csv, xlsx)")
                               % {"format": file_format})
    return chosen


def table_bytes(header: Sequence[str], rows: Iterable[Sequence], file_format: str) -> bytes:
    """The table as a file of `file_format` (csv in UTF-8 with a byte order mark, for spreadsheets)."""
    if file_format == "xlsx":
        return xlsx.workbook_bytes(header, rows)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return text.getvalue().encode("utf-8-sig")


def store_export(user, model_name: str, file_format: str, content: bytes,
                 readers: Sequence[int] = ()) -> str:
    """Keep an export's file for `user` and return its token. `readers`: rights whose holders may
    download it too."""
    folder = export_folder()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_old_exports(folder)
    token = uuid.uuid4().hex
    (folder / f"{token}.{file_format}").write_bytes(content)
    meta = {"user": str(user.pk), "model": model_name, "format": file_format, "readers": list(readers),
            "created": timezone.now().isoformat()}
    (folder / f"{token}.json").write_text(json.dumps(meta))
    return token


def _remove_old_exports(folder: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:  # removed meanwhile by another process
            continue


def _may_read(user, meta: dict) -> bool:
    return meta.get("user") == str(user.pk) or user.has_any_right(meta.get("readers") or [])


@api_view(["GET"])
def fetch_export(request):
    token = request.query_params.get("export") or ""
    if not TOKEN.match(token):
        raise Http404
    folder = export_folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
    except (OSError, ValueError):
        raise Http404 from None
    if not _may_read(request.user, meta):
        raise RestPermissionDenied(_("Only the user who asked for an export can fetch it"))
    file_format = meta["format"]
    path = folder / f"{token}.{file_format}"
    if not path.is_file():
        raise Http404
    day = timezone.localdate(timezone.datetime.fromisoformat(meta["created"])).strftime("%d_%m_%Y")
    return FileResponse(path.open("rb"), as_attachment=True, content_type=CONTENT_TYPES[file_format],
                        filename=f"export_{meta['model']}_{day}.{file_format}")
