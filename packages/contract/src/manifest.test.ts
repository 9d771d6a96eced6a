import { describe, expect, it } from 'vitest';
import { declaredInstanceType, ManifestError, parseManifest } from './manifest.ts';

const minimal = {
  description: 'x',
  version: '1.0.0',
  capabilities: { train: true, serve: true },
  base: { upstream: 'node:22' },
  conformance: {
    training: { channels: { train: { source: 'fixtures/train' } } },
    serving: { requests: [{ name: 'csv', contentType: 'text/csv', body: '1,2' }] },
  },
};

describe('parseManifest', () => {
  it('fills every default', () => {
    const m = parseManifest(minimal);
    expect(m.capabilities).toEqual({
      train: true,
      serve: true,
      batch: false,
      gpu: false,
      toolkit: false,
    });
    expect(m.conformance.skip).toEqual({});
    expect(m.conformance.serving?.model).toBe('training');
    expect(m.conformance.serving?.badRequests).toEqual([]);
    expect(m.conformance.training?.hyperparameters).toEqual({});
    expect(m.budgets.startupSeconds).toBe(60);
    expect(m.buildArgs).toEqual({});
    expect(m.platforms).toEqual(['linux/amd64']);
  });

  it('takes arm64 beside amd64, and refuses a training image without amd64 or an unknown platform', () => {
    expect(
      parseManifest({ ...minimal, platforms: ['linux/amd64', 'linux/arm64'] }).platforms,
    ).toEqual(['linux/amd64', 'linux/arm64']);
    expect(() => parseManifest({ ...minimal, platforms: ['linux/arm64'] })).toThrow(
      /platforms: \["linux\/arm64"\] leaves out linux\/amd64, but the image trains.*Add "linux\/amd64"/,
    );
    const serveOnly = {
      ...minimal,
      capabilities: { train: false, serve: true },
      conformance: { serving: { ...minimal.conformance.serving, model: 'model/' } },
      platforms: ['linux/arm64'],
    };
    expect(parseManifest(serveOnly).platforms).toEqual(['linux/arm64']);
    expect(() => parseManifest({ ...minimal, platforms: ['linux/arm/v7'] })).toThrow(
      /platforms\.0: must be one of "linux\/amd64", "linux\/arm64"/,
    );
  });

  it('does not modify its input', () => {
    const input = structuredClone(minimal);
    parseManifest(input);
    expect(input).toEqual(minimal);
  });

  it('names the field and the fix for an unknown field', () => {
    expect(() => parseManifest({ ...minimal, verison: '1' })).toThrow(
      /unknown field "verison"\. Remove it/,
    );
  });

  it('names a missing field', () => {
    const { base: _base, ...noBase } = minimal;
    expect(() => parseManifest(noBase, 'templates/x/template.json')).toThrow(
      /templates\/x\/template\.json is not a valid template manifest:\n {2}- \(top level\): missing required field "base"/,
    );
  });

  it('rejects numeric hyperparameters, since SageMaker only sends strings', () => {
    const bad = structuredClone(minimal) as Record<string, any>;
    bad.conformance.training.hyperparameters = { epochs: 3 };
    expect(() => parseManifest(bad)).toThrow(
      /conformance\.training\.hyperparameters\.epochs: must be string/,
    );
  });

  it('rejects a serving capability without sample requests', () => {
    const bad = structuredClone(minimal) as Record<string, any>;
    delete bad.conformance.serving;
    expect(() => parseManifest(bad)).toThrow(ManifestError);
  });

  it('takes a serverless memory size SageMaker offers, only for an image that serves', () => {
    const serverless = {
      ...minimal,
      capabilities: { ...minimal.capabilities, serverless: { memorySizeMb: 2048 } },
    };
    expect(parseManifest(serverless).capabilities.serverless).toEqual({ memorySizeMb: 2048 });
    const odd = { ...minimal, capabilities: { serverless: { memorySizeMb: 1500 } } };
    expect(() => parseManifest(odd)).toThrow(
      /capabilities\.serverless\.memorySizeMb: must be one of 1024, 2048, 3072, 4096, 5120, 6144/,
    );
    const trainOnly = {
      ...minimal,
      capabilities: { train: true, serve: false, serverless: { memorySizeMb: 1024 } },
      conformance: { training: minimal.conformance.training },
    };
    expect(() => parseManifest(trainOnly)).toThrow(
      /capabilities\.serverless: given, but capabilities\.serve is false/,
    );
  });

  it('fills capabilities.async from its defaults, and refuses it declined, unserved or with a long-request budget it may cut', () => {
    const withAsync = (async: object, extra: object = {}) => ({
      ...minimal,
      capabilities: { ...minimal.capabilities, async },
      ...extra,
    });
    const m = parseManifest(withAsync({}));
    expect(m.capabilities.async).toEqual({
      maxPayloadMb: 100,
      maxRequestSeconds: 900,
      environment: {},
    });
    expect(m.notDeployedAs).toEqual({});
    expect(m.budgets.longRequestSeconds).toBe(75);
    expect(() => parseManifest(withAsync({ maxPayloadMb: 6 }))).toThrow(
      /capabilities\.async\.maxPayloadMb: must be >= 7/,
    );
    expect(() => parseManifest(withAsync({ maxRequestSeconds: 7200 }))).toThrow(
      /capabilities\.async\.maxRequestSeconds: must be <= 3600/,
    );
    expect(() =>
      parseManifest(withAsync({}, { notDeployedAs: { async: 'holds each body three times' } })),
    ).toThrow(/notDeployedAs\.async: given, but capabilities\.async declares that deployment/);
    expect(() =>
      parseManifest(withAsync({ maxRequestSeconds: 60 }, { budgets: { longRequestSeconds: 75 } })),
    ).toThrow(
      /budgets\.longRequestSeconds: 75 s is not under capabilities\.async\.maxRequestSeconds \(60 s\)/,
    );
    const trainOnly = {
      ...minimal,
      capabilities: { train: true, serve: false, async: {} },
      conformance: { training: minimal.conformance.training },
    };
    expect(() => parseManifest(trainOnly)).toThrow(
      /capabilities\.async: given, but capabilities\.serve is false/,
    );
    const declined = parseManifest({
      ...minimal,
      notDeployedAs: { async: 'TorchServe holds bodies twice' },
    });
    expect(declined.notDeployedAs.async).toBe('TorchServe holds bodies twice');
  });

  it('takes instanceType as one name or one per platform, and gives each platform its own', () => {
    const both = { ...minimal, platforms: ['linux/amd64', 'linux/arm64'] };
    const one = parseManifest({ ...both, instanceType: 'ml.m5.large' });
    expect(declaredInstanceType(one, 'linux/amd64')).toBe('ml.m5.large');
    expect(declaredInstanceType(one, 'linux/arm64')).toBeUndefined();
    const each = parseManifest({
      ...both,
      instanceType: { 'linux/amd64': 'ml.m5.large', 'linux/arm64': 'ml.m7g.large' },
    });
    expect(declaredInstanceType(each, 'linux/arm64')).toBe('ml.m7g.large');
    expect(() =>
      parseManifest({ ...both, instanceType: { 'linux/arm64': 'ml.m5.large' } }),
    ).toThrow(
      /instanceType\["linux\/arm64"\]: ml\.m5\.large runs linux\/amd64 images, not linux\/arm64/,
    );
    expect(() => parseManifest({ ...minimal, instanceType: 'ml.m7g.large' })).toThrow(
      /instanceType: ml\.m7g\.large runs linux\/arm64 images, which platforms \(linux\/amd64\) leaves out/,
    );
    expect(() => parseManifest({ ...minimal, instanceType: 'ml.m5.huge' })).toThrow(
      /instanceType is "ml\.m5\.huge", not an instance type this project knows/,
    );
  });

  it('rejects a non-semver version', () => {
    expect(() => parseManifest({ ...minimal, version: 'v1' })).toThrow(
      /version: must match pattern/,
    );
  });
});
