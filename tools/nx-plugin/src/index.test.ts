import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodes, createNodesV2, TEMPLATE_TOOLING, templateProject } from './index.ts';

const workspaceRoot = join(import.meta.dirname, '../../..');
const infer = async (files: string[]) => {
  const [, create] = createNodes;
  const results = await create(files, undefined, { workspaceRoot } as never);
  return Object.fromEntries(
    results.flatMap(([, r]) => Object.values(r.projects ?? {}).map((p) => [p.name, p])),
  );
};

describe('nx plugin', () => {
  it('infers a project per template folder, named after the folder, and one per base image recipe', async () => {
    const [pattern] = createNodes;
    expect(pattern).toBe('{templates/*/template.json,tools/machine/base-images/*/image.conf}');
    expect(createNodesV2).toBe(createNodes);
    const projects = await infer([
      'templates/node/template.json',
      'templates/my-algo/template.json',
      'tools/machine/base-images/debian/image.conf',
      'tools/machine/base-images/node/image.conf',
    ]);
    expect(Object.keys(projects)).toEqual(['node', 'my-algo', 'base-debian', 'base-node']);
    expect(projects['base-node']).toMatchObject({
      root: 'tools/machine/base-images/node',
      tags: ['base-image'],
      implicitDependencies: ['base-debian'],
      targets: { build: { executor: '@sagemaker-templates/nx-plugin:base-image', cache: false } },
    });
    expect(projects['base-node']?.targets?.build?.dependsOn).toEqual([
      { dependencies: true, target: 'build', params: 'forward' },
    ]);
    expect(projects['base-debian']?.implicitDependencies).toEqual([]);
  });

  it("makes a template's build depend on the base project that makes its template.json base.offline", async () => {
    const projects = await infer([
      'templates/node/template.json',
      'templates/my-algo/template.json',
      'tools/machine/base-images/node/image.conf',
    ]);
    expect(projects.node?.targets?.build?.dependsOn).toEqual([
      { projects: ['base-node'], target: 'build', params: 'forward' },
    ]);
    expect(projects.node?.implicitDependencies).toEqual([...TEMPLATE_TOOLING, 'base-node']);
    // No readable manifest (or no known base.offline): a project all the same, without a base.
    expect(projects['my-algo']?.targets?.build?.dependsOn).toBeUndefined();
  });

  it('gives build, conformance, train, serve, transform and push targets run by executors, conformance after build, none cached by Nx', () => {
    const project = templateProject('templates/my-algo');
    expect(Object.keys(project.targets)).toEqual([
      'build',
      'conformance',
      'train',
      'serve',
      'transform',
      'push',
    ]);
    for (const [name, target] of Object.entries(project.targets)) {
      expect(target.executor).toBe(`@sagemaker-templates/nx-plugin:${name}`);
      expect(target.cache).toBe(false);
      expect(target.metadata?.help?.command).toBe(`npx nx run my-algo:${name} --help`);
    }
    expect(project.targets.push.dependsOn).toBeUndefined();
    expect(project.targets.conformance.dependsOn).toEqual(['build']);
  });

  it("lists each target's options with descriptions and defaults from the executor's schema", () => {
    const { targets } = templateProject('templates/my-algo');
    expect(targets.serve.metadata?.options['--port']).toMatch(
      /0 picks a free one\. \[default: 8080\]$/,
    );
    expect(targets.push.metadata?.options['--allow-offline-base']).toMatch(
      /SAGEMAKER_TEMPLATES_PUSH_ALLOW_OFFLINE_BASE=true\. \[default: false\]$/,
    );
    expect(Object.keys(targets.conformance.metadata?.options ?? {})).toEqual([
      '--force',
      '--pass-max-age',
      '--registry-records',
      '--only',
      '--platform',
      '--seed',
      '--fuzz-count',
      '--report-dir',
      '--emulation-scale',
      '--instance-type',
      '--longevity-seconds',
      '--timings',
    ]);
  });

  it('makes every template depend on the packages that build, check and push it (nx affected)', () => {
    expect(templateProject('templates/my-algo').implicitDependencies).toEqual(TEMPLATE_TOOLING);
    expect(TEMPLATE_TOOLING).toContain('@sagemaker-templates/registry');
  });
});
