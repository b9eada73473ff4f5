# syntax=docker/dockerfile:1
#
# One image for the whole platform (ARCHITECTURE.md, decision 1). What a container runs is chosen
# at run time:
#   a function         node dist/functions/host.js        FUNCTION_TARGET=<gateway|auth|...>, PORT (8080)
#   the migrations     node dist/scripts/migrate.js       DATABASE_URL_<SERVICE> for every service
#   the local broker   node dist/eventing/local-broker.js RABBITMQ_URL, SERVICE_URL_<SERVICE> (compose only)
#   the dead letters   node dist/eventing/dead-letters/cli.js list|replay   DATABASE_URL_DEADLETTERS, K_SINK (cluster only)
#
# Targets: `runtime` (the default, last stage) is what compose and the cluster run; `dev` is the
# build stage with the dev dependencies and the TypeScript sources, run through tsx so that files
# synced by `skaffold dev` take effect without a rebuild.

# Node 22 LTS (maintained until 2027-04-30; Node 20 reached its end of life on 2026-04-30), on
# Debian 12. package.json's engines (>=20) is what the code needs, not what the image runs.
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: compile the TypeScript ----------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# swagger-ui-dist depends on @scarf/scarf, whose install script reports downloads: not from a build.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json ./
COPY functions ./functions
COPY gateway ./gateway
COPY eventing ./eventing
COPY scripts ./scripts
RUN npm run build

# ---- dev: sources + tsx, for `skaffold dev` (file sync restarts the process, no rebuild) -----
FROM build AS dev
ENV NODE_ENV=development PORT=8080
# skaffold's file sync writes the sources as the container's user.
RUN chown -R 1000:1000 functions gateway eventing scripts dist
USER 1000:1000
EXPOSE 8080
# tsx watch restarts the function when a synced .ts file changes.
CMD ["npx", "tsx", "watch", "--clear-screen=false", "functions/host.ts"]

# ---- deps: production dependencies only (no tsx, typescript, s3rver...) ----------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force

# ---- runtime ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=8080
WORKDIR /app
# Owned by root and read-only for the process: nothing in /app is written at run time.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The node image's unprivileged user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
# host.ts listens on PORT, 8080 unless set (Knative sets PORT itself).
EXPOSE 8080
# host.ts stops cleanly on SIGTERM (finishes in-flight requests); node is PID 1 and handles it.
CMD ["node", "dist/functions/host.js"]
