import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exchange } from '@sagemaker-templates/engine';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  batchRecords,
  recordIO,
  runTransform,
  splitRecords,
  transformEnvironment,
  type Endpoint,
  type TransformJob,
} from './index.ts';

describe('splitRecords', () => {
  it('cuts lines with their newline, keeps a last line without one, and keeps a whole file for None', () => {
    const data = Buffer.from('a,1\nb,2\nc,3');
    expect(splitRecords(data, 'Line', 'f').map(String)).toEqual(['a,1\n', 'b,2\n', 'c,3']);
    expect(splitRecords(data, 'None', 'f').map(String)).toEqual(['a,1\nb,2\nc,3']);
    expect(splitRecords(Buffer.alloc(0), 'Line', 'f')).toEqual([]);
    expect(splitRecords(Buffer.alloc(0), 'None', 'f')).toEqual([]);
  });

  it('cuts RecordIO records with their framing and padding, and names the byte where a file is not RecordIO', () => {
    const one = recordIO(Buffer.from('abcde'));
    const two = recordIO(Buffer.from('xy'));
    expect(one.length).toBe(16); // 8 header bytes, 5 payload bytes padded to 8
    const records = splitRecords(Buffer.concat([one, two]), 'RecordIO', 'f.rec');
    expect(records).toEqual([one, two]);
    expect(() =>
      splitRecords(Buffer.concat([one, Buffer.from('junk')]), 'RecordIO', 'f.rec'),
    ).toThrow(
      /^f\.rec: not RecordIO at byte 16 \(no magic number 0xced7230a\)\. Use --split-type Line or None/,
    );
    expect(() => splitRecords(one.subarray(0, 12), 'RecordIO', 'f.rec')).toThrow(
      /cut short at byte 12/,
    );
  });
});

describe('batchRecords', () => {
  const records = ['aaaa\n', 'bbbb\n', 'cccc\n'].map((r) => Buffer.from(r));

  it('packs consecutive records up to the payload limit (MultiRecord), or one per request (SingleRecord)', () => {
    const multi = batchRecords(records, 'MultiRecord', 10, 'f');
    expect(multi.map((b) => [String(b.body), b.first, b.count])).toEqual([
      ['aaaa\nbbbb\n', 0, 2],
      ['cccc\n', 2, 1],
    ]);
    expect(batchRecords(records, 'MultiRecord', 0, 'f')).toHaveLength(1);
    expect(batchRecords(records, 'SingleRecord', 100, 'f').map((b) => b.count)).toEqual([1, 1, 1]);
  });

  it('fails the job on a record larger than the limit, naming it and the fix', () => {
    expect(() => batchRecords(records, 'SingleRecord', 4, 'data/x.csv')).toThrow(
      /^data\/x\.csv: record 1 has 5 bytes, more than MaxPayloadInMB allows \(4 bytes\)\. Raise --max-payload-in-mb/,
    );
  });
});

describe('transformEnvironment', () => {
  it('always sets SAGEMAKER_BATCH, and the others only when the job sets them, in the container spelling', () => {
    expect(transformEnvironment({})).toEqual({ SAGEMAKER_BATCH: 'true' });
    expect(
      transformEnvironment({
        batchStrategy: 'SingleRecord',
        maxPayloadInMb: 1,
        maxConcurrentTransforms: 4,
      }),
    ).toEqual({
      SAGEMAKER_BATCH: 'true',
      SAGEMAKER_BATCH_STRATEGY: 'SINGLE_RECORD',
      SAGEMAKER_MAX_PAYLOAD_IN_MB: '1',
      SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '4',
    });
  });
});

describe('runTransform against a server', () => {
  let server: Server;
  let endpoint: Endpoint;
  let executionParameters: unknown = undefined;
  const bodies: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;

  beforeAll(async () => {
    // Doubles each CSV line's number; 500 for a line "boom"; answers out of order in time.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/execution-parameters') {
          if (executionParameters === undefined) return res.writeHead(404).end();
          return res.writeHead(200).end(JSON.stringify(executionParameters));
        }
        const body = Buffer.concat(chunks).toString();
        bodies.push(body);
        if (body.includes('boom')) return res.writeHead(500).end('cannot parse boom');
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        const lines = body.split('\n').filter((l) => l !== '');
        setTimeout(() => {
          inFlight--;
          res.writeHead(200, { 'Content-Type': 'text/csv' });
          res.end(lines.map((l) => `${Number(l) * 2}\n`).join(''));
        }, 30 - lines.length);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    endpoint = {
      request: (path, init) => exchange(`${base}${path}`, { timeoutMs: 5_000, ...init }),
    };
  });
  afterAll(() => server.close());

  let dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    dirs = [];
    bodies.length = 0;
    executionParameters = undefined;
    mostInFlight = 0;
  });
  const folders = async (files: Record<string, string>) => {
    const root = await mkdtemp(join(tmpdir(), 'transform-test-'));
    dirs.push(root);
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(root, 'in', name, '..'), { recursive: true });
      await writeFile(join(root, 'in', name), text);
    }
    return { inputDir: join(root, 'in'), outputDir: join(root, 'out') };
  };
  const lines = (n: number, from = 1) =>
    Array.from({ length: n }, (_, i) => `${from + i}\n`).join('');

  it('writes one .out per input file (sub-folders kept), answers in input order with a newline after each (AssembleWith Line)', async () => {
    const io = await folders({ 'a.csv': lines(3), 'sub/b.csv': lines(2, 10) });
    const job: TransformJob = {
      ...io,
      splitType: 'Line',
      assembleWith: 'Line',
      contentType: 'text/csv',
      batchStrategy: 'SingleRecord',
      maxConcurrentTransforms: 3,
    };
    const result = await runTransform(endpoint, job);
    expect(await readFile(join(io.outputDir, 'a.csv.out'), 'utf8')).toBe('2\n\n4\n\n6\n\n');
    expect(await readFile(join(io.outputDir, 'sub/b.csv.out'), 'utf8')).toBe('20\n\n22\n\n');
    expect(result.files.map((f) => [f.file, f.records, f.requests, f.linesOut])).toEqual([
      ['a.csv', 3, 3, 6],
      ['sub/b.csv', 2, 2, 4],
    ]);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(3);
  });

  it("takes the container's /execution-parameters for what the job leaves unset, and ignores invalid values", async () => {
    executionParameters = {
      MaxConcurrentTransforms: 2,
      BatchStrategy: 'MULTI_RECORD',
      MaxPayloadInMB: 1,
    };
    const io = await folders({ 'a.csv': lines(100) });
    const result = await runTransform(endpoint, {
      ...io,
      splitType: 'Line',
      assembleWith: 'None',
    });
    expect(result.parameters).toMatchObject({
      batchStrategy: 'MultiRecord',
      maxPayloadInMb: 1,
      maxConcurrentTransforms: 2,
    });
    expect(result.parameters.notes).toEqual([
      '/execution-parameters gave BatchStrategy "MULTI_RECORD", which is not valid: ignored',
      'MaxPayloadInMB 1 from /execution-parameters',
      'MaxConcurrentTransforms 2 from /execution-parameters',
    ]);
    expect(bodies).toHaveLength(1);
    expect(await readFile(join(io.outputDir, 'a.csv.out'), 'utf8')).toBe(
      Array.from({ length: 100 }, (_, i) => `${(i + 1) * 2}\n`).join(''),
    );
  });

  it('fails on the first request that is not answered 2xx, naming the file, the records and the answer', async () => {
    const io = await folders({ 'a.csv': '1\n2\nboom\n4\n' });
    await expect(
      runTransform(endpoint, {
        ...io,
        splitType: 'Line',
        assembleWith: 'Line',
        batchStrategy: 'SingleRecord',
      }),
    ).rejects.toThrow(
      /^a\.csv: request 3 of 4 \(records 3 to 3\) got HTTP 500: cannot parse boom\. SageMaker fails the job here/,
    );
  });

  it('refuses an empty or missing input folder with the fix', async () => {
    const io = await folders({});
    await mkdir(io.inputDir, { recursive: true });
    await expect(
      runTransform(endpoint, { ...io, splitType: 'None', assembleWith: 'None' }),
    ).rejects.toThrow(/has no files\. Point --input at a folder of input files\./);
    await expect(
      runTransform(endpoint, {
        ...io,
        inputDir: `${io.inputDir}-missing`,
        splitType: 'None',
        assembleWith: 'None',
      }),
    ).rejects.toThrow(/cannot read the input folder .*-missing .*Check --input\./);
  });
});
