# syntax=docker/dockerfile:1
# Two stages: build (all dependencies, generated Prisma client) and a small runtime with
# production dependencies only, running as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY prisma ./prisma
# prisma generate needs no engine download: PRISMA_SCHEMA_ENGINE_BINARY may point anywhere.
RUN npm run generate
COPY tsconfig.json ./
COPY src ./src
COPY schema ./schema
COPY load/operations.ts ./load/operations.ts
# The trusted documents PERSISTED_OPERATIONS=trusted serves (committed, kept fresh by a test).
COPY load/generated/persisted-documents.json ./load/generated/persisted-documents.json

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=4000 WORKERS=auto
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/src ./src
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/schema ./schema
COPY --from=build /app/load/operations.ts ./load/operations.ts
COPY --from=build /app/load/generated/persisted-documents.json ./load/generated/persisted-documents.json
COPY --from=build /app/tsconfig.json ./tsconfig.json
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/server.ts"]
