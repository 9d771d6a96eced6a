import path from 'node:path';
import { extract, type Pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { HOST_CA_BUNDLE_PATH } from './host-ca-bundle.ts';
import { packContext } from './pack-context.ts';
import { tempContext } from './test-support/temp-context.ts';

interface Unpacked {
  name: string;
  type: string;
  mode: number;
  uid: number;
  content: string;
  linkname?: string | null;
}

async function unpack(tar: Pack): Promise<Unpacked[]> {
  const entries: Unpacked[] = [];
  const extractor = extract({});
  tar.pipe(extractor);
  for await (const entry of extractor) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const { name, type, mode, uid, linkname } = entry.header;
    entries.push({
      name,
      type,
      mode,
      uid,
      content: Buffer.concat(chunks).toString(),
      ...(type === 'symlink' ? { linkname } : {}),
    });
  }
  return entries;
}

describe('packContext', () => {
  it('packs the filtered context as root with normalized modes, plus the extra files', async () => {
    await using ctx = await tempContext({
      Dockerfile: 'FROM base',
      '.dockerignore': 'secret.txt',
      'code/serve': { content: 'serve', mode: 0o700 },
      'code/model.py': { content: 'py', mode: 0o600 },
      'code/current': { link: 'serve' },
      'secret.txt': 'do not send',
    });
    const packed = await packContext(ctx.dir, {
      extraFiles: [{ path: HOST_CA_BUNDLE_PATH, content: Buffer.from('PEM') }],
    });
    expect(packed.dockerfile).toBe('Dockerfile');
    const entries = await unpack(packed.tar);
    expect(
      entries.map((entry) => `${entry.name} ${entry.type} ${entry.mode.toString(8)} ${entry.uid}`),
    ).toEqual([
      '.dockerignore file 644 0',
      'Dockerfile file 644 0',
      'code directory 755 0',
      'code/current symlink 777 0',
      'code/model.py file 644 0',
      'code/serve file 755 0',
      '.sagemaker-templates directory 755 0',
      '.sagemaker-templates/host-ca-bundle.pem file 644 0',
    ]);
    expect(entries.find((entry) => entry.name === 'code/current')?.linkname).toBe('serve');
    expect(entries.find((entry) => entry.name === HOST_CA_BUNDLE_PATH)?.content).toBe('PEM');
  });

  it('carries a Dockerfile from outside the context under its own name', async () => {
    await using ctx = await tempContext({
      'ctx/app.py': 'x',
      'Dockerfile.elsewhere': 'FROM elsewhere',
    });
    const packed = await packContext(path.join(ctx.dir, 'ctx'), {
      dockerfile: '../Dockerfile.elsewhere',
    });
    expect(packed.dockerfile).toBe('.sagemaker-templates/Dockerfile');
    const entries = await unpack(packed.tar);
    expect(entries.find((entry) => entry.name === packed.dockerfile)?.content).toBe(
      'FROM elsewhere',
    );
  });

  it('lets an extra file replace a same-named file of the context', async () => {
    await using ctx = await tempContext({
      Dockerfile: 'FROM base',
      [HOST_CA_BUNDLE_PATH]: 'stale',
    });
    const packed = await packContext(ctx.dir, {
      extraFiles: [{ path: HOST_CA_BUNDLE_PATH, content: Buffer.from('fresh') }],
    });
    const entries = (await unpack(packed.tar)).filter(
      (entry) => entry.name === HOST_CA_BUNDLE_PATH,
    );
    expect(entries.map((entry) => entry.content)).toEqual(['fresh']);
  });
});
