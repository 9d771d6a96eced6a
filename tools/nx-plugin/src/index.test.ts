import { describe, expect, it } from 'vitest';
import { createNodesV2, TEMPLATE_TOOLING, templateProject } from './index.ts';

describe('nx plugin', () => {
  it('infers a project per template folder, named after the folder', async () => {
    const [pattern, create] = createNodesV2;
    expect(pattern).toBe('templates/*/template.json');
    const results = await create(
      ['templates/node/template.json', 'templates/my-algo/template.json'],
      undefined,
      {} as never,
    );
    expect(
      results.map(([file, r]) => [file, Object.values(r.projects ?? {}).map((p) => p.name)]),
    ).toEqual([
      ['templates/node/template.json', ['node']],
      ['templates/my-algo/template.json', ['my-algo']],
    ]);
  });

  it('gives build, conformance, train, serve and push targets, conformance after build, none cached by Nx', () => {
    const project = templateProject('templates/my-algo');
    expect(Object.keys(project.targets)).toEqual([
      'build',
      'conformance',
      'train',
      'serve',
      'push',
    ]);
    for (const local of ['train', 'serve'] as const) {
      expect(project.targets[local].cache).toBe(false);
      expect(project.targets[local].options.command).toBe(
        `npx --no-install tsx tools/nx-plugin/src/run-target.ts ${local} templates/my-algo`,
      );
    }
    expect(project.targets.push.cache).toBe(false);
    expect(project.targets.push.dependsOn).toBeUndefined();
    expect(project.targets.push.options.command).toBe(
      'npx --no-install tsx tools/nx-plugin/src/run-target.ts push templates/my-algo',
    );
    expect(project.targets.conformance.dependsOn).toEqual(['build']);
    expect(project.targets.build.cache).toBe(false);
    expect(project.targets.conformance.cache).toBe(false);
    expect(project.targets.build.options.command).toBe(
      'npx --no-install tsx tools/nx-plugin/src/run-target.ts build templates/my-algo',
    );
  });

  it('makes every template depend on the packages that build, check and push it (nx affected)', () => {
    expect(templateProject('templates/my-algo').implicitDependencies).toEqual(TEMPLATE_TOOLING);
    expect(TEMPLATE_TOOLING).toContain('@sagemaker-templates/registry');
  });
});
