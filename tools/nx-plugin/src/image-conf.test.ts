import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImageConf, readImageConf } from './image-conf.ts';

const recipes = join(import.meta.dirname, '../../machine/base-images');

describe('image.conf', () => {
  it("reads the recipes' image, what it stands in for and its parent", async () => {
    expect(await readImageConf(join(recipes, 'node/image.conf'))).toEqual({
      image: 'sagemaker-templates/node:22-bookworm',
      standsInFor: 'node:22-bookworm-slim',
      parent: 'debian',
      verify: 'echo "node $(node --version), npm $(npm --version)"',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    expect(await readImageConf(join(recipes, 'debian/image.conf'))).toMatchObject({
      image: 'sagemaker-templates/debian:bookworm',
      standsInFor: 'debian:bookworm-slim',
    });
    expect((await readImageConf(join(recipes, 'pytorch/image.conf'))).standsInFor).toMatch(
      /^763104351884\.dkr\.ecr\.us-west-2\.amazonaws\.com\/pytorch-training:2\.5-cpu-py311 \(and/,
    );
  });

  it('keeps VERIFY as the shell would: single quotes leave backslashes and double quotes alone', async () => {
    expect((await readImageConf(join(recipes, 'pytorch/image.conf'))).verify).toContain(
      'print(\\"torch\\", torch.__version__)',
    );
    expect(parseImageConf('IMAGE=x\nVERIFY=\n', 'x/image.conf')).toEqual({
      image: 'x',
      standsInFor: '',
      platforms: ['linux/amd64'],
    });
  });

  it('reads PLATFORMS and names the file of one SageMaker does not run', () => {
    expect(
      parseImageConf("IMAGE=x\nPLATFORMS='linux/arm64  linux/amd64'\n", 'f').platforms,
    ).toEqual(['linux/arm64', 'linux/amd64']);
    expect(() => parseImageConf('IMAGE=x\nPLATFORMS=linux/ppc64le\n', 'x/image.conf')).toThrow(
      'PLATFORMS in x/image.conf is "linux/ppc64le", not a platform SageMaker runs.',
    );
  });

  it('names the file and the line to add when IMAGE is missing', () => {
    expect(() => parseImageConf('PARENT=debian\n', 'x/image.conf')).toThrow(
      'x/image.conf names no IMAGE. Add a line IMAGE=',
    );
  });
});
