import { emulationCrash } from '@sagemaker-templates/engine';
import type { Outcome, Probes } from './check.ts';
import type { PlatformRun } from './platform-run.ts';

/** What a wrapper of probes answers with the probes it wraps (for underlyingProbes). */
export const PROBES_TARGET = Symbol('wrapped probes');
const TARGET = PROBES_TARGET;
const SEEN = Symbol('observations');

/**
 * The probes a check is given, recording every observation they hand it (training results,
 * serving sessions, started containers), so that a failure under emulation can be traced to the
 * containers the check looked at.
 */
export function recordingProbes(probes: Probes): { probes: Probes; seen: unknown[] } {
  const seen: unknown[] = [];
  const recording = new Proxy(probes, {
    get(target, property) {
      if (property === TARGET) return target;
      if (property === SEEN) return seen;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (result instanceof Promise)
          result.then(
            (v) => seen.push(v),
            () => {},
          );
        return result;
      };
    },
  });
  return { probes: recording, seen };
}

/** The probes under every recording or wrapper (what memos of one suite run are keyed on). */
export function underlyingProbes(probes: Probes): Probes {
  let inner = probes;
  for (;;) {
    const wrapped = (inner as Probes & { [TARGET]?: Probes })[TARGET];
    if (!wrapped) return inner;
    inner = wrapped;
  }
}

/** What the check holding these probes has observed so far; a fresh list for plain probes. */
export const observationsOf = (probes: Probes): unknown[] =>
  (probes as Probes & { [SEEN]?: unknown[] })[SEEN] ?? [];

interface Outputs {
  logs?: unknown;
  exitCode?: unknown;
  startError?: unknown;
  container?: { logs(): Promise<string>; state(): Promise<{ running: boolean; exitCode: number }> };
}

/** The first emulation crash (engine's emulationCrash) in what a check observed, if any. */
export async function emulationCrashIn(seen: readonly unknown[]): Promise<string | undefined> {
  for (const value of seen.flat(Infinity)) {
    if (!value || typeof value !== 'object') continue;
    const outputs = value as Outputs;
    const exitCode = typeof outputs.exitCode === 'number' ? outputs.exitCode : undefined;
    const texts = [outputs.logs, outputs.startError].filter((t) => typeof t === 'string');
    for (const text of texts) {
      const crash = emulationCrash(text, exitCode);
      if (crash) return crash;
    }
    const container = outputs.container;
    if (container && typeof container.logs === 'function') {
      const state = await container.state().catch(() => undefined);
      const logs = await container.logs().catch(() => '');
      const crash = emulationCrash(logs, state && !state.running ? state.exitCode : undefined);
      if (crash) return crash;
    }
  }
  return undefined;
}

/**
 * A failure under emulation whose containers crashed the way only the emulator makes them crash
 * becomes an environment skip: neither a pass nor a fail of the image, with the reason and what
 * would judge it.
 */
export async function judgeUnderEmulation(
  outcome: Outcome,
  run: PlatformRun,
  seen: readonly unknown[],
): Promise<Outcome> {
  if (!run.emulated || outcome.status !== 'fail') return outcome;
  const crash = await emulationCrashIn(seen);
  if (!crash) return outcome;
  return {
    status: 'skip',
    message: `environment: ${crash}, under emulation (${run.platform}, ${run.how}); this says nothing about the image. Run the suite on a native ${run.platform} host to judge it. The check saw: ${outcome.message}`,
  };
}
