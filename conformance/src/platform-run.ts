import {
  DEFAULT_PLATFORM,
  PLATFORMS,
  type Platform,
  type TemplateManifest,
} from '@sagemaker-templates/contract';
import { hostCanRun, type HostRun } from '@sagemaker-templates/engine';
import type { ImageInfo } from './observations.ts';

/**
 * How much longer every time budget is under emulation when --emulation-scale is not given: QEMU
 * runs a Node server's start-up about 5 times slower here, and numeric code 10 to 20 times.
 */
export const DEFAULT_EMULATION_SCALE = 10;

/** The platform an image is checked on, and whether this host runs it natively. */
export interface PlatformRun {
  /** The image's own platform, as its config says (`linux/arm64`). */
  platform: string;
  emulated: boolean;
  /** `native`, or what emulates it (`emulated by /usr/libexec/qemu-binfmt/aarch64-binfmt-P`). */
  how: string;
  /** What every time budget is multiplied by: 1 native, the emulation scale otherwise. */
  timeScale: number;
}

export const NATIVE_RUN: PlatformRun = {
  platform: DEFAULT_PLATFORM,
  emulated: false,
  how: 'native',
  timeScale: 1,
};

/**
 * `os/architecture[/variant]` of an image config; arm64's only variant, v8, is left out (engines
 * write it or not), so that linux/arm64/v8 is linux/arm64.
 */
export function platformOf(info: Pick<ImageInfo, 'Os' | 'Architecture' | 'Variant'>): string {
  const variant = info.Variant && !(info.Architecture === 'arm64' && info.Variant === 'v8');
  return `${info.Os}/${info.Architecture}${variant ? `/${info.Variant}` : ''}`;
}

const knownPlatform = (platform: string): Platform | undefined =>
  PLATFORMS.find((p) => p === platform);

/**
 * How this host runs the image's platform. A platform SageMaker does not run (say linux/s390x) is
 * not asked about: image.platform fails it. A platform this host cannot run at all is still
 * checked: what needs no container is judged, and containers that cannot start (exec format
 * error) become environment skips that say why and what would fix it.
 */
export async function platformRunOf(
  info: Pick<ImageInfo, 'Os' | 'Architecture' | 'Variant'>,
  emulationScale = DEFAULT_EMULATION_SCALE,
  canRun: (platform: Platform) => Promise<HostRun> = hostCanRun,
): Promise<PlatformRun> {
  const platform = platformOf(info);
  const known = knownPlatform(platform);
  if (!known) return { platform, emulated: false, how: 'native', timeScale: 1 };
  const host = await canRun(known);
  if (!host.emulated) return { platform, emulated: false, how: 'native', timeScale: 1 };
  const how = host.runs ? host.how : `not emulated here: ${host.why}`;
  return { platform, emulated: true, how, timeScale: emulationScale };
}

/**
 * The manifest as the checks judge this platform's image: time budgets scaled by the run's time
 * scale, and training left out for an image that is not linux/amd64, since SageMaker trains on
 * x86_64 only (its serving model still comes from a training run of this image, here).
 */
export function manifestForPlatform(
  manifest: TemplateManifest,
  run: PlatformRun,
): TemplateManifest {
  const scale = (seconds: number) => Math.ceil(seconds * run.timeScale);
  return {
    ...manifest,
    budgets: {
      ...manifest.budgets,
      startupSeconds: scale(manifest.budgets.startupSeconds),
      trainingSeconds: scale(manifest.budgets.trainingSeconds),
    },
    capabilities: {
      ...manifest.capabilities,
      train: manifest.capabilities.train && run.platform === DEFAULT_PLATFORM,
    },
  };
}

/** A contract time limit (ping, invocation, SIGTERM grace) as this run judges it. */
export const scaledMs = (run: PlatformRun, ms: number): number => Math.round(ms * run.timeScale);

/** One line for the output and the report: `linux/arm64, emulated by ... (time budgets x10)`. */
export function describePlatformRun(run: PlatformRun): string {
  return run.emulated
    ? `${run.platform}, ${run.how} (every time budget x${run.timeScale})`
    : `${run.platform}, native`;
}
