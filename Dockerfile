# syntax=docker/dockerfile:1
# Multi-stage: build with the toolchain (better-sqlite3 compiles natively), run on a slim image as non-root.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    GATEWAY_CONFIG=/etc/gateway/config.json \
    GATEWAY_DATABASE=/var/lib/gateway/gateway.db \
    GATEWAY_LISTEN=0.0.0.0:8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
COPY drizzle-pg ./drizzle-pg
# No configuration is baked in: the example's producer token is public, and the image listens on 0.0.0.0.
# Without a document mounted at GATEWAY_CONFIG the container exits 2 saying to mount one.
RUN mkdir -p /var/lib/gateway && chown -R node:node /var/lib/gateway
USER node
VOLUME ["/var/lib/gateway"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1 here, so it receives SIGTERM directly and shuts down gracefully.
CMD ["node", "dist/cli/main.js", "serve"]
