import type { SuiteTimings } from './suite-trace.ts';
import type { Level, Profile, Status } from './check.ts';
import type { InstanceType } from '@sagemaker-templates/contract';
import type { EngineDescription } from '@sagemaker-templates/engine';
import type { PlatformRun } from './platform-run.ts';

export interface CheckResult {
  id: string;
  title: string;
  clauses: string;
  level: Level;
  profile: Profile;
  status: Status;
  message: string;
  hint?: string;
  durationMs: number;
}

export interface SuiteReport {
  suite: { name: 'sagemaker-conformance'; version: string };
  /** Project name when run through Nx, else the image reference. */
  name: string;
  image: string;
  imageId: string;
  manifest: string;
  /** The image's platform and how it ran here: emulated runs scale every time budget. */
  platform?: PlatformRun;
  /** The engine that ran the containers: its address, version, and whether it is remote. */
  engine?: EngineDescription;
  /** The instance type every container was sized as (memory without swap, vCPUs), if any. */
  instance?: InstanceType;
  /** The robustness profile's seed and size: `--seed` replays the same garbage. */
  fuzz: { seed: number; count: number };
  startedAt: string;
  durationMs: number;
  results: CheckResult[];
  summary: {
    passed: number;
    failed: number;
    skipped: number;
    mustFailed: number;
    shouldFailed: number;
  };
  /** True when no applicable `must` check failed. */
  ok: boolean;
  /** Set when this is the report of an earlier run of the same image and suite, not run again. */
  reusedPass?: { passedAt: string; record?: string };
  /** Where the time went: every shared observation's and every check's span (--timings prints it). */
  timings?: SuiteTimings;
}

export function summarize(results: CheckResult[]): SuiteReport['summary'] {
  const count = (f: (r: CheckResult) => boolean) => results.filter(f).length;
  return {
    passed: count((r) => r.status === 'pass'),
    failed: count((r) => r.status === 'fail'),
    skipped: count((r) => r.status === 'skip'),
    mustFailed: count((r) => r.status === 'fail' && r.level === 'must'),
    shouldFailed: count((r) => r.status === 'fail' && r.level === 'should'),
  };
}
