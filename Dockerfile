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
COPY packages/redis/package.json packages/redis/
COPY packages/storage/package.json packages/storage/
COPY packages/store/package.json packages/store/
COPY packages/tenant-cache/package.json packages/tenant-cache/
COPY loadtest/package.json loadtest/
RUN pnpm install --frozen-lockfile

FROM deps AS build
COPY . .
# The web client, then the server with its production dependencies only (workspace packages
# copied in, no dev tools): the layout `deployment-files.test.ts` builds and starts in CI.
RUN pnpm build:web \
  && pnpm --filter @rosterchirp/server deploy --prod --legacy /prod \
  && cp -r apps/web/public /prod/web

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV PORT=3000 BIND_HOST=0.0.0.0 DATA_DIR=/data WEB_DIR=/app/web
COPY --from=build --chown=node:node /prod /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:3000/api/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# TypeScript runs through the server's own loader (esbuild strips the types file by file; no
# separate compile step); SIGTERM drains (docs/CLUSTER.md invariant 8). Health report inside:
# node --import tsx src/doctor-cli.ts
STOPSIGNAL SIGTERM
CMD ["node", "--import", "./loader/register.mjs", "src/server.ts"]
