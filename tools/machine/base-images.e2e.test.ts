import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { platformReference } from '@sagemaker-templates/contract';
import { hostCanRun } from '@sagemaker-templates/engine';

const exec = promisify(execFile);
const DOCKER = process.env.SAGEMAKER_TEMPLATES_DOCKER ?? '/usr/bin/docker';
const HERE = import.meta.dirname;
const WORKSPACE = join(HERE, '../..');
const LABEL = 'dev.sagemaker-templates';
const IMAGES = {
  debian: { ref: 'sagemaker-templates/debian:bookworm', standsInFor: 'debian:bookworm-slim' },
  python: {
    ref: 'sagemaker-templates/python:3.11-bookworm',
    standsInFor: 'python:3.11-slim-bookworm',
  },
  node: { ref: 'sagemaker-templates/node:22-bookworm', standsInFor: 'node:22-bookworm-slim' },
  pytorch: {
    ref: 'sagemaker-templates/pytorch:1.13-cpu-py311',
    standsInFor:
      '763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:2.5-cpu-py311 (and pytorch-inference)',
  },
} as const;
const HOST_CA_DIR = '/usr/local/share/ca-certificates';

/** `nx <args>` in the workspace, offline base mode, plain output; stdout and stderr together. */
async function nx(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await exec(
      'npx',
      ['--no-install', 'nx', ...args, '--outputStyle=static'],
      {
        cwd: WORKSPACE,
        env: {
          ...process.env,
          NX_DAEMON: 'false',
          NX_TUI: 'false',
          FORCE_COLOR: '0',
          SAGEMAKER_TEMPLATES_BASE: 'offline',
        },
        maxBuffer: 64 << 20,
        timeout: 900_000,
      },
    );
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npx nx ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}

/** What setup.sh runs: every base image, each after the one it is built on. */
const makeBaseImages = (...args: string[]) =>
  nx('run-many', '-t', 'build', '--projects=tag:base-image', ...args);

/** Runs `sh -c script` in a throw-away container (no network) and returns its trimmed stdout. */
async function inImage(image: string, script: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec(
    DOCKER,
    ['run', '--rm', '--network', 'none', '--entrypoint', 'sh', image, '-c', script, 'sh', ...args],
    {
      maxBuffer: 64 << 20,
    },
  );
  return stdout.trim();
}

async function labels(image: string): Promise<Record<string, string>> {
  const { stdout } = await exec(DOCKER, [
    'image',
    'inspect',
    '-f',
    '{{json .Config.Labels}}',
    image,
  ]);
  return JSON.parse(stdout) ?? {};
}

/** The base64 bodies of every PEM certificate the host adds to its trust store (the proxy CA among them). */
function hostCaBodies(dir = HOST_CA_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return hostCaBodies(path);
    if (!name.endsWith('.crt')) return [];
    const pem = readFileSync(path, 'utf8');
    return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
      (m) => (m[1] ?? '').replace(/\s+/g, ''),
    );
  });
}

describe('the offline base images (Nx projects base-<recipe>)', () => {
  beforeAll(async () => {
    // Makes whatever is missing; when the images are already up to date this takes a second.
    await makeBaseImages();
  });

  it.each(Object.entries(IMAGES))(
    '%s: the image exists with its recipe hash and upstream labels',
    async (name, { ref, standsInFor }) => {
      const found = await labels(ref);
      expect(found[`${LABEL}.recipe-hash`]).toMatch(/^[0-9a-f]{64}$/);
      expect(found[`${LABEL}.stands-in-for`]).toBe(standsInFor);
      expect(found[`${LABEL}.base-image`]).toBe(name);
    },
  );

  it('node: node is 22.x and npm and npx work, laid out as the official image', async () => {
    const out = await inImage(
      IMAGES.node.ref,
      'node --version; npm --version; npx --version; readlink /usr/local/bin/npm; command -v node',
    );
    const [node, npm, npx, npmLink, nodePath] = out.split('\n');
    expect(node).toMatch(/^v22\.\d+\.\d+$/);
    expect(npm).toMatch(/^10\.\d+\.\d+$/);
    expect(npx).toBe(npm);
    expect(npmLink).toBe('../lib/node_modules/npm/bin/npm-cli.js');
    expect(nodePath).toBe('/usr/local/bin/node');
    expect((await labels(IMAGES.node.ref))[`${LABEL}.node-version`]).toBe(node?.slice(1));
  });

  it('node: a command that is not a program runs with node, as upstream docker-entrypoint.sh does', async () => {
    const { stdout } = await exec(DOCKER, [
      'run',
      '--rm',
      '--network',
      'none',
      IMAGES.node.ref,
      '-p',
      '1 + 1',
    ]);
    expect(stdout.trim()).toBe('2');
  });

  it('python: python3 is 3.11, python resolves to it, pip and venv work', async () => {
    const out = await inImage(
      IMAGES.python.ref,
      'python3 --version; python --version; python3 -m pip --version >/dev/null && echo pip; python3 -m venv /tmp/v && echo venv',
    );
    expect(out.split('\n')).toEqual([
      expect.stringMatching(/^Python 3\.11\.\d+$/),
      expect.stringMatching(/^Python 3\.11\.\d+$/),
      'pip',
      'venv',
    ]);
  });

  it('pytorch: CPU torch and the pinned AWS toolkits, wired as AWS wires them, with no build tools', async () => {
    const pins = Object.fromEntries(
      readFileSync(join(HERE, 'base-images/pytorch/requirements.txt'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Za-z]/.test(line))
        .map((line) => line.split('==') as [string, string]),
    );
    const out = await inImage(
      IMAGES.pytorch.ref,
      [
        'python3 -c "import torch; print(torch.__version__, torch.cuda.is_available())"',
        'pip show sagemaker-training sagemaker-pytorch-training sagemaker-pytorch-inference torchserve | grep ^Version',
        'echo "$SAGEMAKER_TRAINING_MODULE $SAGEMAKER_SERVING_MODULE"',
        'for c in train torchserve java; do command -v $c; done',
        'command -v gcc || command -v cc || echo no-compiler',
      ].join('; '),
    );
    const [torch, ...rest] = out.split('\n');
    expect(torch).toMatch(/^1\.13\.\S+ False$/);
    expect(rest.slice(0, 4)).toEqual(
      [
        pins['sagemaker_training'],
        pins['sagemaker_pytorch_training'],
        pins['sagemaker_pytorch_inference'],
        pins['torchserve'],
      ].map((v) => `Version: ${v}`),
    );
    expect(rest[4]).toBe(
      'sagemaker_pytorch_container.training:main sagemaker_pytorch_serving_container.serving:main',
    );
    expect(rest.slice(5, 8)).toEqual([
      '/usr/local/bin/train',
      '/usr/local/bin/torchserve',
      '/usr/bin/java',
    ]);
    expect(rest[8]).toBe('no-compiler');
  });

  it('debian: apt knows bookworm, bookworm-updates and bookworm-security, with no lists or caches baked in', async () => {
    const sources = await inImage(IMAGES.debian.ref, 'cat /etc/apt/sources.list.d/*.sources');
    expect(sources).toContain('Suites: bookworm bookworm-updates');
    expect(sources).toContain('Suites: bookworm-security');
    expect(sources).toContain('URIs: http://deb.debian.org/debian');
    const leftovers = await inImage(
      IMAGES.debian.ref,
      'find /var/lib/apt/lists /var/cache/apt -type f',
    );
    expect(leftovers).toBe('');
  });

  const hostCas = hostCaBodies();
  it.skipIf(hostCas.length === 0).each(Object.values(IMAGES).map(({ ref }) => ref))(
    'no CA of this host (%s) is in the image',
    async (ref) => {
      const bundle = (await inImage(ref, 'cat /etc/ssl/certs/ca-certificates.crt')).replace(
        /\s+/g,
        '',
      );
      expect(bundle.length).toBeGreaterThan(10_000);
      for (const body of hostCas) expect(bundle.includes(body)).toBe(false);
      // A PEM line of each host CA, searched for anywhere it could have been copied to.
      const firstLines = hostCas.map((body) => body.slice(0, 64));
      const hits = await inImage(
        ref,
        'ls -A /usr/local/share/ca-certificates; for l in "$@"; do grep -rlF -- "$l" /etc /usr/local /usr/share/ca-certificates /usr/lib/ssl /root /opt 2>/dev/null; done; true',
        ...firstLines,
      );
      expect(hits).toBe('');
    },
  );

  it('a second run makes nothing, says every image is up to date, and is quick', async () => {
    const started = Date.now();
    const out = await makeBaseImages();
    const seconds = (Date.now() - started) / 1000;
    for (const { ref } of Object.values(IMAGES)) expect(out).toContain(`${ref} up to date`);
    expect(out).not.toContain('making');
    expect(out).toContain('Successfully ran target build for 4 projects');
    expect(seconds).toBeLessThan(30);
    await expect(makeBaseImages('--check')).resolves.toContain(
      'Successfully ran target build for 4 projects',
    );
  });

  it('nx run base-node:build makes the image it is built on first (^build), then node', async () => {
    const output = await nx('run', 'base-node:build');
    expect(output).toMatch(/nx run base-debian:build[\s\S]*nx run base-node:build/);
    expect(output).toContain(`${IMAGES.debian.ref} up to date`);
    expect(output).toContain(`${IMAGES.node.ref} up to date`);
    expect(output).not.toContain('making');
  });
});

// Graviton serving: the debian and node stand-ins made for linux/arm64 on this amd64 machine, their
// RUN steps under QEMU (bash tools/machine/ensure-emulation.sh, which setup.sh runs).
const arm64 = await hostCanRun('linux/arm64');
describe.skipIf(!arm64.runs)('the arm64 stand-ins (--platform linux/arm64)', () => {
  const ARM64 = {
    debian: platformReference(IMAGES.debian.ref, 'linux/arm64'),
    node: platformReference(IMAGES.node.ref, 'linux/arm64'),
  };
  let amd64Ids: string[];
  beforeAll(async () => {
    amd64Ids = await Promise.all([IMAGES.debian.ref, IMAGES.node.ref].map(imageId));
  }, 60_000);

  it('nx run base-node:build --platform linux/arm64 makes arm64 debian, then arm64 node', async () => {
    const output = await nx('run', 'base-node:build', '--platform', 'linux/arm64');
    expect(output).toMatch(
      /nx run base-debian:build --platform[= ]linux\/arm64[\s\S]*nx run base-node:build/,
    );
    for (const ref of Object.values(ARM64)) {
      expect(await inspectField(ref, '{{.Os}}/{{.Architecture}}')).toBe('linux/arm64');
      expect((await labels(ref))[`${LABEL}.recipe-hash`]).toMatch(/^[0-9a-f]{64}$/);
    }
    // The programs are arm64 ones (QEMU runs them), not amd64 ones under an arm64 label.
    expect(await inImage(ARM64.debian, 'uname -m; dpkg --print-architecture')).toBe(
      'aarch64\narm64',
    );
    expect(await inImage(ARM64.node, 'node -p process.arch')).toBe('arm64');
    // The amd64 images, which SageMaker trains on, are left as they were.
    expect(await Promise.all([IMAGES.debian.ref, IMAGES.node.ref].map(imageId))).toEqual(amd64Ids);
  }, 900_000);

  it('refuses a platform the recipe does not list, naming PLATFORMS', async () => {
    await expect(nx('run', 'base-python:build', '--platform', 'linux/arm64')).rejects.toThrow(
      /python makes linux\/amd64 only \(PLATFORMS in .*python\/image\.conf\), not linux\/arm64/,
    );
  }, 120_000);
});

async function imageId(ref: string): Promise<string> {
  return inspectField(ref, '{{.Id}}');
}

async function inspectField(ref: string, format: string): Promise<string> {
  const { stdout } = await exec(DOCKER, ['image', 'inspect', '-f', format, ref]);
  return stdout.trim();
}
