import { resolve } from 'node:path';
import { pino } from 'pino';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { bridgeDiag } from './server/diag-bridge.js';
import { assembleServer, type ServerAssembly } from './server/assembly.js';
import { httpAnswers, jaegerUiAnswers } from './server/reachability.js';
import { startupBanner, withoutPassword } from './server/startup-banner.js';
import { describeStartupError } from './server/startup-error.js';
import { listeningLog } from './server/listening-log.js';

/** The start-up banner for a person at a terminal: checks the collector and Jaeger's UI once. */
async function banner(config: AppConfig, url: string): Promise<string> {
  const shown = url.replace(/\/\/(0\.0\.0\.0|\[::\]):/, '//127.0.0.1:');
  const [collector, jaeger] = await Promise.all([
    config.otlp ? httpAnswers(config.otlp.url) : false,
    config.jaegerUiUrl ? jaegerUiAnswers(config.jaegerUiUrl) : false,
  ]);
  return startupBanner({
    webUrl: `${shown}/`,
    records: config.databaseUrl
      ? { kind: 'database', url: withoutPassword(config.databaseUrl) }
      : { kind: 'directory', path: config.executionsDir },
    mediaDir: resolve(config.mediaDir),
    collector: config.otlp
      ? { url: config.otlp.url, answers: collector, required: config.otlpEndpointSet }
      : null,
    jaeger: config.jaegerUiUrl ? { url: config.jaegerUiUrl, answers: jaeger } : null,
  });
}

/** Starts the instrumented pipeline server from the environment; stops it on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `${error.message.replace(/\n\s*→ /g, ' → ').replace(/:?\s*\n\s*/g, '; ')}\n`,
      );
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { service: config.serviceName } });
  bridgeDiag(logger);
  let runtime: ServerAssembly;
  let server;
  try {
    runtime = await assembleServer(config, { logger });
    server = await runtime.listen();
  } catch (error) {
    const failure = describeStartupError(error, config);
    process.stderr.write(`${failure.message}\n`);
    process.exit(failure.exitCode);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (process.stdout.isTTY) process.stdout.write(await banner(config, url));
  logger.info(
    listeningLog(config, port, runtime!.otlpGrpc()?.port ?? null),
    'execution-history pipeline server listening',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing running pipelines, flushing traces');
    runtime.shutdown().then(
      (unsaved: string[]) => {
        if (unsaved.length > 0) {
          logger.error({ unsaved }, `stopped with ${unsaved.length} record(s) not saved`);
          process.exit(1);
        }
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
