/**
 * The robustness profile at scale, per template: the serving fuzz run (requests, status histogram,
 * 5xx, dropped connections, restarted processes, slowest answer) and the whole training catalogue
 * (every garbage case the manifest yields, with exit codes), from one printed seed.
 *
 *   npx tsx tools/bench/robustness.ts [templates/node ...] [--fuzz-count 10000] [--seed N]
 */
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  dataTrainings,
  fuzzRun,
  garbageRunProblem,
  histogram,
  hyperparameterTrainings,
  newSeed,
  NATIVE_RUN,
  DockerProbes,
  runGarbageTrainings,
  type CheckContext,
} from '@sagemaker-templates/conformance';
import { loadManifest } from '@sagemaker-templates/contract';
import { connectEngine, sweepLeftovers } from '@sagemaker-templates/engine';
import { buildTemplate } from '../nx-plugin/src/build-template.ts';
import { templateRoots } from './template-roots.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'fuzz-count': { type: 'string', default: '10000' }, seed: { type: 'string' } },
});
const count = Number(values['fuzz-count']);
const seed = values.seed ? Number(values.seed) : newSeed();
const roots = templateRoots(positionals);

const docker = connectEngine();
await sweepLeftovers(docker);
console.log(`seed ${seed} (replay with --seed ${seed}), ${count} garbage requests per template\n`);
for (const root of roots) {
  const { image, name } = await buildTemplate(root, { quiet: true });
  const manifestPath = resolve(root, 'template.json');
  const manifest = await loadManifest(manifestPath);
  const probes = new DockerProbes(docker, image, manifest, dirname(manifestPath));
  const ctx: CheckContext = {
    image,
    manifest,
    manifestDir: dirname(manifestPath),
    probes,
    fuzz: { seed, count },
    platform: NATIVE_RUN,
  };
  try {
    console.log(`== ${name} (${image})`);
    if (manifest.capabilities.serve) await serving(ctx);
    if (manifest.capabilities.train) await training(ctx);
  } finally {
    await probes.dispose();
  }
  console.log('');
}

async function serving(ctx: CheckContext): Promise<void> {
  const started = performance.now();
  const run = await fuzzRun(ctx);
  const seconds = (performance.now() - started) / 1000;
  const statuses = run.answers.map(({ answer }) => answer.status);
  const durations = run.answers.map(({ answer }) => answer.durationMs).sort((a, b) => a - b);
  const slowest = run.answers.reduce((a, b) => (b.answer.durationMs > a.answer.durationMs ? b : a));
  console.log(
    `serving   ${run.answers.length} of ${run.planned} requests in ${seconds.toFixed(1)} s`,
  );
  console.log(`          statuses  ${histogram(run.answers)}`);
  console.log(
    `          5xx ${statuses.filter((s) => s >= 500).length}, dropped ${statuses.filter((s) => s === 0).length}, restarted processes ${run.lostProcesses.length}; /ping after: ${run.pingAfter.status}, sample after: ${run.sampleAfter?.status ?? '-'}`,
  );
  console.log(
    `          latency p50 ${durations[Math.floor(durations.length / 2)]} ms, slowest ${slowest.answer.durationMs} ms ([${slowest.request.kind}] ${slowest.request.what})`,
  );
  const kinds = new Map<string, number[]>();
  for (const { request, answer } of run.answers)
    kinds.set(request.kind, [...(kinds.get(request.kind) ?? []), answer.status]);
  for (const [kind, list] of [...kinds].sort()) {
    const counts = new Map<number, number>();
    for (const s of list) counts.set(s, (counts.get(s) ?? 0) + 1);
    console.log(
      `            ${kind.padEnd(14)} ${[...counts]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s || 'none'}×${n}`)
        .join(', ')}`,
    );
  }
}

async function training(ctx: CheckContext): Promise<void> {
  const started = performance.now();
  const cases = [...(await hyperparameterTrainings(ctx)), ...(await dataTrainings(ctx))];
  const outcomes = await runGarbageTrainings(ctx, cases);
  const seconds = (performance.now() - started) / 1000;
  const exits = new Map<string, number>();
  for (const { run } of outcomes) {
    const key = run.timedOut ? 'timeout' : String(run.exitCode ?? 'no start');
    exits.set(key, (exits.get(key) ?? 0) + 1);
  }
  const problems = outcomes.flatMap((o) => garbageRunProblem(o) ?? []);
  const exit0 = outcomes.filter(({ run }) => run.exitCode === 0).length;
  console.log(
    `training  ${outcomes.length} garbage cases in ${seconds.toFixed(1)} s; exit codes ${[...exits].map(([c, n]) => `${c}×${n}`).join(', ')}`,
  );
  console.log(
    `          exit 0 on garbage: ${exit0}; failure file without the cause: ${problems.length - exit0}`,
  );
  for (const problem of problems) console.log(`            ${problem.slice(0, 300)}`);
}
