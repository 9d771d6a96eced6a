import { describe, expect, it } from 'vitest';
import { fakeContext, outcome } from '../../test-support/fake-context.ts';
import type { Recording } from '../../test-support/fake-probes.ts';
import { imageCpuNoCuda } from './cpu-no-cuda.ts';
import { entrypointExecForm } from './entrypoint-exec-form.ts';
import { entrypointNoTini } from './entrypoint-no-tini.ts';
import { imageNoCredentials } from './no-credentials.ts';
import { imageNoDriverLibraries } from './no-driver-libraries.ts';
import { imagePlatform } from './platform.ts';
import { imageSizeBudget } from './size-budget.ts';
import { imageUserRoot } from './user-root.ts';

const withConfig = (Config: NonNullable<Recording['image']>['Config']) =>
  fakeContext({ image: { Config } });

describe('image checks over a recorded image configuration', () => {
  it('image.entrypoint.exec-form: passes exec form and no ENTRYPOINT, fails the shell form', async () => {
    expect(await outcome(entrypointExecForm, await withConfig({}))).toMatchObject({
      status: 'pass',
      message: 'no ENTRYPOINT: `train` and `serve` run from PATH',
    });
    const exec = await withConfig({ Entrypoint: ['node', '/opt/program/main.js'] });
    expect((await outcome(entrypointExecForm, exec)).status).toBe('pass');
    const shell = await withConfig({ Entrypoint: ['/bin/sh', '-c', 'node main.js'] });
    expect(await outcome(entrypointExecForm, shell)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/shell form \(\["\/bin\/sh","-c","node main.js"\]\)/),
    });
  });

  it('image.entrypoint.no-tini: fails tini, passes the algorithm itself', async () => {
    const tini = await withConfig({ Entrypoint: ['/usr/bin/tini', '--', 'serve'] });
    expect(await outcome(entrypointNoTini, tini)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/^ENTRYPOINT starts with tini/),
    });
    const own = await withConfig({ Entrypoint: ['node', 'main.js'] });
    expect((await outcome(entrypointNoTini, own)).status).toBe('pass');
  });

  it('image.user.root: passes root and no USER, fails another user', async () => {
    expect((await outcome(imageUserRoot, await withConfig({ User: '' }))).status).toBe('pass');
    expect((await outcome(imageUserRoot, await withConfig({ User: '0:0' }))).message).toBe(
      'the image runs as 0:0',
    );
    expect(await outcome(imageUserRoot, await withConfig({ User: 'node' }))).toMatchObject({
      status: 'fail',
      message: 'the image runs as user "node", expected root',
    });
  });

  it('image.no-credentials: names secrets in ENV and credential files, never their values', async () => {
    const clean = await fakeContext({
      image: { Config: { Env: ['PATH=/usr/bin', 'AWS_REGION=eu-west-1'] } },
      files: { '/root/.npmrc': 'registry=https://registry.npmjs.org/\n' },
    });
    expect((await outcome(imageNoCredentials, clean)).status).toBe('pass');
    const leaky = await fakeContext({
      image: { Config: { Env: ['AWS_SECRET_ACCESS_KEY=abc123secret'] } },
      files: { '/root/.npmrc': '//registry.npmjs.org/:_authToken=npm_tok\n' },
    });
    const result = await outcome(imageNoCredentials, leaky);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('ENV AWS_SECRET_ACCESS_KEY, /root/.npmrc (values not shown)');
    expect(result.message).not.toMatch(/abc123secret|npm_tok/);
  });

  it("image.platform: passes one of template.json's platforms, fails any other, serving-only or not", async () => {
    expect((await outcome(imagePlatform, await fakeContext({}))).message).toBe(
      "the image is linux/amd64, one of template.json's platforms (linux/amd64)",
    );
    const arm = await fakeContext({ image: { Architecture: 'arm64', Variant: 'v8' } });
    expect(await outcome(imagePlatform, arm)).toMatchObject({
      status: 'fail',
      message:
        "the image is linux/arm64; template.json's platforms are linux/amd64 (SageMaker trains on linux/amd64 only)",
    });
    const inference = await fakeContext({ image: { Architecture: 'arm64' } }, (m) => {
      m.capabilities.train = false;
    });
    expect((await outcome(imagePlatform, inference)).status).toBe('fail');
    const graviton = await fakeContext({ image: { Architecture: 'arm64' } }, (m) => {
      m.platforms = ['linux/amd64', 'linux/arm64'];
    });
    expect(await outcome(imagePlatform, graviton)).toMatchObject({
      status: 'pass',
      message:
        "the image is linux/arm64, one of template.json's platforms (linux/amd64, linux/arm64)",
    });
    const s390x = await fakeContext({ image: { Architecture: 's390x' } });
    expect((await outcome(imagePlatform, s390x)).message).toMatch(/^the image is linux\/s390x;/);
  });

  it('image.size.budget: compares the size with budgets.imageSizeMb, if any', async () => {
    expect(
      (await outcome(imageSizeBudget, await fakeContext({ image: { Size: 420e6 } }))).message,
    ).toBe('the image is 420.0 MB, within 1000 MB');
    expect(
      await outcome(imageSizeBudget, await fakeContext({ image: { Size: 1.5e9 } })),
    ).toMatchObject({
      status: 'fail',
      message: 'the image is 1500.0 MB, over the budget of 1000 MB',
    });
    const unbudgeted = await fakeContext({}, (m) => {
      delete m.budgets.imageSizeMb;
    });
    expect((await outcome(imageSizeBudget, unbudgeted)).message).toMatch(/no budgets.imageSizeMb/);
  });

  const libraries = (found: string[] | Error, gpu = true) =>
    fakeContext({ sharedLibraries: found }, (m) => {
      m.capabilities.gpu = gpu;
    });

  it('image.no-driver-libraries: fails a baked libcuda, ignores compat and stub copies', async () => {
    const allowed = [
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
      '/usr/local/cuda/compat/libcuda.so.535.104.05',
      '/usr/local/cuda/lib64/stubs/libcuda.so.1',
    ];
    expect(await outcome(imageNoDriverLibraries, await libraries(allowed))).toMatchObject({
      status: 'pass',
      message: 'none among 3 shared libraries',
    });
    const baked = await libraries([...allowed, '/usr/lib/x86_64-linux-gnu/libcuda.so.535.104.05']);
    expect(await outcome(imageNoDriverLibraries, baked)).toMatchObject({
      status: 'fail',
      message:
        'the image carries driver libraries: /usr/lib/x86_64-linux-gnu/libcuda.so.535.104.05',
    });
    const unlisted = await libraries(new Error('exec: "/bin/sh": not found'));
    expect(await outcome(imageNoDriverLibraries, unlisted)).toMatchObject({
      status: 'skip',
      message: expect.stringMatching(/could not be listed.*\/bin\/sh": not found/),
    });
  });

  it('image.cpu-no-cuda: fails CUDA libraries in a CPU-only image, applies only without capabilities.gpu', async () => {
    const cuda = ['/usr/lib/libcudart.so.12', '/usr/lib/libcublas.so.12.1'];
    expect((await outcome(imageCpuNoCuda, await libraries(cuda, true))).message).toMatch(
      /not applicable: template.json sets capabilities.gpu/,
    );
    expect(await outcome(imageCpuNoCuda, await libraries(cuda, false))).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(
        'carries /usr/lib/libcudart.so.12, /usr/lib/libcublas.so.12.1',
      ),
    });
    const cpu = await libraries(['/usr/lib/libc.so.6'], false);
    expect((await outcome(imageCpuNoCuda, cpu)).status).toBe('pass');
    const unlisted = await libraries(new Error('no find'), false);
    expect((await outcome(imageCpuNoCuda, unlisted)).status).toBe('skip');
  });
});
