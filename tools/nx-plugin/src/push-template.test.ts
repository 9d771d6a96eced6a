import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PublishResult } from '@sagemaker-templates/registry';
import { isolateAwsEnvironment } from '@sagemaker-templates/registry/test-support';
import type { BuiltTemplate } from './build-template.ts';
import { publishedImages, pushTemplate, summaryLine } from './push-template.ts';

const d1 = `sha256:${'1'.repeat(64)}`;
const d2 = `sha256:${'2'.repeat(64)}`;
const base: PublishResult = {
  status: 'pushed',
  repository: {
    name: 'sagemaker-templates/node',
    uri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-templates/node',
    accountId: '123456789012',
    created: false,
    immutable: false,
    differences: [],
  },
  registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  reference: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-templates/node:abc123',
  digest: d2,
  tags: [
    { tag: '0.1.0', from: d1, to: d2, moved: true },
    { tag: 'latest', to: d2, moved: true },
  ],
  push: {
    reference: 'x',
    digest: d2,
    layers: { pushed: 2, existed: 7, mounted: 1 },
    bytesUploaded: 1_234_567,
  },
  durationMs: 4321,
};

describe('what a push publishes', () => {
  const built = (platform: BuiltTemplate['platform'], hash: string): BuiltTemplate => ({
    name: 'node',
    image: `sagemaker-templates/node:${hash}`,
    devTag: 'sagemaker-templates/node:dev',
    imageId: `sha256:${hash}`,
    built: false,
    baseKind: 'offline',
    platform,
  });

  it('one platform: its image under its own content tag, as before platforms', () => {
    expect(publishedImages([built('linux/amd64', 'aaaa')])).toEqual({
      image: 'sagemaker-templates/node:aaaa',
      contentTag: 'aaaa',
    });
  });

  it('several: each under its own tag and an index under a tag that changes with any of them', () => {
    const both = publishedImages([built('linux/amd64', 'aaaa'), built('linux/arm64', 'bbbb')]);
    expect(both).toMatchObject({
      platforms: [
        { platform: 'linux/amd64', image: 'sagemaker-templates/node:aaaa', contentTag: 'aaaa' },
        { platform: 'linux/arm64', image: 'sagemaker-templates/node:bbbb', contentTag: 'bbbb' },
      ],
    });
    expect(both.contentTag).toMatch(/^[0-9a-f]{16}$/);
    const changed = publishedImages([built('linux/amd64', 'aaaa'), built('linux/arm64', 'cccc')]);
    expect(changed.contentTag).not.toBe(both.contentTag);
    expect(
      publishedImages([built('linux/amd64', 'aaaa'), built('linux/arm64', 'bbbb')]).contentTag,
    ).toBe(both.contentTag);
  });
});

describe('summaryLine', () => {
  it('names the platforms of an index and whether each was uploaded', () => {
    const platforms = [
      { platform: 'linux/amd64' as const, tag: 'aaaa', digest: d1, status: 'up-to-date' as const },
      { platform: 'linux/arm64' as const, tag: 'bbbb', digest: d2, status: 'pushed' as const },
    ];
    expect(summaryLine({ ...base, platforms })).toContain(
      'node:abc123 (sha256:222222222222) as an index of linux/amd64 (:aaaa, already there), linux/arm64 (:bbbb, pushed): 2 layers uploaded',
    );
  });

  it('says what was uploaded and where the tags moved', () => {
    expect(summaryLine(base)).toBe(
      'pushed 123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-templates/node:abc123 (sha256:222222222222): 2 layers uploaded (1.2 MB before compression), 8 already there; 0.1.0 moved from sha256:111111111111, latest created (4.3 s)',
    );
  });

  it('says up to date, and through which registry', () => {
    const { push: _push, ...rest } = base;
    expect(
      summaryLine({
        ...rest,
        status: 'up-to-date',
        registry: '127.0.0.1:5000',
        tags: [{ tag: '0.1.0', from: d2, to: d2, moved: false }],
        durationMs: 120,
      }),
    ).toBe(
      'up to date: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-templates/node:abc123 (sha256:222222222222) is already in ECR via 127.0.0.1:5000; 0.1.0 unchanged (0.1 s)',
    );
  });
});

// No Docker needed: these fail before anything is built, which is the point.
describe('pushTemplate fails fast', () => {
  let restoreEnvironment: () => void;
  let dir: string;
  beforeEach(async () => {
    restoreEnvironment = isolateAwsEnvironment({ AWS_REGION: 'eu-west-1' });
    dir = await mkdtemp(join(tmpdir(), 'push-template-'));
    await cp(
      join(import.meta.dirname, '../../../templates/node/template.json'),
      join(dir, 'algo/template.json'),
      {
        recursive: true,
      },
    );
  });
  afterEach(async () => {
    restoreEnvironment();
    await rm(dir, { recursive: true, force: true });
  });

  it('says that credentials are missing before building anything', async () => {
    const lines: string[] = [];
    await expect(
      pushTemplate(join(dir, 'algo'), { log: (line) => lines.push(line) }),
    ).rejects.toThrow(/^No AWS credentials found for ecr:GetAuthorizationToken in eu-west-1\./);
    expect(lines).toEqual([]);
  });

  it('refuses a repository URI in template.json, naming the file and the name to use', async () => {
    const file = join(dir, 'algo/template.json');
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    manifest.push = { repository: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/algo' };
    await writeFile(file, JSON.stringify(manifest));
    await expect(pushTemplate(join(dir, 'algo'), { log: () => undefined })).rejects.toThrow(
      `push.repository in ${file} is "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/algo": that is a repository URI (registry host and name), not a name. Use the name "team/algo"`,
    );
  });
});
