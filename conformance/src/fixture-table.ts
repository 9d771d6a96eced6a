/**
 * The conformance suite's fixtures as data: one row per check, each an image that must fail that
 * check and no other, plus the good one that passes everything. Most rows are the fixture algorithm
 * built from fixtures/Dockerfile with FAULT set to the check id; a row has a Dockerfile of its own
 * only where the fault is in the image's structure (entrypoint, user, files).
 */
export interface Fixture {
  /** The check this image must fail; `good` for the image that passes every check. */
  id: string;
  /** What is wrong with the image, for people reading the table. */
  broken: string;
  /**
   * How it is broken: `fault` sets FAULT (the fixture algorithm switches that one behaviour);
   * `dockerfile` builds a file of its own, relative to conformance/fixtures; `manifest` only
   * changes what template.json declares.
   */
  via: 'fault' | 'dockerfile' | 'manifest' | 'platform';
  /** The own Dockerfile (via `dockerfile`), relative to conformance/fixtures. */
  dockerfile?: string;
  /** A template.json of its own (relative to conformance/fixtures), else the algorithm's. */
  manifest?: string;
  /** The image config's platform is rewritten to this after the build. */
  platform?: string;
  /** Capability labels it carries (build arguments); both true unless a row says otherwise. */
  labels?: { acceptBindToPort?: boolean; multiModels?: boolean };
  /** The image only waits (SIGTERM grace, timeouts), so the meta-test runs it beside the others. */
  waits?: boolean;
}

const fault = (id: string, broken: string, extra: Partial<Fixture> = {}): Fixture => ({
  id,
  broken,
  via: 'fault',
  ...extra,
});
const own = (id: string, broken: string, extra: Partial<Fixture> = {}): Fixture => ({
  id,
  broken,
  via: 'dockerfile',
  dockerfile: `broken/${id}/Dockerfile`,
  ...extra,
});

export const FIXTURES: readonly Fixture[] = [
  { id: 'good', broken: 'nothing: every check passes', via: 'fault' },
  own('image.entrypoint.exec-form', 'a shell-form ENTRYPOINT that execs node with $0'),
  own('image.entrypoint.no-tini', 'tini as the ENTRYPOINT'),
  own('image.user.root', 'runs as the unprivileged node user'),
  own('image.no-credentials', 'a registry token in /root/.npmrc and an AWS secret key in ENV'),
  {
    id: 'image.platform',
    broken: 'its config says linux/arm64',
    via: 'platform',
    platform: 'linux/arm64',
  },
  {
    id: 'image.size.budget',
    broken: 'its template.json allows 1 MB',
    via: 'manifest',
    manifest: 'broken/image.size.budget/template.json',
  },
  own('image.no-driver-libraries', "a host driver's libcuda.so.535 in /usr/lib"),
  own('image.cpu-no-cuda', 'CUDA runtime libraries in an image declared CPU-only', {
    manifest: 'broken/image.cpu-no-cuda/template.json',
  }),
  own('train.invocation', 'no ENTRYPOINT and no train on PATH'),
  fault('train.exit.success', 'exits 3 after a successful run'),
  fault('train.model.written', 'writes no model'),
  fault('train.metrics.regex', 'prints no loss line'),
  fault('train.failure.file', 'writes no failure file for failing hyperparameters'),
  fault('train.failure.exit-code', 'exits 0 for failing hyperparameters'),
  fault('train.failure.missing-channel', 'trains on nothing when the train channel is missing'),
  fault('train.hyperparameters.json-encoded', 'refuses quoted hyperparameter values'),
  fault('train.hyperparameters.empty', 'requires epochs'),
  fault('train.channels.read-only', 'writes into its channel folder'),
  fault('train.resourceconfig.minimal', 'requires current_group_name'),
  fault('train.network-isolation', 'looks up deb.debian.org at start'),
  fault('train.multi-host', 'refuses jobs with more than one host'),
  fault('train.sigterm', 'ignores SIGTERM during a long run', { waits: true }),
  fault('train.gpu.simulated', 'fails when nvidia-smi reports GPUs'),
  fault('train.gpu.real', 'reports 0 GPUs whatever the host has'),
  fault('toolkit.program.code-dir', 'runs the program from the wrong folder'),
  fault('toolkit.hyperparameters.cli', 'passes hyperparameters unsorted and undecoded'),
  fault('toolkit.sm-variables', 'exports wrong SM_* variables'),
  fault(
    'toolkit.failure.execute-user-script-error',
    'a failure file without ExecuteUserScriptError',
  ),
  fault('toolkit.success-file', 'writes no success file'),
  fault('serve.ping.ok', '/ping takes 3 s', { waits: true }),
  fault('serve.ping.honest', '/ping says 200 without a model'),
  fault('serve.invocations.content-types', 'answers 500 to text/csv'),
  fault('serve.invocations.accept', 'ignores Accept: text/csv'),
  fault('serve.headers.tolerated', 'refuses custom attributes'),
  fault('serve.payload.6mb', 'refuses bodies over 5 MB'),
  fault('serve.concurrency', 'refuses requests beyond 8 in flight'),
  fault('serve.longevity', 'keeps 256 kB of every request it answers'),
  fault(
    'serve.bad-input.survives',
    "an unhandled error on the manifest's bad JSON kills the server",
  ),
  fault('serve.bad-input.client-error', "answers 500 to the manifest's bad requests"),
  fault('serve.bind-to-port', 'always listens on 8080'),
  fault('serve.network-isolation', 'looks up deb.debian.org at start'),
  fault('serverless.ready', 'holds a 1,100 MB model: more than its 1,024 MB serverless size'),
  fault(
    'serverless.invocations',
    'expands a request into 300 times its size: a 4 MB body needs 1.2 GB',
  ),
  fault(
    'async.payload',
    'refuses bodies over 16 MB whatever SAGEMAKER_MAX_PAYLOAD_IN_MB says (its manifest: 24 MB)',
  ),
  fault(
    'async.payload.memory',
    'collects a large body, decodes it and splits it into lines before answering',
  ),
  fault(
    'async.long-request',
    'cuts every request at 3 s whatever SAGEMAKER_MODEL_SERVER_TIMEOUT says (a 60 s default, at the fixture scale)',
  ),
  fault('batch.environment', "fails to start under local mode's SAGEMAKER_BATCH=True"),
  fault('batch.execution-parameters', 'MaxConcurrentTransforms as a string'),
  fault('batch.execution-parameters.strategy-spelling', 'BatchStrategy MULTI_RECORD'),
  fault(
    'batch.transform',
    'in batch mode, answers each distinct record once (a cache keyed by record)',
  ),
  fault('mme.load', 'answers a duplicate load with 200'),
  fault('mme.list', 'lists model names instead of objects'),
  fault('mme.invoke', 'answers 500 for a model never loaded'),
  fault('mme.unload', 'keeps serving a model after DELETE'),
  fault('robust.train.hyperparameters', 'refuses bad hyperparameters without naming them'),
  fault('robust.train.data', 'never reads its training files'),
  fault('robust.serve.largest-batch', 'predicts only the first 1,000,000 records of a batch'),
  fault('robust.serve.garbage', 'answers 500 to deeply nested JSON'),
  fault('robust.serve.strict-output', 'float32 sums that overflow are printed as Infinity'),
  fault('robust.serve.record-count', 'takes a damaged first CSV line for a header and drops it'),
  fault('serve.sigterm', 'ignores SIGTERM while serving', { waits: true }),
];

/** Build arguments of a fixture image: its labels, and FAULT for a fault row. */
export const fixtureBuildArgs = (fixture: Fixture): Record<string, string> => ({
  ACCEPT_BIND_TO_PORT: String(fixture.labels?.acceptBindToPort ?? true),
  MULTI_MODELS: String(fixture.labels?.multiModels ?? true),
  ...(fixture.via === 'fault' && fixture.id !== 'good' ? { FAULT: fixture.id } : {}),
});
