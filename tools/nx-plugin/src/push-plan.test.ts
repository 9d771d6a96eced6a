import { describe, expect, it } from 'vitest';
import { parseManifest } from '@sagemaker-templates/contract';
import { nxOptions } from './test-support/nx-options.ts';
import { resolvePushPlan } from './push-plan.ts';

const manifest = (push: object = {}) =>
  parseManifest({
    description: 'x',
    version: '1.2.3',
    capabilities: { train: true, serve: false },
    base: { upstream: 'node:22' },
    conformance: { training: { channels: { train: { source: 'fixtures/train' } } } },
    push,
  });
/** The plan for these command-line options, parsed and checked by Nx against the push schema. */
const plan = (push: object = {}, argv: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  resolvePushPlan({
    name: 'my-algo',
    manifestPath: 'templates/my-algo/template.json',
    manifest: manifest(push),
    options: nxOptions('push', argv),
    env,
  });

describe('resolvePushPlan', () => {
  it('defaults: repository named after the folder, version tag, scan on push, mutable tags', () => {
    expect(plan()).toEqual({
      repository: { name: 'sagemaker-templates/my-algo', scanOnPush: true, tagImmutability: false },
      tags: ['1.2.3'],
      allowOfflineBase: false,
      retry: { attempts: 5, baseDelayMs: 1000, maxDelayMs: 16000 },
      force: false,
      passMaxAgeMs: 7 * 24 * 3600 * 1000,
    });
  });

  it('--pass-max-age over SAGEMAKER_TEMPLATES_PASS_MAX_AGE over 7 days; --force or the variable run the suite', () => {
    expect(plan({}, ['--pass-max-age=12h']).passMaxAgeMs).toBe(12 * 3600 * 1000);
    const env = {
      SAGEMAKER_TEMPLATES_PASS_MAX_AGE: '90s',
      SAGEMAKER_TEMPLATES_FORCE_CONFORMANCE: 'true',
    };
    expect(plan({}, [], env)).toMatchObject({ passMaxAgeMs: 90_000, force: true });
    expect(plan({}, ['--force']).force).toBe(true);
    expect(() => plan({}, [], { SAGEMAKER_TEMPLATES_PASS_MAX_AGE: '1 week' })).toThrow(
      /SAGEMAKER_TEMPLATES_PASS_MAX_AGE is "1 week"; give a whole number and a unit: 90s, 30m, 12h or 7d/,
    );
  });

  it('takes template.json, and the command line over it', () => {
    const fromManifest = plan({
      repository: 'team/algo',
      region: 'eu-west-1',
      account: '123456789012',
      latest: true,
      lifecyclePolicy: { keepLast: 5 },
    });
    expect(fromManifest.repository).toEqual({
      name: 'team/algo',
      accountId: '123456789012',
      scanOnPush: true,
      tagImmutability: false,
      lifecyclePolicy: { keepLast: 5 },
    });
    expect(fromManifest.region).toBe('eu-west-1');
    expect(fromManifest.regionSource).toBe('push.region in templates/my-algo/template.json');
    expect(fromManifest.tags).toEqual(['1.2.3', 'latest']);
    const overridden = plan({ repository: 'team/algo', region: 'eu-west-1', latest: true }, [
      '--repository',
      'other/algo',
      '--region',
      'us-east-2',
      '--account',
      '210987654321',
      '--no-latest',
    ]);
    expect(overridden.repository.name).toBe('other/algo');
    expect(overridden.repository.accountId).toBe('210987654321');
    expect(overridden).toMatchObject({
      region: 'us-east-2',
      regionSource: '--region',
      tags: ['1.2.3'],
    });
  });

  it('takes the registry host, offline-base permission and retries from the environment', () => {
    expect(
      plan({}, [], {
        SAGEMAKER_TEMPLATES_PUSH_REGISTRY: '127.0.0.1:5000',
        SAGEMAKER_TEMPLATES_PUSH_ALLOW_OFFLINE_BASE: 'true',
        SAGEMAKER_TEMPLATES_PUSH_RETRIES: '3',
        SAGEMAKER_TEMPLATES_PUSH_BACKOFF_MS: '50',
      }),
    ).toMatchObject({
      registry: '127.0.0.1:5000',
      allowOfflineBase: true,
      retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 800 },
    });
  });

  it('names the setting that is wrong and the fix', () => {
    expect(() => plan({ repository: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/algo' })).toThrow(
      /^push\.repository in templates\/my-algo\/template\.json is ".*": that is a repository URI .* Use the name "algo"/,
    );
    expect(() => plan({ region: 'eu-west1' })).toThrow(
      /push\.region in .* Did you mean "eu-west-1"\?/,
    );
    expect(() => plan({}, ['--account', '1234'])).toThrow(
      /--account is "1234"; an AWS account id has 12 digits/,
    );
    expect(() => plan({}, [], { SAGEMAKER_TEMPLATES_PUSH_REGISTRY: 'host:5000/repo' })).toThrow(
      /^SAGEMAKER_TEMPLATES_PUSH_REGISTRY is "host:5000\/repo": that is a repository URI/,
    );
    expect(() => plan({ latest: true, tagImmutability: true })).toThrow(
      /asks for the latest tag and for immutable tags.*Set push\.latest or push\.tagImmutability to false/,
    );
    expect(() => plan({}, [], { SAGEMAKER_TEMPLATES_PUSH_RETRIES: 'many' })).toThrow(
      /SAGEMAKER_TEMPLATES_PUSH_RETRIES is "many"/,
    );
  });
});
