import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ManifestError } from '@sagemaker-templates/contract';
import { checks } from './checks/index.ts';
import { catalogueText } from './catalogue.ts';
import { ROBUSTNESS_CASE_IDS } from './robustness/case-ids.ts';
import { formatResult, formatSummary } from './reporters/console.ts';
import { toJUnit } from './reporters/junit.ts';
import { DEFAULT_FUZZ_COUNT, runSuite, SuiteError } from './runner.ts';
import { DEFAULT_EMULATION_SCALE } from './platform-run.ts';
import { verifyMain } from './verify-cli.ts';
import { formatTimings } from './suite-trace.ts';

const USAGE = `Usage: sagemaker-conformance --image IMAGE --manifest PATH/template.json [options]
       sagemaker-conformance verify --image REGISTRY/REPOSITORY:TAG (see verify --help)

Checks a container image against the Amazon SageMaker container contract.

Options:
  --image IMAGE        image reference or id on the local Docker engine (required)
  --manifest FILE      the template.json that describes the image (required)
  --name NAME          name used in reports (default: the image reference)
  --report-dir DIR     write NAME.json and NAME.junit.xml there (default: reports/conformance)
  --only ID[,ID...]    run only these checks
  --seed N             seed of the robustness profile's garbage (default: a new one, printed
                       in the output and the report); the same seed replays the same garbage
  --fuzz-count N       garbage requests per serving container (default ${DEFAULT_FUZZ_COUNT}); the training
                       garbage cases grow with it (N/60, at least 3)
  --emulation-scale N  what every time budget is multiplied by when the image's platform runs
                       emulated here (an arm64 image on an x86_64 host; default ${DEFAULT_EMULATION_SCALE})
  --instance-type T    size every container as this SageMaker instance type (ml.m5.large:
                       its memory without swap, its vCPUs); default template.json's instanceType
  --longevity-seconds N  sustained load of serve.longevity after its warm-up (default
                       template.json's budgets.longevitySeconds, 5)
  --timings            after the summary, print where the time went: every shared container
                       (training runs, serving containers: started, ready, done) and every check
                       (queued, running, which containers it waited for) on one timeline; the
                       JSON report always holds it (timings)
  --list               print every check (id, level, clause, title) and exit
  --list-cases         print every garbage case id that template.json's
                       conformance.robustness.accept may name, and exit
  -h, --help           show this help

Exit codes: 0 every applicable must-level check passed; 1 a must-level check failed;
2 bad arguments or manifest; 3 the suite could not run (no Docker engine, missing image).`;

const OPTIONS = {
  image: { type: 'string' },
  manifest: { type: 'string' },
  name: { type: 'string' },
  'report-dir': { type: 'string', default: 'reports/conformance' },
  only: { type: 'string' },
  seed: { type: 'string' },
  'fuzz-count': { type: 'string' },
  'emulation-scale': { type: 'string' },
  'instance-type': { type: 'string' },
  'longevity-seconds': { type: 'string' },
  timings: { type: 'boolean', default: false },
  list: { type: 'boolean', default: false },
  'list-cases': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

/** What the suite is asked to do, checked: the image, its manifest and the robustness settings. */
interface Run {
  image: string;
  manifest: string;
  name: string;
  reportDir: string;
  only: string[] | undefined;
  seed: number | undefined;
  fuzzCount: number | undefined;
  emulationScale: number | undefined;
  instanceType: string | undefined;
  longevitySeconds: number | undefined;
  timings: boolean;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'verify') return verifyMain(argv.slice(1));
  let values: Values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const listing = values.help
    ? USAGE
    : values.list
      ? catalogueText(checks)
      : values['list-cases']
        ? ROBUSTNESS_CASE_IDS.join('\n')
        : undefined;
  if (listing !== undefined) {
    console.log(listing);
    return 0;
  }
  const run = checkedRun(values);
  if (run instanceof Error) {
    console.error(`${run.message}\n\n${USAGE}`);
    return 2;
  }
  console.log(`sagemaker-conformance: checking ${run.image} against ${run.manifest}`);
  try {
    return await checkImage(run);
  } catch (error) {
    return exitCodeOf(error);
  }
}

function checkedRun(values: Values): Run | Error {
  if (!values.image || !values.manifest)
    return new Error('Both --image and --manifest are required.');
  const seed = positiveInteger(values.seed, '--seed', 2 ** 32 - 1);
  if (seed instanceof Error) return seed;
  const fuzzCount = positiveInteger(values['fuzz-count'], '--fuzz-count', 1_000_000);
  if (fuzzCount instanceof Error) return fuzzCount;
  const emulationScale = positiveInteger(values['emulation-scale'], '--emulation-scale', 100);
  if (emulationScale instanceof Error) return emulationScale;
  const longevitySeconds = positiveInteger(
    values['longevity-seconds'],
    '--longevity-seconds',
    86_400,
  );
  if (longevitySeconds instanceof Error) return longevitySeconds;
  return {
    image: values.image,
    manifest: values.manifest,
    name: values.name ?? values.image,
    reportDir: values['report-dir'],
    only: values.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    seed,
    fuzzCount,
    emulationScale,
    instanceType: values['instance-type'],
    longevitySeconds,
    timings: values.timings,
  };
}

/** Runs the suite, printing results as they come, and writes the JSON and JUnit reports. */
async function checkImage(run: Run): Promise<number> {
  const report = await runSuite({
    image: run.image,
    manifestPath: run.manifest,
    name: run.name,
    only: run.only,
    ...(run.seed === undefined ? {} : { seed: run.seed }),
    ...(run.fuzzCount === undefined ? {} : { fuzzCount: run.fuzzCount }),
    ...(run.emulationScale === undefined ? {} : { emulationScale: run.emulationScale }),
    ...(run.instanceType === undefined ? {} : { instanceType: run.instanceType }),
    ...(run.longevitySeconds === undefined ? {} : { longevitySeconds: run.longevitySeconds }),
    onProgress: (line) => console.log(`  … ${line}`),
    onResult: (result) => console.log(formatResult(result)),
  });
  const dir = run.reportDir;
  const base = run.name.replace(/[^A-Za-z0-9._-]+/g, '_');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${base}.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, `${base}.junit.xml`), toJUnit([report]));
  console.log(
    `\n${formatSummary(report)}\n  reports: ${join(dir, `${base}.json`)}, ${join(dir, `${base}.junit.xml`)}`,
  );
  if (run.timings && report.timings)
    console.log(`\n${formatTimings(report.timings, report.durationMs)}`);
  return report.ok ? 0 : 1;
}

/** 2 for a bad manifest, 3 when the suite could not run. */
function exitCodeOf(error: unknown): number {
  if (error instanceof ManifestError) {
    console.error(error.message);
    return 2;
  }
  if (error instanceof SuiteError) {
    console.error(error.message);
    return 3;
  }
  console.error(`sagemaker-conformance could not run: ${(error as Error).stack ?? error}`);
  return 3;
}

/** A whole number from 1 to `max`, or an Error that says which option is wrong. */
function positiveInteger(
  value: string | undefined,
  option: string,
  max: number,
): number | undefined | Error {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max)
    return new Error(
      `${option} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}.`,
    );
  return n;
}
