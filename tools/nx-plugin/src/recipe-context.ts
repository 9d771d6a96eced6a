import { spawn } from 'node:child_process';
import { access, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { ExplainedError } from '@sagemaker-templates/contract';

/** Recipe files that tell how to make the image but are not part of its build context. */
const NOT_IN_CONTEXT = new Set(['prepare-context.sh', 'image.conf']);

/** A recipe's build context in a temporary folder; `await using` removes it. */
export interface RecipeContext extends AsyncDisposable {
  dir: string;
  /** From build-args.env, when prepare-context.sh wrote one. */
  buildArgs: Record<string, string>;
}

/**
 * Copies the recipe (minus prepare-context.sh and image.conf) into a temporary folder under
 * $TMPDIR (default /var/tmp: the debian root file system needs ~300 MB), then runs
 * `bash prepare-context.sh <folder>` when the recipe has one: it adds what the build needs.
 */
export async function prepareRecipeContext(
  recipeRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RecipeContext> {
  const dir = await mkdtemp(
    join(env.TMPDIR || '/var/tmp', `sagemaker-templates-${basename(recipeRoot)}.`),
  );
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    await copyRecipe(recipeRoot, dir);
    if (await exists(join(recipeRoot, 'prepare-context.sh'))) {
      await runPrepareContext(recipeRoot, dir, env);
    }
    const buildArgs = await readBuildArgs(join(dir, 'build-args.env'));
    return { dir, buildArgs, [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** The recipe's files with their modes (the executable bit reaches the image) and symlinks as they are. */
export async function copyRecipe(recipeRoot: string, dir: string): Promise<void> {
  await cp(recipeRoot, dir, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => !NOT_IN_CONTEXT.has(relative(recipeRoot, source)),
  });
}

/** `KEY=VALUE` lines, as `docker build --build-arg` takes them; blank lines are skipped. */
export function parseBuildArgs(text: string, file: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) {
      throw new ExplainedError(
        `${file} line ${index + 1} is not KEY=VALUE: ${JSON.stringify(line)}. Fix the prepare-context.sh that writes it.`,
      );
    }
    args[match[1] ?? ''] = match[2] ?? '';
  }
  return args;
}

async function readBuildArgs(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? {} : parseBuildArgs(text, file);
}

function runPrepareContext(recipeRoot: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const script = join(recipeRoot, 'prepare-context.sh');
  return new Promise((done, fail) => {
    const child = spawn('bash', [script, dir], { stdio: 'inherit', env });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (code === 0) return done();
      fail(
        new ExplainedError(
          `${script} failed (${signal ?? `exit code ${code}`}; its output is above). Fix what it says, then run the build again.`,
        ),
      );
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
