# syntax=docker/dockerfile:1
# selfheal: one image for every role (`docker run IMAGE --role manager|worker|evaluator|optimizer`).
# Used by docker-compose.yml and the manifests in k8s/. Not built on the development machine
# (it has no Docker engine); tests/ops checks it for consistency with compose and k8s.

# ---- build ------------------------------------------------------------------------------------
# Match the Swift you develop with (the development machine runs 6.3.1) and the runtime's Debian
# release (bookworm = Debian 12), so the binary's glibc matches.
ARG SWIFT_VERSION=6.3
FROM swift:${SWIFT_VERSION}-bookworm AS build

# The Lua and SQLite bindings are system-library targets: they need the headers and pkg-config files.
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config liblua5.4-dev libsqlite3-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
# Static Swift runtime: the slim runtime image below carries no Swift toolchain. The cache
# mount keeps .build (dependencies, objects) between builds, so an edit rebuilds incrementally.
RUN --mount=type=cache,target=/src/.build \
    swift build -c release --product selfheal --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/selfheal" /out/selfheal

# ---- runtime ----------------------------------------------------------------------------------
FROM debian:12-slim

# liblua5.4-0: rules and plugins. libsqlite3-0: the SQLite store. python3: the sandbox runs
# generated Python and its tests, and sets each run up (its launcher). util-linux: unshare, the
# sandbox's namespaces. ca-certificates: TLS to the LLM provider and to a managed PostgreSQL.
RUN apt-get update \
 && apt-get install -y --no-install-recommends liblua5.4-0 libsqlite3-0 python3 util-linux ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/*

# A fixed uid/gid: the Kubernetes manifests run as 10001 with runAsNonRoot.
RUN groupadd --system --gid 10001 selfheal \
 && useradd --system --uid 10001 --gid selfheal --home-dir /var/lib/selfheal --create-home selfheal

COPY --from=build /out/selfheal /usr/local/bin/selfheal
# The shipped Lua sets. Kubernetes mounts its ConfigMaps over these paths and compose mounts
# the working copies, so the same SELFHEAL_*_DIR values hold everywhere.
COPY rules/ /etc/selfheal/rules/
COPY plugins/ /etc/selfheal/plugins/
ENV SELFHEAL_RULES_DIR=/etc/selfheal/rules \
    SELFHEAL_PLUGINS_DIR=/etc/selfheal/plugins

# The working directory holds the SQLite file of the embedded default (`--role all`).
WORKDIR /var/lib/selfheal
USER selfheal:selfheal

# manager (and --role all), worker, evaluator
EXPOSE 8000 8001 8002
ENTRYPOINT ["selfheal"]
# Binding 0.0.0.0 needs SELFHEAL_API_KEYS / SELFHEAL_ADMIN_TOKEN / SELFHEAL_SERVICE_TOKEN (or
# --insecure): without them selfheal refuses to start and says so.
CMD ["--role", "all", "--host", "0.0.0.0", "--port", "8000"]
