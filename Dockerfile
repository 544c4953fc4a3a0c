# The pipeline server on Node 20.
FROM node:20.20.2-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY configs ./configs
COPY web ./web
RUN npm run build && npm run build:web && npm prune --omit=dev
USER node
# fsyncs of concurrent record saves run in parallel on libuv's pool (default 4 threads).
ENV UV_THREADPOOL_SIZE=16
EXPOSE 17801
CMD ["node", "dist/src/main.js"]
