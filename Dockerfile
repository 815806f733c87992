# syntax=docker/dockerfile:1
# Ceasewatch in one image: the API, the scheduler (worker) and the shipped model.
#
#   docker build -t ceasewatch .
#   docker run -p 8000:8000 -v ceasewatch-data:/var/lib/ceasewatch \
#       -e CEASEWATCH_ADMIN_KEY=... ceasewatch            # SQLite in the volume, API + worker
#   docker compose up -d                                  # PostgreSQL, an API and workers
#
# Both stages use the same base so the virtual environment copied from the first runs on the
# second's interpreter at the same path.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
COPY . /src
# The same script tests/flows/test_wheel_install.py runs: build the wheel, install it into a
# fresh venv, add the healthcheck script, check the entry point starts.
RUN --mount=type=cache,target=/root/.cache/pip \
    sh /src/docker/install.sh /src /opt/ceasewatch

FROM ${PYTHON_IMAGE} AS runtime
# A fixed numeric id, so orchestrators that require a non-root user can verify it.
RUN groupadd --system --gid 10001 ceasewatch \
 && useradd --system --uid 10001 --gid ceasewatch --home-dir /var/lib/ceasewatch \
        --shell /usr/sbin/nologin ceasewatch \
 && mkdir -p /var/lib/ceasewatch/data /var/lib/ceasewatch/models \
 && chown -R ceasewatch:ceasewatch /var/lib/ceasewatch
COPY --from=builder /opt/ceasewatch /opt/ceasewatch

# Defaults for a single container; compose.yaml points the database at PostgreSQL instead.
# The SQLite file and trained models live in the volume, so a new image keeps them.
ENV PATH=/opt/ceasewatch/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CEASEWATCH_DATABASE_URL=sqlite:////var/lib/ceasewatch/data/ceasewatch.db \
    CEASEWATCH_MODEL_DIR=/var/lib/ceasewatch/models \
    CEASEWATCH_HOST=0.0.0.0 \
    CEASEWATCH_PORT=8000
WORKDIR /var/lib/ceasewatch
VOLUME ["/var/lib/ceasewatch"]
USER 10001:10001
EXPOSE 8000

# /readyz: the database answers, the schema is current and a model is loaded. Every role
# (all, api, worker) serves it. The start period covers migrations and loading the model.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/opt/ceasewatch/healthcheck.py"]

# `serve` migrates first (under a lock, so several containers may start at once), installs
# the default feeds and watches on a fresh database, then serves. `docker run IMAGE migrate`,
# `IMAGE keys create --role admin` and the other commands work the same way.
ENTRYPOINT ["ceasewatch"]
CMD ["serve"]
