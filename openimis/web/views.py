"""The built frontend: `/front/<file>` when it exists, else `index.html` (deep links), with cache headers and
the pre-compressed copies the build writes beside each asset."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

from openimis.web.build import BUILD_DIR, missing_build_message

IMMUTABLE = "public, max-age=31536000, immutable"  # static/ names carry a content hash
REVALIDATE = "no-cache"
NOT_FOUND_EVEN_AS_DEEP_LINK = {"service-worker.js"}  # never answer index.html where a script is expected
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".woff2": "font/woff2",
         ".woff": "font/woff", ".json": "application/json", ".html": "text/html", ".txt": "text/plain"}


def _content_type(path: Path) -> str:
    content_type = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type in {"application/json", "image/svg+xml"}:
        content_type += "; charset=utf-8"
    return content_type


def _resolve(build_dir: Path, relative: str) -> Path | None:
    """The file under build_dir named by the URL path, or None (missing, a folder, or outside build_dir)."""
    if "\x00" in relative or "\\" in relative:
        return None
    candidate = (build_dir / relative).resolve()
    if not candidate.is_relative_to(build_dir.resolve()) or not candidate.is_file():
        return None
    if candidate.name.endswith((".gz", ".br")):  # compressed copies: only through Accept-Encoding
        return None
    return candidate


def _accepts(request, encoding: str) -> bool:
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    for part in accepted.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() == encoding:
            return params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}
    return False


def _serve(request, path: Path, cache_control: str):
    stat = path.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    if etag in {tag.strip() for tag in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")}:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = cache_control
        return response
    chosen, encoding = path, None
    for name, suffix in ENCODINGS:
        compressed = path.with_name(path.name + suffix)
        if compressed.is_file() and _accepts(request, name):
            chosen, encoding = compressed, name
            break
    response = FileResponse(chosen.open("rb"), content_type=_content_type(path))
    if encoding:
        response["Content-Encoding"] = encoding
    if any(path.with_name(path.name + suffix).is_file() for _, suffix in ENCODINGS):
        response["Vary"] = "Accept-Encoding"
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _not_built() -> HttpResponse:
    message = missing_build_message() or "the web frontend is not built"
    body = ("<!doctype html><html lang=en><meta charset=utf-8><title>openIMIS: frontend not built</title>"
            "<body style='font-family:sans-serif;max-width:46rem;margin:10vh auto'>"
            "<h1>The openIMIS web frontend is not built</h1>"
            f"<p>{_escape(message)}</p></body></html>")
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@require_safe
def frontend(request, resource: str = ""):
    build_dir = BUILD_DIR
    index = build_dir / "index.html"
    if not index.is_file():
        return _not_built()
    if resource in NOT_FOUND_EVEN_AS_DEEP_LINK:
        raise Http404("no service worker")
    if resource and resource != "index.html":
        found = _resolve(build_dir, resource)
        if found is not None:
            return _serve(request, found, IMMUTABLE if resource.startswith("static/") else REVALIDATE)
        if resource.startswith("static/") or _looks_like_file(resource):
            raise Http404("no such file in the frontend build")
    return _serve(request, index, REVALIDATE)


def _looks_like_file(resource: str) -> bool:
    """A missing `/front/x.js` is a 404, not index.html (a browser would try to run the HTML as a script)."""
    return Path(resource).suffix in TYPES or Path(resource).suffix in {".map", ".png", ".ico", ".webmanifest"}


def keep_legacy_alive(request):
    """fe-core pings this every 5 minutes (a leftover of the legacy openIMIS web app): nothing to do."""
    return HttpResponse(status=204)
