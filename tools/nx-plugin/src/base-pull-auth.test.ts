import { afterEach, describe, expect, it } from 'vitest';
import { isolateAwsEnvironment } from '@sagemaker-templates/registry/test-support';
import { pullAuthFor } from './base-pull-auth.ts';

let restore: (() => void) | undefined;
afterEach(() => restore?.());

describe('pullAuthFor', () => {
  it('asks nothing for a base outside ECR', async () => {
    restore = isolateAwsEnvironment();
    expect(await pullAuthFor('node:22-bookworm')).toEqual({});
    expect(await pullAuthFor('public.ecr.aws/docker/library/python:3.11')).toEqual({});
  });

  it('an ECR base without AWS credentials: no token, and a note that names the registry and the fix', async () => {
    restore = isolateAwsEnvironment();
    const answer = await pullAuthFor(
      '763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:2.5-cpu-py311',
    );
    expect(answer.auth).toBeUndefined();
    expect(answer.note).toMatch(
      /^no ECR token for 763104351884\.dkr\.ecr\.us-west-2\.amazonaws\.com \(.+\); AWS credentials that may call ecr:GetAuthorizationToken/,
    );
  });
});
