import { mkdir, writeFile } from 'node:fs/promises';
import { MODEL_FORMAT, serializeModel, type ModelFile } from '../model/model-file.ts';
import { fitSoftmaxRegression, TrainingStopped, type EpochMetrics } from '../model/fit.ts';
import { channelDir, sageMakerPaths, type SageMakerPaths } from '../paths.ts';
import { excerpt } from '../excerpt.ts';
import type { Label } from '../model/model.ts';
import { UserError } from '../user-error.ts';
import { parseHyperparameters } from './hyperparameters.ts';
import { classesOf, encodeLabels, listClasses } from './labels.ts';
import { formatEpochLine, shouldLogEpoch } from './metrics-line.ts';
import { readChannel } from './read-channel.ts';
import { readTrainingConfig } from './training-config.ts';

export interface TrainOptions {
  /** Root of the SageMaker tree; defaults to $SM_BASE_DIR or /opt/ml. */
  baseDir?: string;
  /** Aborting it (with the signal name as reason) stops training between mini-batches. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  logError?: (line: string) => void;
}

export const REQUIRED_CHANNEL = 'train';
export const OPTIONAL_CHANNELS = ['validation'];

/** Exit codes: 0 done, 1 the job's input is wrong, 2 an unexpected error, 128 + n stopped by signal n. */
const SIGNAL_EXIT: Record<string, number> = { SIGTERM: 143, SIGINT: 130 };

/**
 * `train`: reads the job's config and channels, fits the model, writes /opt/ml/model/model.json
 * and /opt/ml/output/data/metrics.json. Never throws: failures go to /opt/ml/output/failure and
 * the returned exit code.
 */
export async function runTraining(options: TrainOptions = {}): Promise<number> {
  const paths = sageMakerPaths(options.baseDir);
  const log = options.log ?? ((line) => console.log(line));
  const logError = options.logError ?? ((line) => console.error(line));
  try {
    await train(paths, options.signal, log);
    return 0;
  } catch (error) {
    let message: string;
    let exitCode: number;
    if (error instanceof TrainingStopped) {
      message = `Training stopped by ${error.message} before it finished; no model was written. SageMaker sends SIGTERM when a job is stopped or reaches MaxRuntimeInSeconds: raise StoppingCondition.MaxRuntimeInSeconds if the job needs more time.`;
      exitCode = SIGNAL_EXIT[error.message] ?? 1;
    } else if (error instanceof UserError) {
      message = error.message;
      exitCode = 1;
    } else {
      message = `Unexpected error: ${(error as Error).message ?? String(error)}. This is a bug in the algorithm or its environment; the stack trace is in the job's logs.`;
      logError((error as Error).stack ?? String(error));
      exitCode = 2;
    }
    await writeFailure(paths, message, logError);
    logError(message);
    return exitCode;
  }
}

async function train(
  paths: SageMakerPaths,
  signal: AbortSignal | undefined,
  log: (line: string) => void,
): Promise<void> {
  const config = await readTrainingConfig(paths);
  for (const note of config.notes) log(`note: ${note}`);
  log(`current_host=${config.currentHost} hosts=${config.hosts.join(',')}`);
  if (config.hosts.length > 1) {
    log(
      `note: this algorithm trains on one host; each of the ${config.hosts.length} hosts fits its own model on the data it was given`,
    );
  }
  const { values: hyperparameters, ignored } = parseHyperparameters(config.hyperparameters);
  log(
    `hyperparameters ${JSON.stringify(hyperparameters)}${ignored.length ? ` (ignored platform keys: ${ignored.join(', ')})` : ''}`,
  );
  const declared = checkChannels(config.channels, log);
  const data = await readTrainingData(paths, declared, log);
  const started = performance.now();
  const { model, history } = await fitSoftmaxRegression(data.train, hyperparameters, {
    classes: data.classes,
    ...(data.featureNames ? { featureNames: data.featureNames } : {}),
    ...(data.validation ? { validation: data.validation } : {}),
    ...(signal ? { signal } : {}),
    onEpoch: (m: EpochMetrics) => {
      if (shouldLogEpoch(m.epoch, hyperparameters.epochs)) log(formatEpochLine(m));
    },
  });
  const { epoch: epochs, ...metrics } = history.at(-1)!;
  const file: ModelFile = { format: MODEL_FORMAT, ...model, hyperparameters, metrics };
  await mkdir(paths.model, { recursive: true });
  await writeFile(paths.modelFile, serializeModel(file));
  await mkdir(paths.outputData, { recursive: true });
  const logged = history.filter((m) => shouldLogEpoch(m.epoch, hyperparameters.epochs));
  await writeFile(
    `${paths.outputData}/metrics.json`,
    `${JSON.stringify({ epochs, final: metrics, history: logged }, null, 2)}\n`,
  );
  log(
    `trained in ${((performance.now() - started) / 1000).toFixed(2)} s; model written to ${paths.modelFile}`,
  );
}

/** The declared channel names; refuses a job without the train channel or with a Pipe channel. */
function checkChannels(
  channels: Awaited<ReturnType<typeof readTrainingConfig>>['channels'],
  log: (line: string) => void,
): string[] {
  const declared = Object.keys(channels);
  if (!declared.includes(REQUIRED_CHANNEL)) {
    throw new UserError(
      `Channel "${REQUIRED_CHANNEL}" is missing: the job declares ${declared.length ? declared.map((c) => `"${c}"`).join(', ') : 'no channels'}. Add a "${REQUIRED_CHANNEL}" channel with CSV files to InputDataConfig.`,
    );
  }
  for (const name of declared) {
    if (channels[name]?.TrainingInputMode === 'Pipe')
      throw new UserError(
        `Channel "${name}" uses TrainingInputMode "Pipe", which this algorithm does not read. Use File or FastFile.`,
      );
    if (name !== REQUIRED_CHANNEL && !OPTIONAL_CHANNELS.includes(name))
      log(
        `note: ignoring channel "${name}" (this algorithm reads "${REQUIRED_CHANNEL}" and "validation")`,
      );
  }
  return declared;
}

/** The train (and validation) rows with their class indices, checked against each other. */
async function readTrainingData(
  paths: SageMakerPaths,
  declared: string[],
  log: (line: string) => void,
) {
  const trainData = await readChannel(channelDir(paths, REQUIRED_CHANNEL), REQUIRED_CHANNEL);
  const validationData = declared.includes('validation')
    ? await readChannel(channelDir(paths, 'validation'), 'validation')
    : undefined;
  const featureCount = trainData.features[0]!.length;
  if (validationData && validationData.features[0]!.length !== featureCount) {
    throw new UserError(
      `Channel "validation" has ${validationData.features[0]!.length} features per row, but "train" has ${featureCount}. Give both channels the same columns.`,
    );
  }
  const classes = classesOf(trainData.labels);
  requireTwoClasses('train', classes);
  const train = {
    features: trainData.features,
    targets: encodeLabels(trainData.labels, classes, trainData.origin),
  };
  const validation = validationData && {
    features: validationData.features,
    targets: encodeLabels(validationData.labels, classes, validationData.origin),
  };
  if (validationData) requireTwoClasses('validation', classesOf(validationData.labels));
  log(
    `train: ${trainData.labels.length} rows, ${featureCount} features, ${classes.length} classes (${listClasses(classes)}) from ${trainData.files.length} file(s)`,
  );
  if (validationData)
    log(
      `validation: ${validationData.labels.length} rows from ${validationData.files.length} file(s)`,
    );
  return { train, validation, classes, featureNames: trainData.featureNames };
}

/** A classifier learns nothing from one class, and a one-class validation set measures nothing. */
function requireTwoClasses(channel: string, classes: Label[]): void {
  if (classes.length >= 2) return;
  const fix =
    channel === 'train'
      ? 'A classifier needs at least two'
      : 'Give it rows of at least two classes, or leave the validation channel out';
  throw new UserError(
    `Channel "${channel}" has a single class (${typeof classes[0] === 'number' ? classes[0] : excerpt(String(classes[0]))}). ${fix}: check the label column (the first column).`,
  );
}

/** /opt/ml/output/failure: its first 1024 characters become the job's FailureReason. */
async function writeFailure(
  paths: SageMakerPaths,
  message: string,
  logError: (line: string) => void,
): Promise<void> {
  try {
    await mkdir(paths.output, { recursive: true });
    await writeFile(paths.failure, `${message}\n`);
  } catch (error) {
    logError(`could not write ${paths.failure}: ${(error as Error).message}`);
  }
}
