# The action's image: the locked dependencies and digest on a slim Python, nothing else.
# GitHub runs Docker actions as root in $GITHUB_WORKSPACE, so there is no USER, and no WORKDIR
# in the final stage. Base images are pinned by digest (the tag in the name; Dependabot moves
# both); the release pipeline builds this for linux/amd64 and linux/arm64.

# uv 0.13.0
FROM ghcr.io/astral-sh/uv:0.13.0@sha256:cdc6093146eb3ff6a40107b38f008b789e050e77ad87865e381d9917da55a168 AS uv

# python:3.11.16-slim-bookworm
FROM python:3.11.16-slim-bookworm@sha256:c425d915a89a6dcd3183b1797ad9bd8878caff5a417f6371c8df93c8ea8b727f AS build
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/digest
# Bytecode comes after (image/bytecode.py), not from uv. Left
# out of the lockfile's set: what digest never runs. litellm requires boto3 for AWS Bedrock
# only (as Vertex AI needs google-auth, which litellm does not require): about 17 MB a runner
# would download on every run. hf-xet is huggingface_hub's optional download accelerator;
# digest downloads no model.
ARG SYNC_FLAGS="--no-compile-bytecode --no-install-package boto3 --no-install-package botocore \
 --no-install-package s3transfer --no-install-package jmespath --no-install-package hf-xet"
# WORKDIR only in the build stage: the final image must not set one.
WORKDIR /src
# The dependencies from the lockfile alone, so that editing the README rebuilds nothing of them.
COPY pyproject.toml uv.lock ./
# hadolint ignore=SC2086
RUN uv sync --frozen --no-default-groups --extra llm --no-install-project $SYNC_FLAGS
COPY README.md LICENSE ./
COPY digest ./digest
COPY image/bytecode.py ./image/
# litellm's proxy server's web pages (its admin UI and Swagger UI, 6.5 MB compressed) are
# files no import reads; then bytecode for every module a run can import (image/bytecode.py).
# hadolint ignore=SC2086
RUN uv sync --frozen --no-default-groups --extra llm --no-editable $SYNC_FLAGS \
 && rm -r /opt/digest/lib/python3.*/site-packages/litellm/proxy/_experimental/out \
    /opt/digest/lib/python3.*/site-packages/litellm/proxy/swagger \
 && /opt/digest/bin/python image/bytecode.py /opt/digest/lib

# python:3.11.16-slim-bookworm
FROM python:3.11.16-slim-bookworm@sha256:c425d915a89a6dcd3183b1797ad9bd8878caff5a417f6371c8df93c8ea8b727f
# The official image ships its standard library without bytecode: compiled here, once, rather
# than in every run's container (not its site-packages: pip and setuptools never run).
RUN python -m compileall -q -j 0 --invalidation-mode unchecked-hash \
    -x '/(idlelib|tkinter|turtledemo|ensurepip|lib2to3|pydoc_data|site-packages)/' \
    "$(python -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')"
COPY --from=build /opt/digest /opt/digest
COPY entrypoint.py /opt/digest/entrypoint.py
# Two malloc arenas instead of one per thread: same speed here, a third less peak memory
# with eight concurrent model calls (see bench/).
ENV PYTHONUNBUFFERED=1 \
    MALLOC_ARENA_MAX=2 \
    PATH="/opt/digest/bin:$PATH"
ENTRYPOINT ["/opt/digest/bin/python", "/opt/digest/entrypoint.py"]
