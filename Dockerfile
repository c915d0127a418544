# syntax=docker/dockerfile:1
# Two stages: build (all dependencies; the Prisma client generated and everything compiled to
# dist/ by tsc) and a runtime with production dependencies only that runs the compiled
# JavaScript as the unprivileged `node` user: no TypeScript at run time, nothing written to
# disk, so it runs under readOnlyRootFilesystem. test/production-image.test.ts runs this final
# stage's install and commands without Docker. Node 24 LTS, as .node-version says.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# No install scripts: none is needed, and `npm run build` below generates the Prisma client.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY prisma ./prisma
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=4000 WORKERS=auto
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# dbmate applies these (the migration Job runs `node dist/db/migrate.js`).
COPY prisma/migrations ./prisma/migrations
# The trusted documents PERSISTED_OPERATIONS=trusted serves (committed, kept fresh by a test).
COPY load/generated/persisted-documents.json ./load/generated/persisted-documents.json
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server.js"]
