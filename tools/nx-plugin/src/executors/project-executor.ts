import type { ExecutorContext } from '@nx/devkit';
import { ExplainedError } from '@sagemaker-templates/contract';

export interface ExecutorResult {
  success: boolean;
}

/** The target's work on one project: true when it succeeded. */
export type TargetWork<Options> = (projectRoot: string, options: Options) => Promise<boolean>;

/**
 * Turns a target's work into an Nx executor (templates' targets and base images' build). The work runs in the workspace root, so the paths
 * users pass (`--model`, `--channel`), `.cache/` and `reports/` mean what they meant when the
 * targets were shell commands run there. An ExplainedError is printed as its message alone (it
 * says what, where and the fix); anything else is a defect and keeps its stack.
 */
export function projectExecutor<Options>(
  work: TargetWork<Options>,
  redact: (text: string) => string = (text) => text,
): (options: Options, context: ExecutorContext) => Promise<ExecutorResult> {
  return async (options, context) => {
    const label = `${context.projectName}:${context.targetName}`;
    const project = context.projectsConfigurations.projects[context.projectName ?? ''];
    if (!project) {
      console.error(`[${label}] no such project in this workspace. Run npx nx show projects.`);
      return { success: false };
    }
    process.chdir(context.root);
    try {
      return { success: await work(project.root, options) };
    } catch (error) {
      const text =
        error instanceof ExplainedError ? error.message : ((error as Error).stack ?? String(error));
      console.error(redact(`[${label}] ${text}`));
      return { success: false };
    }
  };
}
