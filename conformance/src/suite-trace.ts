import type { Phase, Probes } from './check.ts';
import { PROBES_TARGET } from './emulation-crash.ts';

/** A shared observation (a training run, a serving container): when it began, was ready, ended. */
export interface ProbeSpan {
  probe: string;
  startMs: number;
  /** A serving container's first 200 on /ping. */
  readyMs?: number;
  /** Undefined while it is still running (a serving container lives until the suite ends). */
  endMs?: number;
}

/** One check: when its phase let it queue, when it ran, and which observations it asked for. */
export interface CheckSpan {
  id: string;
  phase: Phase;
  queuedMs: number;
  startMs: number;
  endMs: number;
  probes: string[];
}

/** Where a suite's time went, in milliseconds from its start (the report's `timings`). */
export interface SuiteTimings {
  probes: ProbeSpan[];
  checks: CheckSpan[];
}

/**
 * Collects the spans of one suite run. The clock starts when the trace is made; every time is an
 * offset from it, rounded to whole milliseconds.
 */
export class SuiteTrace {
  readonly #start: number;
  readonly #probes: ProbeSpan[] = [];
  readonly #checks: CheckSpan[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {
    this.#start = now();
  }

  /** Milliseconds since the suite started. */
  at(): number {
    return Math.round(this.now() - this.#start);
  }

  /**
   * Times `work` as the observation `probe`: its end when it settles, and a serving session's
   * readiness from its readyAfterMs.
   */
  probe<T>(probe: string, work: () => Promise<T>): Promise<T> {
    const span: ProbeSpan = { probe, startMs: this.at() };
    this.#probes.push(span);
    const promise = work();
    promise.then(
      (value) => {
        const readyAfterMs = (value as { readyAfterMs?: unknown } | undefined)?.readyAfterMs;
        if (typeof readyAfterMs === 'number') span.readyMs = span.startMs + readyAfterMs;
        else span.endMs = this.at();
      },
      () => {
        span.endMs = this.at();
      },
    );
    return promise;
  }

  check(span: CheckSpan): void {
    this.#checks.push(span);
  }

  timings(): SuiteTimings {
    return { probes: [...this.#probes], checks: [...this.#checks] };
  }
}

/** The memo key of the observation each probe method asks for (DockerProbes' names). */
const PROBE_KEYS: Partial<Record<keyof Probes, (arg: unknown) => string>> = {
  imageInfo: () => 'image',
  training: () => 'training',
  failingTraining: () => 'failing-training',
  trainingVariant: (key) => `training:${String(key)}`,
  multiHostTraining: () => 'multi-host',
  sharedLibraries: () => 'shared-libraries',
  serving: () => 'serving',
  servingVariant: (key) => `serving:${String(key)}`,
  startTraining: () => 'own training container',
};

/** The probes, noting in `asked` every observation a check asks for (once each). */
export function askingProbes(probes: Probes, asked: string[]): Probes {
  return new Proxy(probes, {
    get(target, property) {
      if (property === PROBES_TARGET) return target;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const keyOf = PROBE_KEYS[property as keyof Probes];
      // Called on the probes themselves, never on this proxy: their private fields need it.
      return (...args: unknown[]) => {
        const key = keyOf?.(args[0]);
        if (key && !asked.includes(key)) asked.push(key);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const BAR_WIDTH = 40;

/**
 * The timeline as text: every observation and every check on one line with a bar across the
 * suite's duration (queued ·, starting ▒, running █) and the observations a check waited for, so
 * the checks that held the suite up, and what they waited behind, can be read off.
 */
export function formatTimings(timings: SuiteTimings, totalMs: number): string {
  const scale = BAR_WIDTH / Math.max(totalMs, 1);
  const col = (ms: number) => Math.min(BAR_WIDTH, Math.max(0, Math.round(ms * scale)));
  const bar = (segments: [number, number, string][]) => {
    const cells = Array.from({ length: BAR_WIDTH }, () => ' ');
    for (const [from, to, mark] of segments)
      for (let i = col(from); i < Math.max(col(to), col(from) + 1) && i < BAR_WIDTH; i++)
        cells[i] = mark;
    return `▕${cells.join('')}▏`;
  };
  const s = (ms: number) => (ms / 1000).toFixed(1).padStart(6);
  const idWidth = Math.max(12, ...timings.checks.map((c) => c.id.length + c.phase.length + 3));
  const lines = [`timings (seconds from the suite's start, ${s(totalMs).trim()} s in all):`];
  lines.push('  observations (▒ starting, █ running or serving)');
  for (const p of [...timings.probes].sort((a, b) => a.startMs - b.startMs)) {
    const end = p.endMs ?? totalMs;
    const ready = p.readyMs ?? p.startMs;
    const segments: [number, number, string][] = [
      [p.startMs, ready, '▒'],
      [ready, end, '█'],
    ];
    const readyText = p.readyMs !== undefined ? `, ready ${s(p.readyMs).trim()}` : '';
    const endText = p.endMs !== undefined ? ` → ${s(p.endMs).trim()}` : ' → end';
    lines.push(
      `    ${p.probe.padEnd(idWidth)} ${bar(segments)} ${s(p.startMs)}${endText}${readyText}`,
    );
  }
  lines.push('  checks (· queued behind earlier phases, █ running)');
  for (const c of [...timings.checks].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs)) {
    const segments: [number, number, string][] = [
      [c.queuedMs, c.startMs, '·'],
      [c.startMs, c.endMs, '█'],
    ];
    const label = `${c.id} [${c.phase}]`.padEnd(idWidth);
    const waited = c.probes.length ? `  (${c.probes.join(', ')})` : '';
    lines.push(`    ${label} ${bar(segments)} ${s(c.startMs)} → ${s(c.endMs).trim()}${waited}`);
  }
  return lines.join('\n');
}
