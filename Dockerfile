# The pipeline server on Node 20, as the image's non-root user `node` (uid 1000).
FROM node:20.20.2-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY configs ./configs
COPY web ./web
COPY bin ./bin
RUN npm run build && npm run build:web && npm prune --omit=dev \
  && ln -s /app/bin/execution-history.js /usr/local/bin/execution-history
# Every place the server writes, owned by `node`. An empty named volume mounted on one of these
# takes the directory's owner from the image, so compose's volumes are writable by `node`; a
# bind mount keeps the host's owner (the server then refuses to start with one line naming the
# path, the user and the chown that fixes it).
RUN mkdir -p /data/executions /data/media /data/audit && chown -R node:node /data
ENV EXECUTIONS_DIR=/data/executions \
  MEDIA_DIR=/data/media \
  ERASURE_LOG=/data/audit/erasure-log.jsonl
USER node
# fsyncs of concurrent record saves run in parallel on libuv's pool (default 4 threads).
ENV UV_THREADPOOL_SIZE=16
EXPOSE 17801
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||17801)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# A young generation of up to 2 x 32 MB: a request's objects (32 in flight, ~250 ms each under
# load) die young instead of being promoted; GC time a traced request 0.62-0.75 -> 0.44-0.48 ms
# (BENCHMARKS.md, Server under load).
CMD ["node", "--max-semi-space-size=32", "dist/src/main.js"]
