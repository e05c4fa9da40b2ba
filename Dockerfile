# syntax=docker/dockerfile:1
# RosterChirp api image: one stateless instance; scale with `docker compose up --scale api=N`.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN npm install -g pnpm@10.34.8 --silent
# Manifests first, so dependency layers are reused until a manifest changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY infra/package.json infra/
COPY packages/config/package.json packages/config/
COPY packages/db/package.json packages/db/
COPY packages/domain/package.json packages/domain/
COPY packages/jobs/package.json packages/jobs/
COPY packages/protocol/package.json packages/protocol/
COPY packages/rate-limit/package.json packages/rate-limit/
COPY packages/realtime/package.json packages/realtime/
COPY packages/storage/package.json packages/storage/
COPY packages/store/package.json packages/store/
COPY packages/tenant-cache/package.json packages/tenant-cache/
COPY loadtest/package.json loadtest/
RUN pnpm install --frozen-lockfile

FROM deps AS build
COPY . .
RUN pnpm build:web

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV PORT=3000 BIND_HOST=0.0.0.0 DATA_DIR=/data
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:3000/api/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# TypeScript runs through tsx (no separate compile step); SIGTERM drains (docs/CLUSTER.md invariant 8).
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "apps/server/src/server.ts"]
