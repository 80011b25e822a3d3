# syntax=docker/dockerfile:1
# orderstatus: the Slack app server. Build: docker build -t orderstatus .
# Run:  docker run -p 3000:3000 --env-file .env orderstatus
# Migrate (once per release, or let the Kubernetes Job do it): docker run --env-file .env orderstatus node dist/cli.js migrate

# ---- build: full install (TypeScript is a devDependency), compile src/ to dist/ ----
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the postinstall prepares the embedded database's template from src/, not copied yet
# (the runtime stage prepares its own); the image's own Node 24 builds, so the `node` package needs no
# install script either.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies only, non-root ----
FROM node:24-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev leaves out TypeScript, vitest and the `node` devDependency: the image's own Node 24 runs the app.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The embedded database's template (initdb and the schema, readable by the app's user), prepared now as
# `npm install` does on a developer's machine: the `node` user cannot write node_modules/.cache, so without
# it every new data volume would initialise Postgres in a child process at its first start. V8's compile
# cache beside it is the `node` user's, so CLI calls in the container load faster after the first.
RUN node dist/storage/embedded-template.js --required \
 && mkdir -p node_modules/.cache/orderstatus/compile-cache \
 && chown node:node node_modules/.cache/orderstatus/compile-cache
# Embedded mode (no DATABASE_URL) keeps its database in ./data: writable by the app user only (a data
# folder others can read is refused); a new one is a copy of the template above.
# Mount a volume there to keep it; with DATABASE_URL nothing is written to the image's file system.
RUN mkdir -p /app/data && chown node:node /app/data && chmod 700 /app/data
# The `node` user (uid 1000) comes with the official image.
USER node
EXPOSE 3000
# The slim image has no curl: ask Node itself. 503 while starting or draining counts as unhealthy.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself: /healthz turns 503 and in-flight sends get up to 25 s
# (give `docker stop -t 30` so Docker waits that long before SIGKILL).
STOPSIGNAL SIGTERM
# A smaller young generation: V8 sizes it from the host's memory, not the container's (BENCHMARKS.md).
CMD ["node", "--max-semi-space-size=8", "dist/server.js"]
