import { readFile } from 'node:fs/promises';
import { architectureOf, type Platform } from '@sagemaker-templates/contract';

/** binfmt_misc's name for the QEMU handler of each architecture. */
const QEMU_HANDLER = { amd64: 'qemu-x86_64', arm64: 'qemu-aarch64' } as const;
const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';
export const ENSURE_EMULATION = 'bash tools/machine/ensure-emulation.sh';

/** Whether this host can run a platform's containers, and how. */
export type HostRun =
  { runs: true; emulated: boolean; how: string } | { runs: false; emulated: true; why: string };

/** The platform of this host's own binaries (the engine runs on this machine). */
export function hostPlatform(arch: string = process.arch): Platform {
  return arch === 'arm64' ? 'linux/arm64' : 'linux/amd64';
}

/**
 * Reads a binfmt_misc entry (`enabled`, `interpreter …`, `flags: POF`): usable from containers
 * only when enabled with the F flag, which opens the interpreter once at registration, so that a
 * container, whose file system has no QEMU, still finds it.
 */
export function judgeBinfmtEntry(text: string | undefined, handler: string): HostRun {
  const fix = `Run \`${ENSURE_EMULATION}\` (Debian's qemu-user-static, registered with the F flag).`;
  if (text === undefined)
    return { runs: false, emulated: true, why: `no binfmt_misc handler ${handler}. ${fix}` };
  const lines = text.split('\n').map((line) => line.trim());
  if (lines[0] !== 'enabled')
    return {
      runs: false,
      emulated: true,
      why: `binfmt_misc handler ${handler} is disabled. ${fix}`,
    };
  const flags =
    lines
      .find((line) => line.startsWith('flags:'))
      ?.slice(6)
      .trim() ?? '';
  if (!flags.includes('F'))
    return {
      runs: false,
      emulated: true,
      why: `binfmt_misc handler ${handler} lacks the F flag (flags: ${flags || 'none'}), so containers cannot find QEMU. ${fix}`,
    };
  const interpreter = lines.find((line) => line.startsWith('interpreter '))?.slice(12) ?? '';
  return { runs: true, emulated: true, how: `emulated by ${interpreter || handler} (binfmt_misc)` };
}

/**
 * Whether containers of `platform` run here: natively, under QEMU through binfmt_misc, or not. Off
 * Linux the engine runs in a VM (Docker Desktop), which emulates amd64 and arm64 itself and whose
 * binfmt_misc cannot be read from here.
 */
export async function hostCanRun(
  platform: Platform,
  { host = hostPlatform(), binfmtDir = BINFMT_DIR, os = process.platform as string } = {},
): Promise<HostRun> {
  if (platform === host) return { runs: true, emulated: false, how: 'native' };
  if (os !== 'linux') return { runs: true, emulated: true, how: "emulated by the engine's VM" };
  const handler = QEMU_HANDLER[architectureOf(platform)];
  const text = await readFile(`${binfmtDir}/${handler}`, 'utf8').catch(() => undefined);
  return judgeBinfmtEntry(text, handler);
}

/**
 * What QEMU user emulation (and the CPUs it emulates) is known to break, each with how it shows in
 * a container's output. Real CPUs do not fail this way, so a run that shows one under emulation
 * says nothing about the image: TensorFlow's AVX check (QEMU's x86_64 lacks AVX), glibc's futex
 * error, a syscall QEMU does not translate, a signal QEMU raised itself.
 */
const EMULATION_CRASHES: { pattern: RegExp; reason: (match: RegExpMatchArray) => string }[] = [
  {
    pattern: /qemu: uncaught target signal (\d+) \(([^)]+)\)/,
    reason: (m) => `QEMU stopped the program with signal ${m[1]} (${m[2]})`,
  },
  {
    pattern: /compiled to use (AVX\w*|SSE4\.\d|FMA) instructions, but these aren't available/,
    reason: (m) => `the emulated CPU lacks ${m[1]}, which the program was compiled to use`,
  },
  {
    pattern: /^qemu-(?:x86_64|aarch64)(?:-static)?: (.+)$/m,
    reason: (m) => `QEMU: ${m[1]?.trim()}`,
  },
  {
    pattern: /exec format error/i,
    reason: () =>
      `this host cannot run the image's binaries (exec format error): no emulator for its architecture. Run \`${ENSURE_EMULATION}\``,
  },
  {
    pattern: /The futex facility returned an unexpected error code/,
    reason: () => 'glibc: the futex facility returned an unexpected error code (a QEMU limit)',
  },
  {
    pattern: /Illegal instruction/,
    reason: () => 'an illegal instruction: the emulated CPU lacks one the program uses',
  },
];

/** Exit code of a process killed by SIGILL: an instruction the (emulated) CPU does not have. */
const SIGILL_EXIT = 128 + 4;

/**
 * Why a container's run failed because of emulation (see EMULATION_CRASHES), from its output and
 * exit code; undefined when nothing points at the emulator. Only meaningful for an emulated run.
 */
export function emulationCrash(output: string, exitCode?: number | null): string | undefined {
  for (const { pattern, reason } of EMULATION_CRASHES) {
    const match = output.match(pattern);
    if (match) return reason(match);
  }
  if (exitCode === SIGILL_EXIT)
    return `exit code ${SIGILL_EXIT} (SIGILL): the emulated CPU lacks an instruction the program uses`;
  return undefined;
}
