import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isolateAwsEnvironment,
  startMotoServer,
  type MotoServer,
} from '@sagemaker-templates/registry/test-support';
import { pullAuthFor } from './base-pull-auth.ts';

// The token a base image from AWS's Deep Learning Containers registry is pulled with, from the
// real ECR API client against moto: what the engine gets as the pull's authconfig.
let moto: MotoServer;
let restore: () => void;

describe('pullAuthFor against moto', () => {
  beforeAll(async () => {
    moto = await startMotoServer();
    restore = isolateAwsEnvironment({
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      AWS_ENDPOINT_URL_ECR: moto.endpoint,
    });
  });
  afterAll(async () => {
    restore?.();
    await moto?.close();
  });

  it('gets a token for the base registry account, sent to that host', async () => {
    const host = '763104351884.dkr.ecr.us-west-2.amazonaws.com';
    const answer = await pullAuthFor(`${host}/pytorch-training:2.5-cpu-py311`);
    expect(answer.note).toBeUndefined();
    expect(answer.auth).toMatchObject({ username: 'AWS', serveraddress: host });
    expect(answer.auth?.password.length).toBeGreaterThan(8);
  });
});
