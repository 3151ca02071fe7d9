"""Static files (Django admin, GraphiQL) served by WhiteNoise, indexed when first asked for."""

from __future__ import annotations

import threading

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise's middleware, except that the static files of the installed apps (found by Django's
    finders: 155 files, each stat-ed and given its headers, about 15 ms) are indexed at the first request
    under `STATIC_URL` instead of at start-up. The API never asks for them; the admin pages do."""

    def __init__(self, get_response=None, settings=settings):
        self._finder_files_pending = False
        self._indexing = threading.Lock()
        super().__init__(get_response, settings)

    def add_files_from_finders(self):
        self._finder_files_pending = True  # WhiteNoise calls this from __init__; done in __call__

    def __call__(self, request):
        if self._finder_files_pending and request.path_info.startswith(self.static_prefix):
            with self._indexing:
                if self._finder_files_pending:
                    super().add_files_from_finders()
                    self._finder_files_pending = False
        return super().__call__(request)
