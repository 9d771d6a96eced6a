import { describe, expect, it } from 'vitest';
import { assertRegistryHost } from './registry-host.ts';
import { assertRepositoryName, RepositoryNameError } from './repository-name.ts';

const where = 'push.repository in templates/node/template.json';

describe('assertRepositoryName', () => {
  it('accepts ECR repository names', () => {
    for (const name of ['node', 'sagemaker-templates/node', 'team/ml/algo_v2', 'a.b-c']) {
      expect(assertRepositoryName(name, where)).toBe(name);
    }
  });

  it('refuses a repository URI, naming the name to use and where account and region go', () => {
    expect(() =>
      assertRepositoryName('123456789012.dkr.ecr.us-east-1.amazonaws.com/team/algo:1.0', where),
    ).toThrow(
      `${where} is "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/algo:1.0": that is a repository URI (registry host and name), not a name. Use the name "team/algo"; the account (123456789012) and region (us-east-1) go in push.account and push.region (or --account and --region) when they differ from your credentials'.`,
    );
  });

  it('refuses a URL, a registry address alone, another registry host, and an ARN', () => {
    expect(() =>
      assertRepositoryName('https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/algo', where),
    ).toThrow(/that is a repository URL .* Use the name "algo"; the account \(123456789012\)/);
    expect(() =>
      assertRepositoryName('123456789012.dkr.ecr.eu-west-1.amazonaws.com', where),
    ).toThrow(/that is a registry address, not a repository name/);
    expect(() => assertRepositoryName('localhost:5000/algo', where)).toThrow(
      /Use the name "algo"; the registry host goes in --registry localhost:5000/,
    );
    expect(() =>
      assertRepositoryName('arn:aws:ecr:eu-west-1:123456789012:repository/team/algo', where),
    ).toThrow(
      /repository ARN, not a name\. Use the name "team\/algo"; the account \(123456789012\) and region \(eu-west-1\)/,
    );
  });

  it('refuses tags, digests, capitals and spaces with the name to use', () => {
    expect(() => assertRepositoryName('team/algo:latest', where)).toThrow(
      /it includes a tag\. Use "team\/algo"; tags come from the content hash and the version/,
    );
    expect(() => assertRepositoryName(`algo@sha256:${'a'.repeat(64)}`, where)).toThrow(
      /names an image digest\. Use the repository name "algo"/,
    );
    expect(() => assertRepositoryName('Team/Algo', where)).toThrow(
      /ECR repository names are lowercase\. Use "team\/algo"\./,
    );
    expect(() => assertRepositoryName(' algo', where)).toThrow(/surrounding spaces\. Use "algo"/);
    expect(() => assertRepositoryName('a', where)).toThrow(
      /1 characters\. ECR repository names have 2 to 256/,
    );
    expect(() => assertRepositoryName('team//algo', where)).toThrow(RepositoryNameError);
  });
});

describe('assertRegistryHost', () => {
  it('accepts hosts with and without ports', () => {
    expect(assertRegistryHost('127.0.0.1:5000', '--registry')).toBe('127.0.0.1:5000');
    expect(assertRegistryHost('123456789012.DKR.ecr.eu-west-1.amazonaws.com', '--registry')).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    );
  });

  it('refuses a repository URI or a URL, naming the host to use', () => {
    expect(() => assertRegistryHost('127.0.0.1:5000/team/algo:1', '--registry')).toThrow(
      '--registry is "127.0.0.1:5000/team/algo:1": that is a repository URI, but a registry host is expected here. Use "127.0.0.1:5000"; the repository name goes in push.repository (or --repository): "team/algo".',
    );
    expect(() => assertRegistryHost('https://mirror.example.com/', '--registry')).toThrow(
      /a URL is given, but a host is expected\. Use "mirror\.example\.com"\./,
    );
    expect(() => assertRegistryHost('not a host', '--registry')).toThrow(/not a host name/);
  });
});
