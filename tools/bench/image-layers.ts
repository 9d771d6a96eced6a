/**
 * What a template adds on top of its base image: the image size, the base's size, and each of the
 * template's own layers (the instructions after the base's last one), with the compressed size a
 * registry would store for the whole image.
 *
 *   npx tsx tools/bench/image-layers.ts [templates/pytorch-extend] [--no-compressed]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadManifest } from '@sagemaker-templates/contract';
import {
  connectEngine,
  exportImage,
  imageHistory,
  imageSizeBytes,
} from '@sagemaker-templates/engine';
import { buildTemplate } from '../nx-plugin/src/build-template.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'no-compressed': { type: 'boolean', default: false } },
});
const root = positionals[0] ?? 'templates/pytorch-extend';
const manifest = await loadManifest(join(root, 'template.json'));
const docker = connectEngine();
const built = await buildTemplate(root, { quiet: true });
const base = built.baseKind === 'offline' ? manifest.base.offline! : manifest.base.upstream;

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes: number) => (bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : mb(bytes));
const [imageSize, baseSize] = await Promise.all([
  imageSizeBytes(docker, built.image),
  imageSizeBytes(docker, base),
]);
const history = await imageHistory(docker, built.image);
const baseLayers = (await imageHistory(docker, base)).length;
// History is newest first: the template's own steps are the first (total - base) entries.
const own = history.slice(0, history.length - baseLayers).reverse();

console.log(`${built.image} on ${base} (${built.baseKind} base)`);
console.log(`image ${mb(imageSize)}, base ${mb(baseSize)}, own layers ${kb(imageSize - baseSize)}`);
for (const step of own) {
  const instruction = step.CreatedBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/\s+/g, ' ');
  console.log(`  ${kb(step.Size).padStart(9)}  ${instruction.slice(0, 110)}`);
}
if (!values['no-compressed']) {
  let compressed = 0;
  const counter = new Writable({
    write(chunk: Buffer, _encoding, done) {
      compressed += chunk.length;
      done();
    },
  });
  const started = performance.now();
  await pipeline(await exportImage(docker, built.image), createGzip({ level: 6 }), counter);
  console.log(
    `compressed (docker save | gzip -6): ${mb(compressed)} (${((performance.now() - started) / 1000).toFixed(0)} s to measure)`,
  );
}
