import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExplainedError } from '@sagemaker-templates/contract';
import { projectExecutor } from './project-executor.ts';

const context = {
  root: process.cwd(),
  projectName: 'node',
  targetName: 'push',
  projectsConfigurations: { version: 2, projects: { node: { root: 'templates/node' } } },
} as never;

describe('projectExecutor', () => {
  let errors: string[];
  beforeEach(() => {
    errors = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
  });
  afterEach(() => vi.restoreAllMocks());

  it("runs the work on the project's root and reports its outcome", async () => {
    const seen: string[] = [];
    const run = projectExecutor(async (root: string) => (seen.push(root), true));
    expect(await run({}, context)).toEqual({ success: true });
    expect(seen).toEqual(['templates/node']);
    expect(await projectExecutor(async () => false)({}, context)).toEqual({ success: false });
  });

  it('prints an explained error as its message alone, redacted, and anything else with its stack', async () => {
    const explained = projectExecutor(
      async () => {
        throw new (class extends ExplainedError {})('the token s3cret expired. Log in again.');
      },
      (text) => text.replace('s3cret', '***'),
    );
    expect(await explained({}, context)).toEqual({ success: false });
    expect(errors).toEqual(['[node:push] the token *** expired. Log in again.']);
    const defect = projectExecutor(async () => {
      throw new TypeError('x is undefined');
    });
    await defect({}, context);
    expect(errors[1]).toMatch(/^\[node:push\] TypeError: x is undefined\n\s+at /);
  });
});
