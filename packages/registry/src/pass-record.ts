import { hostname, userInfo } from 'node:os';
import { ExplainedError } from '@sagemaker-templates/contract';
import type { DistributionClient, RemoteManifest } from './distribution-client.ts';
import {
  attachArtifact,
  listReferrers,
  readArtifactBlob,
  type ReferrerIndexing,
} from './referrers.ts';

/** The artifact type (and layer media type) of a conformance pass record. */
export const PASS_RECORD_TYPE = 'application/vnd.sagemaker-templates.conformance-pass.v1+json';
const SUITE_KEY_ANNOTATION = 'dev.sagemaker-templates.suite-key';
const CREATED_ANNOTATION = 'org.opencontainers.image.created';

/** Where a pass was recorded: enough for a reader to know whose record it relies on. */
export interface RecordedBy {
  user: string;
  host: string;
  workspace: string;
  /** The CI run's URL (GitHub Actions), when recorded by one. */
  ci?: string;
}

/**
 * A full pass of the conformance suite by the image a registry holds under `contentTag`, stored
 * next to it as an OCI artifact whose subject is that image (or image index).
 */
export interface PassRecord {
  kind: 'sagemaker-templates/conformance-pass';
  template: string;
  contentTag: string;
  suite: { version: string; key: string };
  passedAt: string;
  recordedBy: RecordedBy;
  /** Each platform's full JSON report (every check's result). */
  reports: { platform: string; report: unknown }[];
}

/** A record found in the registry, with the digest of its artifact manifest. */
export interface FoundPassRecord {
  digest: string;
  record: PassRecord;
}

/** Who records a pass made here: the user, the host, the workspace and, in CI, the run. */
export function recordedHere(env: NodeJS.ProcessEnv = process.env): RecordedBy {
  const run =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  return {
    user: safeUser(),
    host: hostname(),
    workspace: process.cwd(),
    ...(run ? { ci: run } : {}),
  };
}

const safeUser = () => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
};

/** "alice@build-7 (workspace /src/repo)", or the CI run: for log lines. */
export const describeRecorder = (by: RecordedBy) =>
  by.ci ?? `${by.user}@${by.host} (workspace ${by.workspace})`;

/** Pushes the record as an artifact referring to `subject`; answers its digest and indexing. */
export async function pushPassRecord(
  client: DistributionClient,
  repository: string,
  subject: RemoteManifest,
  record: PassRecord,
): Promise<{ digest: string; indexing: ReferrerIndexing }> {
  return attachArtifact(client, repository, subject, {
    artifactType: PASS_RECORD_TYPE,
    blob: Buffer.from(JSON.stringify(record)),
    annotations: {
      [CREATED_ANNOTATION]: record.passedAt,
      [SUITE_KEY_ANNOTATION]: record.suite.key,
    },
  });
}

/** What a reader accepts: this suite (key or version) and an age limit. */
export interface PassRecordWanted {
  /** The suite key of the reader's workspace; without it, only the suite version is compared. */
  suiteKey?: string;
  suiteVersion: string;
  maxAgeMs: number;
  now?: number;
}

/** The newest current record of `subjectDigest`, or why none is: for a log line or `verify`. */
export async function findPassRecord(
  client: DistributionClient,
  repository: string,
  subjectDigest: string,
  wanted: PassRecordWanted,
): Promise<{ found: FoundPassRecord } | { missing: string }> {
  const referrers = await listReferrers(client, repository, subjectDigest, PASS_RECORD_TYPE);
  if (referrers.length === 0) return { missing: 'no pass record refers to this image' };
  const created = (d: { annotations?: Record<string, string> }) =>
    Date.parse(d.annotations?.[CREATED_ANNOTATION] ?? '') || 0;
  const newestFirst = [...referrers].sort((a, b) => created(b) - created(a));
  let why = '';
  for (const descriptor of newestFirst) {
    const key = descriptor.annotations?.[SUITE_KEY_ANNOTATION];
    if (wanted.suiteKey && key && key !== wanted.suiteKey) {
      why ||= `its ${referrers.length === 1 ? 'record is' : 'records are'} for another suite or template files (suite key ${key.slice(0, 12)}, here ${wanted.suiteKey.slice(0, 12)})`;
      continue;
    }
    const blob = await readArtifactBlob(client, repository, descriptor.digest);
    const record = parsePassRecord(blob, `${client.registry}/${repository}@${descriptor.digest}`);
    const stale = staleness(record, wanted);
    if (!stale) return { found: { digest: descriptor.digest, record } };
    why ||= stale;
  }
  return { missing: why };
}

/** Why a record does not count for `wanted`, or undefined when it does. */
export function staleness(record: PassRecord, wanted: PassRecordWanted): string | undefined {
  if (wanted.suiteKey && record.suite.key !== wanted.suiteKey)
    return `its record is for another suite or template files (suite key ${record.suite.key.slice(0, 12)}, here ${wanted.suiteKey.slice(0, 12)})`;
  if (record.suite.version !== wanted.suiteVersion)
    return `its record is for suite ${record.suite.version}, not ${wanted.suiteVersion}`;
  const age = (wanted.now ?? Date.now()) - Date.parse(record.passedAt);
  if (!(age <= wanted.maxAgeMs))
    return `its newest record (passed ${record.passedAt}) is older than ${formatDuration(wanted.maxAgeMs)}`;
  return undefined;
}

/** A record's JSON, checked for the fields readers rely on. */
export function parsePassRecord(blob: Buffer, where: string): PassRecord {
  let record: Partial<PassRecord>;
  try {
    record = JSON.parse(blob.toString('utf8')) as Partial<PassRecord>;
  } catch {
    throw new ExplainedError(`${where}: the pass record is not JSON.`);
  }
  const ok =
    record.kind === 'sagemaker-templates/conformance-pass' &&
    typeof record.suite?.key === 'string' &&
    typeof record.suite.version === 'string' &&
    typeof record.passedAt === 'string' &&
    !Number.isNaN(Date.parse(record.passedAt)) &&
    typeof record.recordedBy?.user === 'string' &&
    Array.isArray(record.reports);
  if (!ok)
    throw new ExplainedError(
      `${where}: the pass record lacks kind, suite, passedAt, recordedBy or reports; it was not written by this tool. Delete it, or push again with --force to record a new pass.`,
    );
  return record as PassRecord;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "7d", "12h", "30m", "90s" in milliseconds; anything else is refused, naming `what`. */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (!match)
    throw new ExplainedError(
      `${what} is ${JSON.stringify(text)}; give a whole number and a unit: 90s, 30m, 12h or 7d.`,
    );
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** The largest whole unit: 604800000 → "7d", 90000 → "90s". */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const)
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}

/** How long a pass counts, here and in the registry, unless --pass-max-age says otherwise. */
export const DEFAULT_PASS_MAX_AGE = '7d';
