import { pino } from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { bridgeDiag } from './server/diag-bridge.js';
import { createRuntime, type Runtime } from './server/runtime.js';
import { describeStartupError } from './server/startup-error.js';
import { listeningLog } from './server/listening-log.js';

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
  let runtime: Runtime;
  let server;
  try {
    runtime = await createRuntime(config, logger);
    server = await runtime.listen();
  } catch (error) {
    const failure = describeStartupError(error, config);
    process.stderr.write(`${failure.message}\n`);
    process.exit(failure.exitCode);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
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
