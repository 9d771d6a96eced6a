import type { TemplateManifest } from '@sagemaker-templates/contract';
import type { PlatformRun } from './platform-run.ts';
import type {
  ImageInfo,
  ServingSession,
  ServingVariant,
  TrainingObservation,
  TrainingStart,
  TrainingVariant,
} from './observations.ts';

export type Level = 'must' | 'should';
export type Profile = 'image' | 'training' | 'toolkit' | 'serving' | 'robustness';
export type Status = 'pass' | 'fail' | 'skip';
export type Phase = 'background' | 'observe' | 'load' | 'fuzz' | 'disturb' | 'consume';

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
  /** The image's platform, and whether (and how much slower) it runs emulated here. */
  platform: PlatformRun;
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
  clauses: string;
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
   * `background` checks use containers of their own and mostly wait (a throttled request that
   * must run past 60 s): they start with the observe checks and run beside every phase.
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

/**
 * What checks observe an image through (as container-structure-test's tests go through a `Driver`):
 * the suite runs them over Docker (probes/docker-probes.ts), unit tests over recordings
 * (test-support/fake-probes.ts). Runs and sessions are shared: the same call, or the same `key`,
 * gives the same observation within one suite run. A probe whose precondition failed throws a
 * BlockedError, so the check is reported as skipped.
 */
export interface Probes {
  imageInfo(): Promise<ImageInfo>;
  /** Files read from the image without running it; missing ones are undefined. */
  imageFiles(paths: readonly string[]): Promise<Map<string, string | undefined>>;
  /** Every `*.so*` file in the image; an Error when the image cannot list them (no sh or find). */
  sharedLibraries(): Promise<string[] | Error>;
  /** How many NVIDIA GPUs the host running the suite has (0 without nvidia-smi). */
  hostGpus(): Promise<number>;
  /** A new empty host folder, removed with the probes (e.g. code to mount into a container). */
  scratchDir(prefix: string): Promise<string>;
  /** The manifest's sample training run. */
  training(): Promise<TrainingObservation>;
  /** A run that must fail: the manifest's failing hyperparameters, else no input channels. */
  failingTraining(): Promise<TrainingObservation>;
  /** The sample run changed as `variant` says; shared by `key`. */
  trainingVariant(key: string, variant: TrainingVariant): Promise<TrainingObservation>;
  /** Two hosts, algo-1 and algo-2, training at once on one network. */
  multiHostTraining(): Promise<TrainingObservation[]>;
  /** A training container started and not waited for (not shared: the caller consumes it). */
  startTraining(variant: TrainingVariant): Promise<TrainingStart>;
  /** The shared serving container, ready or not. */
  serving(): Promise<ServingSession>;
  /** Another serving container, started as `variant` says; shared by `key`. */
  servingVariant(key: string, variant: ServingVariant): Promise<ServingSession>;
}
