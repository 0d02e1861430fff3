# syntax=docker/dockerfile:1
# SkillSwap as one image: `docker compose up` (docker-compose.yml) runs it beside PostgreSQL 17.
# Three stages: dependencies (cached until the lockfile changes), the website build, and a slim runtime that holds
# only production packages, the built site and the TypeScript sources (Node 24 runs .ts files natively).

FROM node:24-bookworm-slim AS deps
WORKDIR /app
# npm ci runs our postinstall (node scripts/prisma-generate.ts), which needs the Prisma schema and its script.
COPY package.json package-lock.json .npmrc prisma.config.ts ./
COPY prisma/schema.prisma ./prisma/schema.prisma
COPY scripts/prisma-generate.ts ./scripts/prisma-generate.ts
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# Then the dev dependencies (vitest, biome, the pinned `node` package...) go; the installed native packages and the
# generated Prisma client stay as built, so the runtime stage needs no second install.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root and read-only to the app: the process writes only under DATA_DIR (uploaded avatars, or the
# embedded PostgreSQL when no DATABASE_URL is given).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/prisma/generated ./prisma/generated
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/infra ./infra
COPY --from=build /app/modules ./modules
COPY --from=build /app/read-models ./read-models
COPY --from=build /app/scripts ./scripts
# A named volume mounted here starts as a copy of this directory, owner included.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# node's own fetch: the slim image has no curl, and we add nothing for a health check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Not `npm start`: that rebuilds the site. Node itself gets SIGTERM and drains requests before stopping.
CMD ["node", "scripts/server.ts"]
