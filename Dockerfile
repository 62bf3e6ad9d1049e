# basefit's own container image.
#
# The final stage is the image `basefit recommend` picks for basefit's own release binary
# (`basefit recommend dist/basefit-*/basefit`): the binary needs only libc.so.6, libm.so.6
# and the loader, GLIBC >= 2.35 (see README "Install"). The project's tests hold this file to
# that: `basefit check <binary> --dockerfile Dockerfile` must pass and its final FROM must be
# the recommendation (when the catalog moves on, move BASE to the new pick, pinned by digest).
#
# Where the binary comes from (build argument BASEFIT_BINARY):
#   build (default)  compiled in the `build` stage with the Swift toolchain (needs the network):
#                        docker build -t basefit .
#   dist             the release tarball scripts/release.sh wrote to dist/ (no toolchain, no
#                    network; what scripts/container-test.sh builds and runs here, with the
#                    newest tarball of dist/ and .build/test-dist/ as dist/ of its own context):
#                        bash scripts/release.sh
#                        buildah bud --build-arg BASEFIT_BINARY=dist -t basefit .
#
# Run it on a project mounted read-only:
#   docker run --rm -v "$PWD:/work:ro" basefit recommend .
ARG BASEFIT_BINARY=build

# busybox:1.37-glibc pinned by its index digest as docker-library/repo-info lists it
# (repos/busybox/remote/1.37-glibc.md, commit af9c4c03e99467c0284cded7d0853f507b83671c;
# layers pushed 2026-09-22). basefit's catalog records this digest for the row (Data/images/
# busybox.json), so `check --dockerfile` judges the pin without asking the registry; renew it with
# `skopeo inspect docker://busybox:1.37-glibc` (or let Renovate/Dependabot), and the row's digest too.
ARG BASE=busybox:1.37-glibc@sha256:efa394a68601344526b8934cf3d5b11a04041db5f2b7f216fd7d37b445f88df5

# --- build: the toolchain stage. bookworm, so that the glibc floor is the release's (2.35).
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libelf-dev libsqlite3-dev libarchive-dev zlib1g-dev libdeflate-dev \
        libbz2-dev liblzma-dev libzstd-dev liblz4-dev pkg-config binutils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash scripts/release.sh && mkdir -p /out && tar -xzf dist/basefit-*-linux-"$(uname -m)".tar.gz -C /out

# --- dist: the tarball from the build context (ADD unpacks a local tar.gz). Keep only the
# tarball for the image's architecture in dist/.
FROM scratch AS dist
ADD dist/basefit-*-linux-*.tar.gz /out/

FROM ${BASEFIT_BINARY} AS binary

# --- the image: nothing but the base and one static-runtime binary.
FROM ${BASE}
ARG BASEFIT_VERSION=0.1.0
LABEL org.opencontainers.image.title="basefit" \
      org.opencontainers.image.description="Finds the smallest container base image a project's native code loads on" \
      org.opencontainers.image.version="${BASEFIT_VERSION}" \
      org.opencontainers.image.licenses="MIT"
COPY --from=binary /out/basefit-*/basefit /usr/local/bin/basefit
COPY --from=binary /out/basefit-*/LICENSE /usr/share/doc/basefit/LICENSE
# The built-in catalog is materialised on first use; /tmp is writable for any user
# (with a read-only root filesystem, mount a tmpfs there).
ENV BASEFIT_CACHE_DIR=/tmp/basefit-cache
# nobody:nogroup. basefit reads the project and writes only its cache.
USER 65534:65534
WORKDIR /work
# No RUN here: the final stage needs no shell (the base's busybox shell is never used).
# No HEALTHCHECK: basefit is a command that runs and exits, not a long-running service;
# there is nothing to probe.
ENTRYPOINT ["/usr/local/bin/basefit"]
CMD ["--help"]
