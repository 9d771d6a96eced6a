import type http from 'node:http';
import { readModelFile } from '../model/model-file.ts';
import { sageMakerPaths } from '../paths.ts';
import { closeGracefully, createServer, type ModelState } from './server.ts';
import { settingsFromEnv } from './settings.ts';

export interface ServeOptions {
  baseDir?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/** Loads /opt/ml/model/model.json; a failure is kept as the reason /ping gives, not thrown. */
export async function loadModelState(modelFile: string): Promise<ModelState> {
  try {
    return { ready: true, model: await readModelFile(modelFile) };
  } catch (error) {
    return { ready: false, reason: `The model could not be loaded: ${(error as Error).message}` };
  }
}

/**
 * `serve`: loads the model (never writing to /opt/ml/model, which may be read-only) and listens
 * on 0.0.0.0:$SAGEMAKER_BIND_TO_PORT. The server stays up without a model, so /ping can say why.
 */
export async function startServing(options: ServeOptions = {}): Promise<http.Server> {
  const log = options.log ?? ((line) => console.log(line));
  const { settings, warnings } = settingsFromEnv(options.env);
  for (const warning of warnings) log(`warning: ${warning}`);
  const paths = sageMakerPaths(options.baseDir);
  const model = await loadModelState(paths.modelFile);
  if (model.ready) {
    log(
      `model loaded from ${paths.modelFile}: ${model.model.featureCount} features, classes ${model.model.classes.join(', ')}`,
    );
  } else {
    log(`error: ${model.reason} /ping will answer 503 until the server is restarted with a model.`);
  }
  const server = createServer({ model, settings, log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const timeout = settings.modelServerTimeoutMs;
  log(
    `listening on 0.0.0.0:${settings.port} (max payload ${settings.maxPayloadBytes} bytes, MaxConcurrentTransforms ${settings.maxConcurrentTransforms}, ${timeout === undefined ? "Node's default timeouts" : `requests may take ${timeout / 1000} s`})`,
  );
  return server;
}

/** SIGTERM/SIGINT: stop accepting, finish in-flight requests, exit 0 (1 if cut off at the deadline). */
export function exitOnSignals(
  server: http.Server,
  log: (line: string) => void = (line) => console.log(line),
  deadlineMs = 25_000,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received: finishing in-flight requests, then exiting`);
    void closeGracefully(server, deadlineMs).then((how) => {
      log(
        how === 'graceful'
          ? 'server closed'
          : `server closed after ${deadlineMs} ms with requests still open`,
      );
      process.exit(how === 'graceful' ? 0 : 1);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
