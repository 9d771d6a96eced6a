import { parseArgs } from 'node:util';
import {
  DEFAULT_PASS_MAX_AGE,
  describeRecorder,
  formatDuration,
  lookupPassRecord,
  openImageStore,
  parseDuration,
  parseImageUri,
  redactEnvironmentSecrets,
  redactor,
  type PassRecordLookup,
} from '@sagemaker-templates/registry';
import type { SuiteReport } from './report.ts';
import { SUITE_VERSION } from './version.ts';

export const VERIFY_USAGE = `Usage: sagemaker-conformance verify --image REGISTRY/REPOSITORY[:TAG|@DIGEST] [options]

Says whether a pushed image has a current conformance pass record in its registry (an OCI artifact
that refers to the image, left by \`nx run <template>:push\`), without pulling the image: a gate
for a deploy pipeline. ECR images are read with the AWS chain's credentials.

Options:
  --image URI          the image's registry URI (required)
  --max-age AGE        how old the pass may be: 90s, 30m, 12h, 7d (default ${DEFAULT_PASS_MAX_AGE}, or
                       SAGEMAKER_TEMPLATES_PASS_MAX_AGE)
  --registry HOST      reach the registry through this host[:port] instead (a mirror, a test
                       registry; also SAGEMAKER_TEMPLATES_PUSH_REGISTRY)
  --json               print the record found (or why none counts) as JSON
  -h, --help           show this help

Exit codes: 0 a current pass record (suite ${SUITE_VERSION}); 1 none (no image, no record, expired,
another suite version); 2 bad arguments; 3 the registry could not be asked.`;

const OPTIONS = {
  image: { type: 'string' },
  'max-age': { type: 'string' },
  registry: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** `sagemaker-conformance verify`: 0 when the image has a current pass record. */
export async function verifyMain(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let request;
  try {
    request = verifyRequest(argv, env);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${VERIFY_USAGE}`);
    return 2;
  }
  if (request === 'help') {
    console.log(VERIFY_USAGE);
    return 0;
  }
  redactEnvironmentSecrets(redactor, env);
  let lookup: PassRecordLookup;
  try {
    const { store, close } = await openImageStore(request.uri, { env, ...request.via });
    try {
      lookup = await lookupPassRecord(store, request.uri.reference, {
        suiteVersion: SUITE_VERSION,
        maxAgeMs: request.maxAgeMs,
      });
    } finally {
      close();
    }
  } catch (error) {
    console.error(redactor.redact(`verify: ${request.image}: ${(error as Error).message}`));
    return 3;
  }
  console.log(request.json ? JSON.stringify(lookup, null, 2) : verdictLine(request.image, lookup));
  return lookup.found ? 0 : 1;
}

function verifyRequest(argv: string[], env: NodeJS.ProcessEnv) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  if (values.help) return 'help' as const;
  if (!values.image) throw new Error('verify needs --image.');
  const maxAge = values['max-age'] ?? env.SAGEMAKER_TEMPLATES_PASS_MAX_AGE ?? DEFAULT_PASS_MAX_AGE;
  const via = values.registry ?? env.SAGEMAKER_TEMPLATES_PUSH_REGISTRY;
  return {
    image: values.image,
    uri: parseImageUri(values.image),
    maxAgeMs: parseDuration(maxAge, values['max-age'] ? '--max-age' : 'the pass age'),
    via: via ? { via } : {},
    json: values.json,
  };
}

/** CURRENT with when, whose and what passed; or NOT CURRENT with why. */
function verdictLine(image: string, lookup: PassRecordLookup): string {
  const found = lookup.found;
  if (!found) return `NOT CURRENT  ${image}: ${lookup.missing ?? 'no pass record'}`;
  const { record } = found;
  const ageMs = Date.now() - Date.parse(record.passedAt);
  const counts = record.reports.map(({ platform, report }) => {
    const summary = (report as Partial<SuiteReport> | undefined)?.summary;
    return summary
      ? `${platform}: ${summary.passed} passed, ${summary.skipped} skipped, ${summary.shouldFailed} should-level failed`
      : platform;
  });
  return [
    `CURRENT  ${image} (${lookup.image?.digest ?? '?'})`,
    `  passed suite ${record.suite.version} at ${record.passedAt} (${formatDuration(Math.max(0, Math.round(ageMs / 1000) * 1000))} ago)`,
    `  by ${describeRecorder(record.recordedBy)}`,
    `  record ${found.digest}${counts.length ? `; ${counts.join('; ')}` : ''}`,
  ].join('\n');
}
