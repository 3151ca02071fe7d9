# openIMIS Lite: one image for every process of a site; the command says which one it is.
#
#   docker build -t openimis-lite .
#   docker run ... openimis-lite                              openimis serve --host 0.0.0.0 (the default)
#   docker run ... openimis-lite openimis worker              a Celery worker (needs CELERY_BROKER_URL)
#   docker run ... openimis-lite openimis scheduler           the scheduled jobs: exactly one per site
#
# deploy/compose.yaml runs the scaled-out layout with it (README, "Scaling out").

# --- the web frontend: npm ci, then the esbuild bundle into openimis/web/build --------------------------
FROM node:20-slim AS frontend
WORKDIR /src/frontend
# the lock file alone first: the installed packages stay cached while only our sources change
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN mkdir -p /src/openimis/web && npm run build && test -f /src/openimis/web/build/index.html

# --- the Python program, with PostgreSQL, Celery and Redis support --------------------------------------
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY openimis/ openimis/
COPY --from=frontend /src/openimis/web/build/ openimis/web/build/
# not editable: the wheel carries the frontend build and the compiled translations; the `celery` extra
# brings the `redis` package too (CACHE_URL=redis://...)
RUN pip install ".[postgresql,celery]" \
    && python -c "from openimis.web.build import build_present; assert build_present(), 'no frontend'" \
    && cd / && rm -rf /src

# a user of its own, and the data folder (uploads, photos; the SQLite file when no DB_* is set) a volume
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin \
        openimis \
    && mkdir -p /data \
    && chown openimis:openimis /data
ENV OPENIMIS_DATA_DIR=/data
VOLUME ["/data"]
WORKDIR /data
USER openimis

EXPOSE 8000
# liveness (/api/health): answered without the database and without a Host check, even when every request
# thread is busy. Only `serve` listens (on 8000, as CMD says: a serve on another port needs its own
# check); compose turns the check off for worker, scheduler and migrate.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=2)"]
CMD ["openimis", "serve", "--host", "0.0.0.0", "--port", "8000"]
