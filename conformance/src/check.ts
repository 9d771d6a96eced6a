import type { TemplateManifest } from '@sagemaker-templates/contract';
import type { Probes } from './probes/probes.ts';

export type Level = 'must' | 'should';
export type Profile = 'image' | 'training' | 'toolkit' | 'serving' | 'robustness';
export type Status = 'pass' | 'fail' | 'skip';
export type Phase = 'observe' | 'load' | 'fuzz' | 'disturb' | 'consume';

/** What a check found. `message` reads "expected ..., got ..."; `hint` says what to change. */
export interface Outcome {
  status: Status;
  message: string;
  hint?: string;
}

export interface CheckContext {
  image: string;
  manifest: TemplateManifest;
  /** Folder of the manifest: relative fixture paths resolve against it. */
  manifestDir: string;
  probes: Probes;
  fuzz: FuzzSettings;
}

/** How much garbage the robustness profile sends, and from which seed (printed, so a run can be replayed). */
export interface FuzzSettings {
  seed: number;
  /** Garbage requests to one serving container; training cases scale with it. */
  count: number;
}

/**
 * A conformance check: a small declarative unit with a stable dotted id and the contract clause it
 * enforces (conformance/CONTRACT.md). `run` observes shared probes and returns an outcome.
 */
export interface Check {
  id: string;
  title: string;
  /** Contract clause ids, e.g. 'T1' or 'I5, I11'. */
  source: string;
  level: Level;
  profile: Profile;
  /** What a failing image should change: shown under every failure. */
  hint: string;
  /**
   * When the check runs, since checks share containers: `observe` (default) checks run first and
   * concurrently; then `load` checks (large or parallel requests), one at a time;
   * then `fuzz` checks (generated garbage, judged by what the server does with it, so it must come
   * before anything that may already have crashed it); then `disturb` checks (the manifest's bad
   * input, which may crash a server); `consume` checks (SIGTERM) last, one at a time.
   */
  phase?: Phase;
  /** Undefined when the check applies; otherwise why it does not (reported as skip). */
  notApplicable?(ctx: CheckContext): string | undefined;
  run(ctx: CheckContext): Promise<Outcome>;
}

export const pass = (message: string): Outcome => ({ status: 'pass', message });
export const fail = (message: string, hint?: string): Outcome => ({
  status: 'fail',
  message,
  ...(hint ? { hint } : {}),
});
export const skip = (message: string): Outcome => ({ status: 'skip', message });

/** Thrown by a probe when an earlier stage failed, so dependent checks skip instead of piling up failures. */
export class BlockedError extends Error {
  constructor(
    readonly blockedBy: string,
    reason: string,
  ) {
    super(`not evaluated: ${reason} (see ${blockedBy})`);
    this.name = 'BlockedError';
  }
}
