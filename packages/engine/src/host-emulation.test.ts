import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulationCrash, hostCanRun, hostPlatform, judgeBinfmtEntry } from './host-emulation.ts';

const REGISTERED = `enabled
interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
flags: POF
offset 0
magic 7f454c460201010000000000000000000200b700
`;

describe('host emulation', () => {
  it('maps Node.js architectures to platforms', () => {
    expect(hostPlatform('x64')).toBe('linux/amd64');
    expect(hostPlatform('arm64')).toBe('linux/arm64');
  });

  it('accepts an enabled handler with the F flag and says which interpreter runs it', () => {
    expect(judgeBinfmtEntry(REGISTERED, 'qemu-aarch64')).toEqual({
      runs: true,
      emulated: true,
      how: 'emulated by /usr/libexec/qemu-binfmt/aarch64-binfmt-P (binfmt_misc)',
    });
  });

  it('refuses a missing, disabled or F-less handler with the fix', () => {
    const missing = judgeBinfmtEntry(undefined, 'qemu-aarch64');
    expect(missing).toMatchObject({ runs: false });
    expect(!missing.runs && missing.why).toMatch(
      /no binfmt_misc handler qemu-aarch64.*ensure-emulation/,
    );
    const disabled = judgeBinfmtEntry(REGISTERED.replace('enabled', 'disabled'), 'qemu-aarch64');
    expect(!disabled.runs && disabled.why).toMatch(/is disabled/);
    const noF = judgeBinfmtEntry(REGISTERED.replace('POF', 'PO'), 'qemu-aarch64');
    expect(!noF.runs && noF.why).toMatch(/lacks the F flag \(flags: PO\)/);
  });

  it('runs the host platform natively and reads the other one from binfmt_misc', async () => {
    const binfmtDir = await mkdtemp(path.join(tmpdir(), 'binfmt-'));
    try {
      const options = { host: 'linux/amd64' as const, binfmtDir, os: 'linux' };
      expect(await hostCanRun('linux/amd64', options)).toMatchObject({
        runs: true,
        emulated: false,
      });
      expect(await hostCanRun('linux/arm64', options)).toMatchObject({ runs: false });
      await writeFile(path.join(binfmtDir, 'qemu-aarch64'), REGISTERED);
      expect(await hostCanRun('linux/arm64', options)).toMatchObject({
        runs: true,
        emulated: true,
      });
      expect(await hostCanRun('linux/amd64', { host: 'linux/arm64', binfmtDir })).toMatchObject({
        runs: false,
      });
      // Docker Desktop (macOS, Windows): the engine's VM emulates; nothing to read here.
      expect(
        await hostCanRun('linux/amd64', { host: 'linux/arm64', binfmtDir, os: 'darwin' }),
      ).toMatchObject({ runs: true, emulated: true });
    } finally {
      await rm(binfmtDir, { recursive: true, force: true });
    }
  });
});

describe('crashes only emulation causes', () => {
  it('are named from the output or a SIGILL exit code', () => {
    expect(
      emulationCrash('qemu: uncaught target signal 11 (Segmentation fault) - core dumped'),
    ).toBe('QEMU stopped the program with signal 11 (Segmentation fault)');
    expect(emulationCrash('x\nqemu-x86_64: Could not open /lib64/ld-linux-x86-64.so.2\n')).toBe(
      'QEMU: Could not open /lib64/ld-linux-x86-64.so.2',
    );
    expect(
      emulationCrash('The futex facility returned an unexpected error code.\nAborted'),
    ).toMatch(/^glibc: the futex facility/);
    expect(emulationCrash('Illegal instruction (core dumped)')).toMatch(/^an illegal instruction/);
    expect(emulationCrash('exec /usr/local/bin/serve: exec format error', 255)).toMatch(
      /^this host cannot run the image's binaries \(exec format error\)/,
    );
    expect(emulationCrash('', 132)).toBe(
      'exit code 132 (SIGILL): the emulated CPU lacks an instruction the program uses',
    );
  });

  it('are not seen in ordinary failures', () => {
    expect(emulationCrash('Traceback ...\nValueError: epochs must be positive', 1)).toBeUndefined();
    expect(emulationCrash('Segmentation fault (core dumped)', 139)).toBeUndefined();
    expect(emulationCrash('', null)).toBeUndefined();
  });
});
