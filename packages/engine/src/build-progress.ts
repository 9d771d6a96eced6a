/** One JSON message of the engine's /build progress stream (classic builder). */
export interface BuildEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { message?: string; code?: number };
}

/** A Dockerfile step as the classic builder reports it. */
export interface BuildStep {
  index: number;
  total: number;
  instruction: string;
  cached: boolean;
  /** The image the step started from (the layer before it), when the builder printed one. */
  parentImageId?: string;
  /** The image the step produced (for FROM: the base); absent for steps that produce none, like an ARG before FROM. */
  imageId?: string;
  /** Output lines of the step, its `Step n/m : ...` header first. */
  lines: string[];
}

const STEP = /^Step (\d+)\/(\d+) : (.*)$/;
const LAYER = /^ ---> ([0-9a-f]{12,64})$/;
// eslint-disable-next-line no-control-regex -- the builder colours stderr with ANSI escapes
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const MAX_STEP_LINES = 500;

/** Folds the classic builder's progress messages into steps, output lines, the image id and any error. */
export class BuildProgress {
  readonly steps: BuildStep[] = [];
  imageId: string | undefined;
  error: string | undefined;
  private pending = '';
  private lastLayer: string | undefined;

  constructor(private readonly onLine?: (line: string) => void) {}

  /** Feeds one parsed progress message. */
  feed(event: BuildEvent): void {
    if (event.stream !== undefined) this.text(event.stream);
    if (event.status !== undefined)
      this.line([event.id, event.status, event.progress].filter(Boolean).join(' '));
    if (event.aux?.ID) this.imageId = event.aux.ID;
    if (event.error !== undefined || event.errorDetail?.message !== undefined) {
      this.flush();
      this.error = stripAnsi(event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
    }
  }

  /** Emits a trailing partial line, if any. */
  flush(): void {
    if (this.pending) this.line(this.pending);
    this.pending = '';
  }

  /** The step being (or last) executed. */
  get currentStep(): BuildStep | undefined {
    return this.steps.at(-1);
  }

  /** True when every step that produced an image, FROM aside, was answered from the engine's build cache. */
  get cached(): boolean {
    return this.steps
      .filter((step) => step.imageId && !/^FROM\s/i.test(step.instruction))
      .every((step) => step.cached);
  }

  private text(chunk: string): void {
    const parts = (this.pending + chunk).split('\n');
    this.pending = parts.pop() ?? '';
    for (const part of parts) this.line(part);
  }

  private line(raw: string): void {
    const line = stripAnsi(raw).replace(/\r$/, '');
    const step = STEP.exec(line);
    if (step) {
      this.steps.push({
        index: Number(step[1]),
        total: Number(step[2]),
        instruction: step[3] ?? '',
        cached: false,
        ...(this.lastLayer ? { parentImageId: this.lastLayer } : {}),
        lines: [],
      });
    } else if (line === ' ---> Using cache' && this.currentStep) {
      this.currentStep.cached = true;
    }
    const layer = LAYER.exec(line);
    const current = this.currentStep;
    if (layer) {
      this.lastLayer = layer[1];
      if (current) current.imageId = layer[1];
    }
    if (current) {
      current.lines.push(line);
      if (current.lines.length > MAX_STEP_LINES)
        current.lines.splice(1, current.lines.length - MAX_STEP_LINES);
    }
    this.onLine?.(line);
  }
}

/** Removes ANSI colour escapes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
