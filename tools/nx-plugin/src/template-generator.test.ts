import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import type { Tree } from '@nx/devkit';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  renamePackage,
  renameReadme,
  templateGenerator,
  TemplateGeneratorError,
} from './template-generator.ts';

const README = `# Node.js + TypeScript algorithm template

1. Copy the folder: \`cp -r templates/node templates/my-algorithm\`.
   \`npx nx run node:build\` builds \`sagemaker-templates/node\`, then \`npx nx run node:push\`.
| Offline | \`docker build --build-arg BASE_IMAGE=sagemaker-templates/node:22-bookworm -t x templates/node\` |
Upstream base: node:22-bookworm-slim. See templates/node-extra and ./templates/node too.
`;

function seed(tree: Tree): void {
  tree.write('templates/node/template.json', JSON.stringify({ version: '0.1.0' }));
  tree.write(
    'templates/node/Dockerfile',
    'ARG BASE_IMAGE=node:22-bookworm-slim\nFROM ${BASE_IMAGE}\n',
  );
  tree.write('templates/node/README.md', README);
  tree.write(
    'templates/node/package.json',
    JSON.stringify({ name: 'sagemaker-node-algorithm', version: '0.1.0' }, null, 2),
  );
  tree.write(
    'templates/node/package-lock.json',
    JSON.stringify({
      name: 'sagemaker-node-algorithm',
      lockfileVersion: 3,
      packages: { '': { name: 'sagemaker-node-algorithm' }, 'node_modules/ajv': {} },
    }),
  );
  tree.write('templates/node/src/main.ts', 'console.log("node");\n');
  tree.write('templates/node/node_modules/ajv/index.js', '');
  tree.write('templates/node/dist/main.js', '');
  tree.write('templates/node/.sagemaker-templates/host-ca-bundle.pem', 'secret CA');
}

describe('template generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    seed(tree);
  });

  it('copies the template without build outputs, installed packages or the host CA bundle', async () => {
    const done = await templateGenerator(tree, { name: 'my-algo', from: 'node' });
    expect(tree.read('templates/my-algo/src/main.ts', 'utf8')).toBe('console.log("node");\n');
    expect(tree.read('templates/my-algo/Dockerfile', 'utf8')).toContain('ARG BASE_IMAGE');
    expect(tree.exists('templates/my-algo/node_modules')).toBe(false);
    expect(tree.exists('templates/my-algo/dist')).toBe(false);
    expect(tree.exists('templates/my-algo/.sagemaker-templates')).toBe(false);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    done();
    expect(log.mock.calls.join('\n')).toContain('npx nx run my-algo:push');
    log.mockRestore();
  });

  it('renames the npm package in package.json and package-lock.json', async () => {
    await templateGenerator(tree, { name: 'my-algo', from: 'node' });
    expect(JSON.parse(tree.read('templates/my-algo/package.json', 'utf8') ?? '').name).toBe(
      'sagemaker-my-algo-algorithm',
    );
    const lock = JSON.parse(tree.read('templates/my-algo/package-lock.json', 'utf8') ?? '');
    expect(lock.name).toBe('sagemaker-my-algo-algorithm');
    expect(lock.packages[''].name).toBe('sagemaker-my-algo-algorithm');
    expect(lock.packages['node_modules/ajv']).toEqual({});
  });

  it('updates the README title and commands but not base image names', async () => {
    await templateGenerator(tree, { name: 'my-algo', from: 'node' });
    const readme = tree.read('templates/my-algo/README.md', 'utf8') ?? '';
    expect(readme.split('\n').slice(0, 3)).toEqual([
      '# my-algo',
      '',
      'Made from templates/node (Node.js + TypeScript algorithm template).',
    ]);
    expect(readme).toContain('`cp -r templates/my-algo templates/my-algorithm`');
    expect(readme).toContain('`npx nx run my-algo:build` builds `sagemaker-templates/my-algo`');
    expect(readme).toContain('npx nx run my-algo:push');
    expect(readme).toContain(
      'BASE_IMAGE=sagemaker-templates/node:22-bookworm -t x templates/my-algo',
    );
    expect(readme).toContain('Upstream base: node:22-bookworm-slim');
    expect(readme).toContain('templates/node-extra and ./templates/my-algo too');
  });

  it('renames an explicit push.repository that names the old template', async () => {
    tree.write(
      'templates/node/template.json',
      JSON.stringify({ version: '0.1.0', push: { repository: 'team/node', latest: true } }),
    );
    await templateGenerator(tree, { name: 'my-algo', from: 'node' });
    const manifest = JSON.parse(tree.read('templates/my-algo/template.json', 'utf8') ?? '');
    expect(manifest.push).toEqual({ repository: 'team/my-algo', latest: true });
  });

  it('refuses a bad name, an unknown source and an existing folder, saying what to do', async () => {
    await expect(templateGenerator(tree, { name: 'My_Algo', from: 'node' })).rejects.toThrow(
      /"My_Algo" cannot name a template.*lowercase/,
    );
    await expect(templateGenerator(tree, { name: 'x', from: 'nope' })).rejects.toThrow(
      'templates/nope/template.json does not exist, so there is no template "nope" to copy. Use --from with one of: node.',
    );
    await expect(templateGenerator(tree, { name: 'node', from: 'node' })).rejects.toThrow(
      TemplateGeneratorError,
    );
  });
});

describe('renaming helpers', () => {
  it('renames the template token in package names, else names the package after the template', () => {
    expect(renamePackage('sagemaker-node-algorithm', 'node', 'my-algo')).toBe(
      'sagemaker-my-algo-algorithm',
    );
    expect(renamePackage('@team/node', 'node', 'x')).toBe('@team/x');
    expect(renamePackage('nodejs-thing', 'node', 'x')).toBe('sagemaker-x');
  });

  it('leaves a README without the old name unchanged but its title', () => {
    expect(renameReadme('# Title\n\ntext\n', 'node', 'x')).toBe(
      '# x\n\nMade from templates/node (Title).\n\ntext\n',
    );
  });
});
