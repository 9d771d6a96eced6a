import { describe, expect, it, vi } from 'vitest';
import { loadManifest } from '@sagemaker-templates/contract';
import type { HostRun } from '@sagemaker-templates/engine';
import { FIXTURE_MANIFEST } from './fixtures.ts';
import {
  describePlatformRun,
  manifestForPlatform,
  NATIVE_RUN,
  platformOf,
  platformRunOf,
  scaledMs,
} from './platform-run.ts';

const image = (Architecture: string, Variant?: string) => ({ Os: 'linux', Architecture, Variant });
const emulated: HostRun = { runs: true, emulated: true, how: 'emulated by qemu-aarch64' };

describe('the platform an image is checked on', () => {
  it('spells it as os/architecture, arm64/v8 as plain arm64, other variants kept', () => {
    expect(platformOf(image('amd64'))).toBe('linux/amd64');
    expect(platformOf(image('arm64', 'v8'))).toBe('linux/arm64');
    expect(platformOf(image('arm', 'v7'))).toBe('linux/arm/v7');
  });

  it('runs the host platform natively and another one emulated, with every budget scaled', async () => {
    const native: HostRun = { runs: true, emulated: false, how: 'native' };
    expect(await platformRunOf(image('amd64'), 10, async () => native)).toEqual(NATIVE_RUN);
    const arm = await platformRunOf(image('arm64', 'v8'), 10, async () => emulated);
    expect(arm).toEqual({
      platform: 'linux/arm64',
      emulated: true,
      how: 'emulated by qemu-aarch64',
      timeScale: 10,
    });
    expect(await platformRunOf(image('arm64'), 3, async () => emulated)).toMatchObject({
      timeScale: 3,
    });
  });

  it('checks a platform this host cannot run, saying why, and does not ask about unknown ones', async () => {
    const cannot: HostRun = { runs: false, emulated: true, why: 'no binfmt_misc handler. Run X.' };
    expect(await platformRunOf(image('arm64'), 10, async () => cannot)).toEqual({
      platform: 'linux/arm64',
      emulated: true,
      how: 'not emulated here: no binfmt_misc handler. Run X.',
      timeScale: 10,
    });
    const canRun = vi.fn(async () => emulated);
    expect(await platformRunOf(image('s390x'), 10, canRun)).toMatchObject({
      platform: 'linux/s390x',
      timeScale: 1,
    });
    expect(canRun).not.toHaveBeenCalled();
  });

  it('judges an emulated arm64 image with scaled budgets and without training', async () => {
    const manifest = await loadManifest(FIXTURE_MANIFEST);
    const run = { platform: 'linux/arm64', emulated: true, how: 'qemu', timeScale: 2.5 };
    const judged = manifestForPlatform(manifest, run);
    expect(judged.budgets.startupSeconds).toBe(Math.ceil(manifest.budgets.startupSeconds * 2.5));
    expect(judged.budgets.trainingSeconds).toBe(Math.ceil(manifest.budgets.trainingSeconds * 2.5));
    expect(judged.capabilities.train).toBe(false);
    expect(judged.capabilities.serve).toBe(manifest.capabilities.serve);
    expect(manifest.capabilities.train).toBe(true);
    expect(manifestForPlatform(manifest, NATIVE_RUN)).toEqual(manifest);
    expect(scaledMs(run, 2000)).toBe(5000);
    expect(describePlatformRun(run)).toBe('linux/arm64, qemu (every time budget x2.5)');
    expect(describePlatformRun(NATIVE_RUN)).toBe('linux/amd64, native');
  });
});
