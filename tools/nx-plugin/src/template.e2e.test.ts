import { execFile } from 'node:child_process';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '@sagemaker-templates/conformance';
import {
  connectEngine,
  hostCanRun,
  imageReferences,
  inspectImage,
  removeImage,
  ServingRun,
  startContainer,
  sweepLeftovers,
  TrainingRun,
} from '@sagemaker-templates/engine';
import { DistributionClient } from '@sagemaker-templates/registry';
import {
  removeImageReferences,
  startPushTestServers,
} from '@sagemaker-templates/registry/test-support';
import type { SuiteReport } from '@sagemaker-templates/conformance';
import { buildTemplate } from './build-template.ts';
import { ConformanceCache } from './conformance-cache.ts';
import { pushTemplate } from './push-template.ts';

const run = promisify(execFile);

/** Base64 bodies of the CAs the host trusts beyond Debian's list (e.g. a TLS-intercepting proxy's). */
async function readHostOnlyCertificates(): Promise<string[]> {
  const dir = '/usr/local/share/ca-certificates';
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.crt'));
  const bodies = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  return bodies
    .map((pem) => pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''))
    .filter((b) => b.length > 100);
}
const docker = connectEngine();
const hostCas = await readHostOnlyCertificates();
const workspace = join(import.meta.dirname, '../../..');

describe('templates/node through the Nx plugin', () => {
  beforeAll(async () => {
    process.env.SAGEMAKER_TEMPLATES_BASE = 'offline';
    await sweepLeftovers(docker);
  });
  afterAll(() => sweepLeftovers(docker));

  it('builds once, then finds the image up to date', async () => {
    const first = await buildTemplate(join(workspace, 'templates/node'), { quiet: true });
    expect(first.image).toMatch(/^sagemaker-templates\/node:[0-9a-f]{12,}$/);
    const second = await buildTemplate(join(workspace, 'templates/node'), { quiet: true });
    expect(second.built).toBe(false);
    expect(second.imageId).toBe(first.imageId);
    const dev = await inspectImage(docker, 'sagemaker-templates/node:dev');
    expect(dev?.Id).toBe(first.imageId);
  });

  // Only meaningful where the host trusts an extra CA (here: the TLS-intercepting proxy's).
  it.skipIf(hostCas.length === 0)('keeps the host CA out of the image', async () => {
    const { image } = await buildTemplate(join(workspace, 'templates/node'), { quiet: true });
    await using cat = await startContainer(docker, {
      image,
      entrypoint: ['cat', '/etc/ssl/certs/ca-certificates.crt', '/opt/program/extra-ca-certs.pem'],
    });
    expect((await cat.waitForExit(30_000)).exitCode).toBe(0);
    const trusted = (await cat.logs()).replace(/\s/g, '');
    expect(trusted.length).toBeGreaterThan(10_000); // Debian's bundle is there, read in full
    for (const body of hostCas) expect(trusted).not.toContain(body);
  });

  it('passes every conformance check', async () => {
    const { image } = await buildTemplate(join(workspace, 'templates/node'), { quiet: true });
    const report = await runSuite({
      image,
      manifestPath: join(workspace, 'templates/node/template.json'),
      name: 'node',
    });
    const failures = report.results
      .filter((r) => r.status === 'fail')
      .map((r) => `${r.id}: ${r.message}`);
    expect(failures).toEqual([]);
    expect(report.ok).toBe(true);
  });

  describe('a copied template folder', () => {
    const name = `copy-e2e-${process.pid}`;
    const copy = join(workspace, 'templates', name);
    beforeAll(() =>
      cp(join(workspace, 'templates/node'), copy, {
        recursive: true,
        filter: (src) => !src.includes('node_modules'),
      }),
    );
    afterAll(async () => {
      await rm(copy, { recursive: true, force: true });
      for (const reference of await imageReferences(docker, [`sagemaker-templates/${name}`]))
        await removeImage(docker, reference).catch(() => {});
    });

    it('is an Nx project named after the folder that passes conformance with no edits', async () => {
      const env = {
        ...process.env,
        NX_DAEMON: 'false',
        SAGEMAKER_TEMPLATES_BASE: 'offline',
        FORCE_COLOR: '0',
      };
      const projects = await run('npx', ['--no-install', 'nx', 'show', 'projects'], {
        cwd: workspace,
        env,
      });
      expect(projects.stdout.split('\n')).toContain(name);
      const result = await run(
        'npx',
        ['--no-install', 'nx', 'run', `${name}:conformance`, '--outputStyle=static'],
        { cwd: workspace, env, maxBuffer: 64 * 1024 * 1024 },
      );
      expect(result.stdout).toContain('CONFORMS');
      expect(result.stdout).toContain(`sagemaker-templates/${name}:`);
    });
  });
});

// Graviton endpoints: the node template built for linux/arm64 on this amd64 machine (RUN steps
// under QEMU), on the arm64 stand-ins, then trained and served there under emulation.
const arm64 = await hostCanRun('linux/arm64');
describe.skipIf(!arm64.runs)('templates/node for linux/arm64', () => {
  const parent = join(tmpdir(), `arm64-e2e-${process.pid}`);
  const copy = join(parent, 'node');
  let amd64Dev: string | undefined;
  beforeAll(async () => {
    process.env.SAGEMAKER_TEMPLATES_BASE = 'offline';
    await run(
      'npx',
      ['--no-install', 'nx', 'run', 'base-node:build', '--platform', 'linux/arm64'],
      {
        cwd: workspace,
        env: { ...process.env, NX_DAEMON: 'false', FORCE_COLOR: '0' },
        maxBuffer: 64 << 20,
      },
    );
    await cp(join(workspace, 'templates/node'), copy, {
      recursive: true,
      filter: (src) => !src.includes('node_modules'),
    });
    const manifest = JSON.parse(await readFile(join(copy, 'template.json'), 'utf8'));
    manifest.$schema = join(workspace, 'packages/contract/src/schemas/template.schema.json');
    manifest.platforms = ['linux/amd64', 'linux/arm64'];
    await writeFile(join(copy, 'template.json'), JSON.stringify(manifest, null, 2));
    amd64Dev = (await inspectImage(docker, 'sagemaker-templates/node:dev'))?.Id;
  }, 900_000);
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('refuses a platform template.json does not list, saying where to add it', async () => {
    await expect(
      buildTemplate(join(workspace, 'templates/node'), { quiet: true, platform: 'linux/arm64' }),
    ).rejects.toThrow(/lists platforms linux\/amd64, not linux\/arm64\. Add "linux\/arm64"/);
  });

  it('builds an arm64 image tagged :dev-arm64, leaving :dev alone, then finds it up to date', async () => {
    const started = performance.now();
    const first = await buildTemplate(copy, { quiet: true, platform: 'linux/arm64' });
    console.info(
      `[arm64] node template built under emulation in ${Math.round((performance.now() - started) / 1000)} s`,
    );
    expect(first).toMatchObject({
      platform: 'linux/arm64',
      devTag: 'sagemaker-templates/node:dev-arm64',
    });
    const info = await inspectImage(docker, first.image);
    expect(`${info?.Os}/${info?.Architecture}`).toBe('linux/arm64');
    expect((await inspectImage(docker, first.devTag))?.Id).toBe(first.imageId);
    expect((await inspectImage(docker, 'sagemaker-templates/node:dev'))?.Id).toBe(amd64Dev);
    const second = await buildTemplate(copy, { quiet: true, platform: 'linux/arm64' });
    expect(second).toMatchObject({ built: false, imageId: first.imageId });
  }, 900_000);

  it('trains and serves under emulation: the programs are arm64 and /invocations answers', async () => {
    const { image } = await buildTemplate(copy, { quiet: true, platform: 'linux/arm64' });
    const manifest = JSON.parse(await readFile(join(copy, 'template.json'), 'utf8'));
    const channels = Object.fromEntries(
      Object.entries(
        manifest.conformance.training.channels as Record<string, { source: string }>,
      ).map(([name, c]) => [name, { ...c, source: join(copy, c.source) }]),
    );
    const platform = 'linux/arm64';
    await using training = await TrainingRun.start(docker, {
      image,
      platform,
      hyperparameters: manifest.conformance.training.hyperparameters,
      channels,
    });
    const trained = await training.finish(600_000);
    expect(trained.exitCode, trained.logs).toBe(0);
    await using serving = await ServingRun.start(docker, {
      image,
      platform,
      model: trained.modelDir,
    });
    const ready = await serving.waitUntilHealthy(300_000, { required: true });
    console.info(
      `[arm64] training ${trained.durationMs} ms, /ping ready after ${ready.readyAfterMs} ms (emulated)`,
    );
    const arch = await serving.container.exec(['node', '-p', 'process.arch']);
    expect(arch.stdout.trim()).toBe('arm64');
    const sample = manifest.conformance.serving.requests[0];
    const answer = await serving.request('/invocations', {
      method: 'POST',
      headers: { 'Content-Type': sample.contentType, Accept: sample.accept },
      body: await readFile(join(copy, sample.bodyFile), 'utf8'),
    });
    expect(answer.status, answer.body).toBe(200);
  }, 900_000);

  it('checks both platforms (arm64 under emulation, said in its report) and pushes an amd64 + arm64 index', async () => {
    const servers = await startPushTestServers();
    // The AWS SDK reads the process environment; put it back afterwards.
    const saved = { ...process.env };
    Object.assign(process.env, servers.env, {
      SAGEMAKER_TEMPLATES_PUSH_ALLOW_OFFLINE_BASE: 'true',
    });
    try {
      const lines: string[] = [];
      const started = performance.now();
      const result = await pushTemplate(copy, {
        env: {
          ...process.env,
          ...servers.env,
          SAGEMAKER_TEMPLATES_PUSH_ALLOW_OFFLINE_BASE: 'true',
        },
        cache: new ConformanceCache(join(parent, 'conformance-cache')),
        log: (line) => lines.push(line),
      });
      console.info(
        `[arm64] push with both suites in ${Math.round((performance.now() - started) / 1000)} s`,
      );
      for (const name of ['node', 'node-arm64']) {
        const report = JSON.parse(
          await readFile(join(workspace, 'reports/conformance', `${name}.json`), 'utf8'),
        ) as SuiteReport;
        console.info(`[arm64] suite ${name}: ${report.durationMs} ms, ${report.platform?.how}`);
        expect(report.ok).toBe(true);
        expect(report.platform?.emulated).toBe(name === 'node-arm64');
      }
      expect(result.conformance).toBe('ran');
      expect(result.platforms?.map((p) => [p.platform, p.status])).toEqual([
        ['linux/amd64', 'pushed'],
        ['linux/arm64', 'pushed'],
      ]);
      expect(lines.join('\n')).toMatch(/pushed .* as an index of linux\/amd64 .*, linux\/arm64/);
      // One pass record for the index, with both platforms' reports.
      expect(lines.join('\n')).toContain(
        `recorded the pass in the registry: ${servers.registry.host}/sagemaker-templates/node@`,
      );
      expect(lines.join('\n')).toContain(`refers to ${result.digest.slice(0, 19)}`);
      const client = new DistributionClient({
        registry: servers.registry.host,
        auth: { username: 'AWS', password: servers.moto.registryPassword },
      });
      const name = 'sagemaker-templates/node';
      const index = await client.getManifest(name, '0.1.0');
      expect(index.digest).toBe(result.digest);
      const listed = JSON.parse(index.body.toString('utf8')) as {
        manifests: { digest: string; platform: { os: string; architecture: string } }[];
      };
      expect(listed.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual([
        'linux/amd64',
        'linux/arm64',
      ]);
      for (const entry of listed.manifests) {
        const manifest = await client.getManifest(name, entry.digest);
        const { config } = JSON.parse(manifest.body.toString('utf8')) as {
          config: { digest: string };
        };
        const blob = JSON.parse((await client.getBlob(name, config.digest)).toString('utf8'));
        expect(blob.architecture).toBe(entry.platform.architecture);
      }
      const again = await pushTemplate(copy, {
        env: {
          ...process.env,
          ...servers.env,
          SAGEMAKER_TEMPLATES_PUSH_ALLOW_OFFLINE_BASE: 'true',
        },
        cache: new ConformanceCache(join(parent, 'conformance-cache')),
        log: () => {},
      });
      // The registry's record of the index counts: neither platform is built or checked again.
      expect(again).toMatchObject({
        status: 'up-to-date',
        conformance: 'registry',
        digest: result.digest,
      });
    } finally {
      process.env = saved;
      await removeImageReferences(docker, [`${servers.registry.host}/*/*`]).catch(() => undefined);
      await servers.close();
    }
  }, 1_800_000);
});
