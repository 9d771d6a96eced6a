import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { ManifestError, type TemplateManifest } from '@sagemaker-templates/contract';
import type { Check } from './check.ts';
import { ROBUSTNESS_CASE_IDS } from './robustness/case-ids.ts';

/**
 * Mistakes in what the suite is given that the manifest's JSON Schema cannot see (paths that do not
 * exist, regexes that do not compile, ids that name nothing): refused before any container starts,
 * each with its field and the fix, instead of surfacing later as a failing check.
 */
export function suiteInputProblems(
  manifest: TemplateManifest,
  manifestDir: string,
  checks: readonly Check[],
): string[] {
  const at = (path: string) => (isAbsolute(path) ? path : resolve(manifestDir, path));
  return [
    ...idProblems(manifest, checks),
    ...regexProblems(manifest),
    ...pathProblems(manifest, at),
  ];
}

/** `skip` and `robustness.accept` ids that name no check or case. */
function idProblems(manifest: TemplateManifest, checks: readonly Check[]): string[] {
  const problems: string[] = [];
  const ids = checks.map((c) => c.id);
  for (const id of Object.keys(manifest.conformance.skip)) {
    if (!ids.includes(id))
      problems.push(
        `conformance.skip."${id}": no check has this id${nearest(id, ids)}. Run \`npx sagemaker-conformance --list\` for every id.`,
      );
  }
  for (const id of Object.keys(manifest.conformance.robustness.accept)) {
    if (!ROBUSTNESS_CASE_IDS.includes(id))
      problems.push(
        `conformance.robustness.accept."${id}": no garbage case has this id${nearest(id, ROBUSTNESS_CASE_IDS)}. Run \`npx sagemaker-conformance --list-cases\` for every id.`,
      );
  }
  return problems;
}

/** Metric and GPU regexes that do not compile or capture nothing. */
function regexProblems(manifest: TemplateManifest): string[] {
  const problems: string[] = [];
  manifest.conformance.training?.metrics.forEach((metric, i) => {
    const problem = regexProblem(metric.regex);
    if (problem)
      problems.push(`conformance.training.metrics[${i}].regex (${metric.name}): ${problem}`);
  });
  const gpuRegex = manifest.conformance.gpu?.reportRegex;
  if (gpuRegex && regexProblem(gpuRegex))
    problems.push(`conformance.gpu.reportRegex: ${regexProblem(gpuRegex)}`);
  return problems;
}

/** Channels, bodies, the serving model and the hyperparameter schema that are not there. */
function pathProblems(manifest: TemplateManifest, at: (path: string) => string): string[] {
  const problems: string[] = [];
  for (const [name, channel] of Object.entries(manifest.conformance.training?.channels ?? {})) {
    if (!existsSync(at(channel.source)))
      problems.push(
        `conformance.training.channels.${name}.source: ${at(channel.source)} does not exist. Point it at a file or folder of sample data, relative to template.json.`,
      );
  }
  const serving = manifest.conformance.serving;
  for (const list of ['requests', 'badRequests'] as const) {
    serving?.[list].forEach((request, i) => {
      if (request.bodyFile !== undefined && !existsSync(at(request.bodyFile)))
        problems.push(
          `conformance.serving.${list}[${i}].bodyFile (${request.name}): ${at(request.bodyFile)} does not exist. Fix the path (relative to template.json) or give the body inline as "body".`,
        );
    });
  }
  if (serving && serving.model !== 'training' && !existsSync(at(serving.model)))
    problems.push(
      `conformance.serving.model: ${at(serving.model)} does not exist. Point it at a model folder, or use "training" to serve the model of the sample training run.`,
    );
  if (manifest.hyperparameterSchema) {
    const problem = schemaProblem(at(manifest.hyperparameterSchema));
    if (problem) problems.push(`hyperparameterSchema: ${problem}`);
  }
  return problems;
}

/** Throws a ManifestError (exit 2 in the CLI) listing every problem, or returns. */
export function assertSuiteInputs(
  manifest: TemplateManifest,
  manifestPath: string,
  manifestDir: string,
  checks: readonly Check[],
): void {
  const problems = suiteInputProblems(manifest, manifestDir, checks);
  if (problems.length > 0) throw new ManifestError(manifestPath, problems);
}

function regexProblem(source: string): string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(source);
  } catch (error) {
    return `${JSON.stringify(source)} does not compile (${(error as Error).message}). Fix the pattern (JSON needs "\\\\d" for \\d).`;
  }
  // Groups of the regex: an alternative that matches the empty string reveals them.
  const groups = new RegExp(`${regex.source}|`).exec('')!.length - 1;
  if (groups === 0)
    return `${JSON.stringify(source)} has no capture group. Put the number in parentheses, e.g. "loss=([0-9.]+)".`;
  return undefined;
}

function schemaProblem(path: string): string | undefined {
  if (!existsSync(path))
    return `${path} does not exist. Fix the path (relative to template.json) or remove the field.`;
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return `${path} is not valid JSON (${(error as Error).message}).`;
  }
  try {
    new Ajv({ strict: false }).compile(schema as object);
  } catch (error) {
    return `${path} is not a valid JSON Schema (${(error as Error).message}).`;
  }
  return undefined;
}

/** `; did you mean "serve.ping.ok"?` when one id is a small edit away. */
function nearest(id: string, ids: readonly string[]): string {
  let best: { id: string; distance: number } | undefined;
  for (const candidate of ids) {
    const distance = editDistance(id, candidate);
    if (!best || distance < best.distance) best = { id: candidate, distance };
  }
  return best && best.distance <= Math.max(2, id.length / 4) ? ` (did you mean "${best.id}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return row[b.length]!;
}
