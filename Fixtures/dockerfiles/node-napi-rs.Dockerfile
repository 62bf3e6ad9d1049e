# syntax=docker/dockerfile:1
# The Dockerfile of the README's `--format patch` example (Fixtures/projects/node-napi-rs).
ARG NODE=22
FROM node:${NODE}-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci

# runtime
FROM --platform=linux/amd64 node:22-bookworm AS runtime
COPY --from=build /app /app
# The script alone: distroless and Chainguard node run it with their ENTRYPOINT (node), and
# the official images' docker-entrypoint.sh runs node for a file that is not executable.
CMD ["/app/index.js"]
