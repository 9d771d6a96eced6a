import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '@sagemaker-templates/contract';
import { checks } from './checks/index.ts';
import { suiteInputProblems } from './suite-inputs.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'suite-inputs-'));
  await writeFile(join(dir, 'train.csv'), '1,2\n');
  await writeFile(join(dir, 'broken.schema.json'), '{"type": 5}');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const manifest = (conformance: object, extra: object = {}) =>
  parseManifest({
    description: 'd',
    version: '1.0.0',
    capabilities: { serve: true },
    base: { upstream: 'x' },
    conformance: {
      training: {
        channels: { train: { source: 'train.csv' } },
        metrics: [{ name: 'loss', regex: 'loss=([0-9.]+)' }],
      },
      serving: { requests: [{ name: 'r', contentType: 'text/csv', body: '1' }] },
      ...conformance,
    },
    ...extra,
  });

describe('the suite refuses its own bad input before any container starts', () => {
  it('accepts a manifest whose paths, regexes and ids are all real', () => {
    expect(suiteInputProblems(manifest({}), dir, checks)).toEqual([]);
  });

  it('names an unknown skip id, with the nearest real one', () => {
    const problems = suiteInputProblems(
      manifest({ skip: { 'serve.ping.okk': 'why' } }),
      dir,
      checks,
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /conformance\.skip\."serve\.ping\.okk": no check has this id \(did you mean "serve\.ping\.ok"\?\)/,
      ),
    ]);
  });

  it('names a metric regex that does not compile, or captures nothing', () => {
    const bad = manifest({
      training: {
        channels: { train: { source: 'train.csv' } },
        metrics: [
          { name: 'a', regex: 'loss=([0-9' },
          { name: 'b', regex: 'loss=[0-9]+' },
        ],
      },
    });
    const problems = suiteInputProblems(bad, dir, checks);
    expect(problems[0]).toMatch(/metrics\[0\]\.regex \(a\): .* does not compile/);
    expect(problems[1]).toMatch(/metrics\[1\]\.regex \(b\): .* no capture group/);
  });

  it('names a channel folder, bodyFile or model that does not exist', () => {
    const bad = manifest({
      training: { channels: { train: { source: 'nowhere' } } },
      serving: {
        model: 'no-model',
        requests: [{ name: 'r', contentType: 'text/csv', bodyFile: 'missing.csv' }],
      },
    });
    const problems = suiteInputProblems(bad, dir, checks).join('\n');
    expect(problems).toMatch(/channels\.train\.source: .*nowhere does not exist/);
    expect(problems).toMatch(/requests\[0\]\.bodyFile \(r\): .*missing\.csv does not exist/);
    expect(problems).toMatch(/serving\.model: .*no-model does not exist/);
  });

  it('names an unknown robustness case and a hyperparameter schema that is missing or invalid', () => {
    const bad = manifest(
      { robustness: { accept: { 'record.nan': 'ok', 'record.nann': 'typo' } } },
      { hyperparameterSchema: 'broken.schema.json' },
    );
    const problems = suiteInputProblems(bad, dir, checks).join('\n');
    expect(problems).toMatch(
      /accept\."record\.nann": no garbage case has this id \(did you mean "record\.nan"\?\)/,
    );
    expect(problems).not.toMatch(/"record\.nan":/);
    expect(problems).toMatch(/hyperparameterSchema: .* not a valid JSON Schema/);
    const missing = manifest({}, { hyperparameterSchema: 'gone.json' });
    expect(suiteInputProblems(missing, dir, checks).join()).toMatch(/gone\.json does not exist/);
  });
});
