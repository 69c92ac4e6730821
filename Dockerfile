# Strongroom server image: built once in the first stage, run from production dependencies only, as the
# unprivileged `node` user. `docker compose up --build` (compose.yaml) runs it with a real PostgreSQL;
# docs/operations.md ("Deploying") says what to set. test/production-install.e2e-spec.ts checks this
# layout without Docker: the same production install in a temporary folder, started and asked /api/ready.

# --- build: every dependency, the server compiled into dist/, the web client into dist/web, the CLI package into dist/cli ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm run build:web && npm run build:cli

# --- production dependencies only (no compiler, test runner or bundler) ---
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- runtime ---
FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
# package.json says the compiled code is ES modules ("type": "module"); nothing else of the source is needed.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# DATA_DIR (./data): only the embedded PostgreSQL writes there, when DATABASE_URL is unset.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
