import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectEcr } from './connect-ecr.ts';
import { PushError } from './push-error.ts';
import { RegionError } from './region.ts';
import { isolateAwsEnvironment } from './test-support/isolated-aws-env.ts';

let restoreEnvironment: () => void;

// The real SDK chain, with the environment and the shared files under control, and no instance
// metadata lookups (they would leave this machine).
describe('connectEcr', () => {
  beforeEach(() => {
    restoreEnvironment = isolateAwsEnvironment();
  });
  afterEach(() => restoreEnvironment());
  const keys = () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-for-the-test';
  };

  it('takes the region given, then AWS_REGION, then AWS_DEFAULT_REGION', async () => {
    keys();
    process.env.AWS_REGION = 'eu-west-1';
    process.env.AWS_DEFAULT_REGION = 'us-east-2';
    expect((await connectEcr({ region: 'ap-south-1' })).region).toBe('ap-south-1');
    expect((await connectEcr()).region).toBe('eu-west-1');
    delete process.env.AWS_REGION;
    expect((await connectEcr()).region).toBe('us-east-2');
  });

  it('says how to set a region when there is none, and checks its form', async () => {
    keys();
    await expect(connectEcr()).rejects.toThrow(
      new PushError(
        'No AWS region is set for the push. Pass --region, set push.region in template.json, or set AWS_REGION (or region in your AWS profile).',
      ),
    );
    process.env.AWS_REGION = 'us-east1';
    await expect(connectEcr()).rejects.toThrow(RegionError);
    await expect(connectEcr()).rejects.toThrow(/AWS_REGION .* Did you mean "us-east-1"\?/);
  });

  it('says where credentials come from when there are none', async () => {
    const error = await connectEcr({ region: 'eu-west-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as Error).message).toMatch(
      /^No AWS credentials found for ecr:GetAuthorizationToken in eu-west-1\. Set AWS_PROFILE .* or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
  });

  it('reports the ECR endpoint from AWS_ENDPOINT_URL_ECR', async () => {
    keys();
    process.env.AWS_ENDPOINT_URL_ECR = 'http://127.0.0.1:4566';
    expect((await connectEcr({ region: 'eu-west-1' })).endpoint).toBe('http://127.0.0.1:4566');
  });
});
