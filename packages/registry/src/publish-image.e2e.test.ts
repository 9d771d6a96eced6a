import {
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectEngine, inspectImage } from '@sagemaker-templates/engine';
import { connectEcr, type EcrConnection } from './connect-ecr.ts';
import { DistributionClient } from './distribution-client.ts';
import { publishImage, type PublishImageOptions } from './publish-image.ts';
import { PushError } from './push-error.ts';
import { redactor } from './redactor.ts';
import {
  openTestImages,
  startLocalRegistry,
  startPushTestServers,
  TEST_SECRET_ACCESS_KEY,
  type PushTestServers,
  type TestImages,
  removeImageReferences,
} from './test-support/index.ts';

const docker = connectEngine();
let servers: PushTestServers;
let images: TestImages;
let ecr: EcrConnection;
const lines: string[] = [];
const fast = { attempts: 3, baseDelayMs: 100, maxDelayMs: 400 };

function options(image: string, overrides: Partial<PublishImageOptions> = {}): PublishImageOptions {
  return {
    docker,
    ecr,
    image,
    contentTag: image.slice(image.lastIndexOf(':') + 1),
    tags: ['1.0.0', 'latest'],
    repository: { name: 'sagemaker-templates/e2e', scanOnPush: true, tagImmutability: false },
    registry: servers.registry.host,
    retry: fast,
    log: (line) => lines.push(line),
    ...overrides,
  };
}

function dist(): DistributionClient {
  return new DistributionClient({
    registry: servers.registry.host,
    auth: { username: 'AWS', password: servers.moto.registryPassword },
  });
}

describe('publishImage against moto (ECR API) and docker-registry (OCI distribution)', () => {
  beforeAll(async () => {
    servers = await startPushTestServers();
    Object.assign(process.env, servers.env);
    redactor.add(TEST_SECRET_ACCESS_KEY);
    ecr = await connectEcr({ endpoint: servers.moto.endpoint, region: servers.region });
    images = await openTestImages(docker);
  });
  afterAll(async () => {
    await removeImageReferences(docker, [`${servers.registry.host}/*/*`]).catch(() => undefined);
    await images?.close();
    ecr?.client.destroy();
    await servers?.close();
  });
  beforeEach(() => {
    lines.length = 0;
  });

  it('creates the repository with scan on push, tag immutability and a lifecycle policy', async () => {
    const { tag } = await images.build();
    const result = await publishImage(
      options(tag, {
        tags: ['0.1.0'],
        repository: {
          name: 'sagemaker-templates/immutable',
          scanOnPush: true,
          tagImmutability: true,
          lifecyclePolicy: { expireUntaggedAfterDays: 14, keepLast: 30 },
        },
      }),
    );
    expect(result.repository.created).toBe(true);
    const client = new ECRClient({
      endpoint: servers.moto.endpoint,
      region: servers.region,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'test' },
    });
    const { repositories } = await client.send(
      new DescribeRepositoriesCommand({ repositoryNames: ['sagemaker-templates/immutable'] }),
    );
    expect(repositories?.[0]?.imageScanningConfiguration?.scanOnPush).toBe(true);
    expect(repositories?.[0]?.imageTagMutability).toBe('IMMUTABLE');
    expect(repositories?.[0]?.repositoryUri).toBe(
      `${servers.moto.accountId}.dkr.ecr.${servers.region}.amazonaws.com/sagemaker-templates/immutable`,
    );
    const policy = await client.send(
      new GetLifecyclePolicyCommand({ repositoryName: 'sagemaker-templates/immutable' }),
    );
    expect(JSON.parse(policy.lifecyclePolicyText ?? '{}').rules).toHaveLength(2);
    const tags = await client.send(
      new ListTagsForResourceCommand({ resourceArn: repositories?.[0]?.repositoryArn }),
    );
    expect(tags.tags).toContainEqual({ Key: 'created-by', Value: 'sagemaker-templates' });
    client.destroy();

    // Immutable: the same version may not name another image; nothing is uploaded.
    const other = await images.build();
    const error = await publishImage(
      options(other.tag, {
        tags: ['0.1.0'],
        repository: {
          name: 'sagemaker-templates/immutable',
          scanOnPush: true,
          tagImmutability: true,
        },
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as Error).message).toMatch(
      /Tag 0\.1\.0 already names another image .* Bump "version"/,
    );
    expect(await servers.registry.tags('sagemaker-templates/immutable')).toEqual(
      ['0.1.0', result.reference.split(':').at(-1)].sort(),
    );
  });

  it('pushes by content-hash tag, verifies the digest, then moves version and latest; a second push is up to date', async () => {
    const { tag } = await images.build();
    const contentTag = tag.slice(tag.lastIndexOf(':') + 1);
    const first = await publishImage(options(tag));
    expect(first.status).toBe('pushed');
    expect(first.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.push?.layers.pushed).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain(`verified: ${servers.registry.host} serves ${first.digest}`);
    expect(first.tags.map((t) => [t.tag, t.to, t.moved])).toEqual([
      ['1.0.0', first.digest, true],
      ['latest', first.digest, true],
    ]);
    const client = dist();
    for (const ref of [contentTag, '1.0.0', 'latest']) {
      expect((await client.headManifest('sagemaker-templates/e2e', ref))?.digest).toBe(
        first.digest,
      );
    }
    const local = await inspectImage(docker, tag);
    expect(local?.RepoDigests).toContain(
      `${servers.registry.host}/sagemaker-templates/e2e@${first.digest}`,
    );

    const again = await publishImage(options(tag));
    expect(again.status).toBe('up-to-date');
    expect(again.push).toBeUndefined();
    expect(again.tags.every((t) => !t.moved)).toBe(true);
    expect(again.digest).toBe(first.digest);
  });

  it('moves the human tags from the previous image to the new one', async () => {
    const a = await images.build();
    const b = await images.build();
    const first = await publishImage(options(a.tag));
    const second = await publishImage(options(b.tag));
    expect(second.digest).not.toBe(first.digest);
    expect(second.tags).toEqual([
      { tag: '1.0.0', from: first.digest, to: second.digest, moved: true },
      { tag: 'latest', from: first.digest, to: second.digest, moved: true },
    ]);
    expect((await dist().headManifest('sagemaker-templates/e2e', 'latest'))?.digest).toBe(
      second.digest,
    );
  });

  it('retries a registry that is down with back-off, then fails and leaves every tag where it was', async () => {
    const a = await images.build();
    const before = await publishImage(options(a.tag));
    const b = await images.build();
    await servers.registry.stop();
    try {
      const started = performance.now();
      const error = await publishImage(options(b.tag)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PushError);
      const message = (error as Error).message;
      expect(message).toContain(`The registry ${servers.registry.host} did not answer`);
      expect(message).toContain('after 3 attempts');
      expect(message).toContain('Nothing was tagged: 1.0.0, latest stay where they were.');
      expect((error as PushError).tagsUntouched).toBe(true);
      expect(lines.filter((l) => l.includes('retrying in'))).toHaveLength(2);
      expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    } finally {
      await servers.registry.start();
    }
    const client = dist();
    expect((await client.headManifest('sagemaker-templates/e2e', 'latest'))?.digest).toBe(
      before.digest,
    );
    expect((await client.headManifest('sagemaker-templates/e2e', '1.0.0'))?.digest).toBe(
      before.digest,
    );
  });

  it('says so when the registry refuses the token, and never shows it', async () => {
    await using other = await startLocalRegistry({ password: 'a-different-password' });
    const { tag } = await images.build();
    const error = await publishImage(options(tag, { registry: other.host })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PushError);
    const message = (error as Error).message;
    expect(message).toContain(`The registry ${other.host} refused the ECR token`);
    expect(message).toContain(`the token is for ${servers.moto.accountId}.dkr.ecr.`);
    expect(message).toContain('Nothing was tagged');
    const everything = [message, ...lines].join('\n');
    for (const secret of [
      servers.moto.registryPassword,
      Buffer.from(`AWS:${servers.moto.registryPassword}`).toString('base64'),
      TEST_SECRET_ACCESS_KEY,
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});
