import { readFile } from 'node:fs/promises';
import type { SoftmaxModel } from './model.ts';

/** Written into model.json so a server never guesses what it loads. Bump it when the shape changes. */
export const MODEL_FORMAT = 'sagemaker-templates/node/softmax-regression@1';

/** model.json: the model plus what produced it (hyperparameters, final metrics). */
export interface ModelFile extends SoftmaxModel {
  format: typeof MODEL_FORMAT;
  hyperparameters: Record<string, unknown>;
  /** Metrics of the last epoch (train_loss, train_accuracy, validation_*). */
  metrics: Record<string, number | undefined>;
}

export function serializeModel(file: ModelFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Parses and checks model.json; throws an Error that says what is wrong with it. */
export function parseModelFile(text: string, source = 'model.json'): ModelFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${source} is not valid JSON (${(error as Error).message}). Retrain to write it again.`,
    );
  }
  const problems = modelProblems(value);
  if (problems.length > 0)
    throw new Error(`${source} is not a model this server can load: ${problems.join('; ')}.`);
  return value as ModelFile;
}

export async function readModelFile(file: string): Promise<ModelFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        `${file} does not exist. Point ModelDataUrl at the model.tar.gz written by this algorithm's training job.`,
      );
    }
    throw new Error(`${file} cannot be read (${(error as Error).message}).`);
  }
  return parseModelFile(text, file);
}

function modelProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return ['it must be a JSON object'];
  const m = value as Partial<Record<keyof ModelFile, unknown>>;
  if (m.format !== MODEL_FORMAT)
    return [`"format" is ${JSON.stringify(m.format)}, expected ${JSON.stringify(MODEL_FORMAT)}`];
  const problems: string[] = [];
  const isNumbers = (v: unknown, length: number) =>
    Array.isArray(v) &&
    v.length === length &&
    v.every((n) => typeof n === 'number' && Number.isFinite(n));
  const d = m.featureCount;
  if (!Number.isInteger(d) || (d as number) < 1)
    problems.push('"featureCount" must be a positive integer');
  const classes = m.classes;
  if (
    !Array.isArray(classes) ||
    classes.length < 2 ||
    !classes.every((c) => typeof c === 'string' || typeof c === 'number')
  ) {
    problems.push('"classes" must list at least two labels');
  }
  if (problems.length > 0) return problems;
  const k = (classes as unknown[]).length;
  const featureCount = d as number;
  if (
    !Array.isArray(m.weights) ||
    m.weights.length !== k ||
    !m.weights.every((row) => isNumbers(row, featureCount))
  ) {
    problems.push(`"weights" must be ${k} rows of ${featureCount} finite numbers`);
  }
  if (!isNumbers(m.bias, k)) problems.push(`"bias" must be ${k} finite numbers`);
  const s = m.standardization as { mean?: unknown; std?: unknown } | undefined;
  if (
    !s ||
    !isNumbers(s.mean, featureCount) ||
    !isNumbers(s.std, featureCount) ||
    (s.std as number[]).some((v) => v <= 0)
  ) {
    problems.push(
      `"standardization" must hold "mean" and positive "std", ${featureCount} numbers each`,
    );
  }
  return problems;
}
