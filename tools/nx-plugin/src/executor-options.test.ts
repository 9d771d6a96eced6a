import { describe, expect, it } from 'vitest';
import { limits } from '@sagemaker-templates/contract';
import { suiteArgs, type ConformanceOptions } from './conformance-target.ts';
import { pairs } from './local-run-inputs.ts';
import type { ServeOptions } from './local-serve.ts';
import type { TrainOptions } from './local-train.ts';
import type { PushOptions } from './push-plan.ts';
import { nxOptions } from './test-support/nx-options.ts';

// The command lines the README documents, parsed and checked by Nx against each executor's schema.
describe('push options', () => {
  it('reads the forms Nx forwards', () => {
    expect(
      nxOptions<PushOptions>('push', [
        '--region=eu-west-1',
        '--account',
        '123456789012',
        '--latest=true',
        '--allow-offline-base',
      ]),
    ).toEqual({
      region: 'eu-west-1',
      account: 123456789012,
      latest: true,
      'allow-offline-base': true,
      force: false,
    });
    expect(nxOptions<PushOptions>('push', ['--latest=false']).latest).toBe(false);
    expect(nxOptions<PushOptions>('push', ['--no-latest', '--retries=2'])).toMatchObject({
      latest: false,
      retries: 2,
    });
    expect(nxOptions<PushOptions>('push', []).latest).toBeUndefined();
    expect(
      nxOptions<PushOptions>('push', [
        '--repository',
        'team/algo',
        '--registry',
        '127.0.0.1:5000',
        '--ecr-endpoint',
        'http://127.0.0.1:5001',
      ]),
    ).toMatchObject({
      repository: 'team/algo',
      registry: '127.0.0.1:5000',
      'ecr-endpoint': 'http://127.0.0.1:5001',
    });
  });

  it('refuses unknown options and values outside the schema', () => {
    expect(() => nxOptions('push', ['--regoin', 'x'])).toThrow("'regoin' is not found in schema");
    expect(() => nxOptions('push', ['--retries', '0'])).toThrow(
      "Property 'retries' does not match the schema. 0 should be at least 1",
    );
    expect(() => nxOptions('push', ['--latest=maybe'])).toThrow(/'latest' does not match/);
  });
});

describe('conformance options', () => {
  it('keeps --only whole, reads numbers, and passes them on to the suite', () => {
    const options = nxOptions<ConformanceOptions>('conformance', [
      '--only=serve.ping.ok,train.exit.success',
      '--seed=1234',
      '--fuzz-count=2000',
      '--force',
    ]);
    expect(options).toEqual({
      only: 'serve.ping.ok,train.exit.success',
      seed: 1234,
      'fuzz-count': 2000,
      force: true,
      'registry-records': true,
      'report-dir': 'reports/conformance',
    });
    expect(suiteArgs(options)).toEqual([
      '--only',
      'serve.ping.ok,train.exit.success',
      '--seed',
      '1234',
      '--fuzz-count',
      '2000',
      '--report-dir',
      'reports/conformance',
    ]);
    expect(suiteArgs(nxOptions('conformance', []))).toEqual([
      '--report-dir',
      'reports/conformance',
    ]);
    expect(suiteArgs(nxOptions('conformance', ['--timings']))).toEqual([
      '--timings',
      '--report-dir',
      'reports/conformance',
    ]);
    expect(() => nxOptions('conformance', ['--seed=0'])).toThrow(/'seed' does not match/);
    const emulated = nxOptions<ConformanceOptions>('conformance', [
      '--platform',
      'linux/arm64',
      '--emulation-scale',
      '4',
    ]);
    expect(emulated).toMatchObject({ platform: 'linux/arm64', 'emulation-scale': 4 });
    expect(suiteArgs(emulated)).toEqual([
      '--emulation-scale',
      '4',
      '--report-dir',
      'reports/conformance',
    ]);
    expect(() => nxOptions('conformance', ['--emulation-scale=0.5'])).toThrow(/emulation-scale/);
  });
});

describe('train and serve options', () => {
  it('train: hyperparameters as given, repeatable channels, defaults', () => {
    const options = nxOptions<TrainOptions>('train', [
      '--hyperparameters',
      '{"epochs":"5"}',
      '--channel',
      'train=data/',
      '--channel',
      'validation=v/',
      '--hyperparameters-file',
      'hp.json',
    ]);
    expect(options).toEqual({
      hyperparameters: '{"epochs":"5"}',
      'hyperparameters-file': 'hp.json',
      channel: ['train=data/', 'validation=v/'],
      host: 'algo-1',
      gpus: 'auto',
    });
    expect(() => nxOptions('train', ['--gpus=some'])).toThrow(
      "'some' should be one of auto,all,none",
    );
  });

  it('--platform picks one of the platforms SageMaker runs for train and serve; no default', () => {
    expect(nxOptions<TrainOptions>('train', []).platform).toBeUndefined();
    expect(nxOptions<TrainOptions>('train', ['--platform', 'linux/arm64']).platform).toBe(
      'linux/arm64',
    );
    expect(nxOptions<ServeOptions>('serve', ['--platform=linux/arm64']).platform).toBe(
      'linux/arm64',
    );
    expect(() => nxOptions('serve', ['--platform', 'linux/386'])).toThrow(/platform/);
  });

  it('--instance-type on train, serve and conformance: an ml. name, passed on to the suite', () => {
    expect(nxOptions<TrainOptions>('train', ['--instance-type', 'ml.m5.large'])).toMatchObject({
      'instance-type': 'ml.m5.large',
    });
    expect(() => nxOptions('serve', ['--instance-type', 'm5.large'])).toThrow(/instance-type/);
    const sized = nxOptions<ConformanceOptions>('conformance', ['--instance-type=ml.t3.medium']);
    expect(suiteArgs(sized)).toEqual([
      '--instance-type',
      'ml.t3.medium',
      '--report-dir',
      'reports/conformance',
    ]);
  });

  it('a lone NAME=VALUE option with a comma in its value survives the split Nx makes', () => {
    const { channel } = nxOptions<TrainOptions>('train', ['--channel', 'train=data/a,b']);
    expect(channel).toEqual(['train=data/a', 'b']);
    expect(pairs('channel', channel, 'NAME=PATH')).toEqual([['train', 'data/a,b']]);
    const { env } = nxOptions<ServeOptions>('serve', ['--env', 'A=1', '--env', 'B=x,y']);
    expect(pairs('env', env, 'KEY=VALUE')).toEqual([
      ['A', '1'],
      ['B', 'x,y'],
    ]);
    expect(() => pairs('env', ['=1'], 'KEY=VALUE')).toThrow('--env =1 is not KEY=VALUE.');
  });

  it("serve: port 8080 (the contract's serving port) unless given, 0 for any free one", () => {
    expect(nxOptions<ServeOptions>('serve', []).port).toBe(limits.servingPort);
    expect(nxOptions<ServeOptions>('serve', ['--port', '0', '--model', 'm/'])).toMatchObject({
      port: 0,
      model: 'm/',
    });
    expect(() => nxOptions('serve', ['--port', '70000'])).toThrow('70000 should be at most 65535');
  });
});

describe('build options', () => {
  it('--platform, one SageMaker runs; none: every platform of template.json', () => {
    expect(nxOptions('build', [])).toEqual({});
    expect(nxOptions('build', ['--platform', 'linux/arm64'])).toEqual({ platform: 'linux/arm64' });
    expect(() => nxOptions('build', ['--platform', 'windows/amd64'])).toThrow(/platform/);
  });
});

describe('base image options', () => {
  it('--force, --check and --platform, nothing else', () => {
    expect(nxOptions('base-image', ['--force'])).toEqual({
      force: true,
      check: false,
      platform: 'linux/amd64',
    });
    expect(nxOptions('base-image', ['--platform', 'linux/arm64'])).toMatchObject({
      platform: 'linux/arm64',
    });
    expect(() => nxOptions('base-image', ['--platform', 'linux/s390x'])).toThrow(/platform/);
    expect(() => nxOptions('base-image', ['--only', 'node'])).toThrow("'only' is not found");
  });
});
