import { execFile } from 'node:child_process';
import { cp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '@sagemaker-templates/conformance';
import {
  connectEngine,
  imageReferences,
  inspectImage,
  removeImage,
  startContainer,
  sweepLeftovers,
} from '@sagemaker-templates/engine';
import { buildTemplate } from './build-template.ts';

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
