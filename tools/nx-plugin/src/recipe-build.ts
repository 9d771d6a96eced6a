import { createWriteStream, type WriteStream } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExplainedError, type Platform } from '@sagemaker-templates/contract';
import {
  buildImage,
  forExit,
  ImageBuildError,
  startContainer,
  type Engine,
} from '@sagemaker-templates/engine';

/** One recipe's build: what to tag, label and pass, where the full log goes, how to report. */
export interface RecipeBuild {
  context: string;
  image: string;
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
  noCache: boolean;
  /** The platform to build for (`linux/arm64` runs its RUN steps emulated on an amd64 host). */
  platform: Platform;
  logFile: string;
  /** The command that makes this image again, for the fix in an error. */
  rerun: string;
  /** Progress lines (one per Dockerfile step). */
  say: (line: string) => void;
}

const STEP = /^Step \d+\/\d+ : /;
const LOG_LINES_IN_ERRORS = 25;
const VERIFY_TIMEOUT_MS = 300_000;

/**
 * Builds the image with the engine's classic builder: the full log to `logFile`, a short line per
 * step to `say`. The host CA is not injected: a recipe that needs it (pytorch's wheels stage)
 * puts it into its context itself, in a stage that never reaches the image.
 */
export async function buildRecipeImage(docker: Engine, build: RecipeBuild): Promise<string> {
  await mkdir(dirname(build.logFile), { recursive: true });
  const log = createWriteStream(build.logFile);
  const onLine = (line: string) => {
    log.write(`${line}\n`);
    if (STEP.test(line)) build.say(`  ${line.slice(0, 110)}`);
  };
  let imageId: string;
  try {
    ({ imageId } = await buildImage(docker, {
      context: build.context,
      tags: [build.image],
      labels: build.labels,
      buildArgs: build.buildArgs,
      noCache: build.noCache,
      platform: build.platform,
      injectHostCa: false,
      onLine,
    }));
  } catch (error) {
    await closeLog(log);
    const failure = await buildFailure(build, error);
    // The engine's own account (with the context's Dockerfile path) goes to the log only.
    await appendFile(build.logFile, `${(error as Error).message}\n`);
    throw failure;
  }
  await closeLog(log);
  return imageId;
}

const closeLog = (log: WriteStream) => new Promise<void>((done) => log.end(done));

/** The failed step and the engine's words, the end of the full log, the engine's hint, the fix. */
async function buildFailure(build: RecipeBuild, error: unknown): Promise<ExplainedError> {
  const failure = error instanceof ImageBuildError ? error.failure : undefined;
  const step = failure?.step;
  const where = step ? ` at step ${step.index}/${step.total} \`${step.instruction}\`` : '';
  const why = failure?.message ?? (error as Error).message;
  const lines = (await readFile(build.logFile, 'utf8')).trimEnd().split('\n');
  const hint = (error as Error).message.split('\n').find((line) => line.startsWith('Hint: '));
  return new ExplainedError(
    [
      `docker build of ${build.image} failed${where}: ${why}`,
      `Last lines of ${build.logFile}:`,
      ...lines.slice(-LOG_LINES_IN_ERRORS),
      ...(hint ? [hint] : []),
      `Fix the recipe (or the problem the log shows), then run again: ${build.rerun}`,
    ].join('\n'),
    { cause: error },
  );
}

/** What `uname -m` says in a container of each platform (under QEMU, the emulated machine). */
const MACHINE: Record<Platform, string> = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' };

/**
 * Runs `sh -c verify` in the new image with no network, after checking that its programs are of
 * its platform (an image labelled arm64 may hold amd64 binaries, which run here unnoticed); its
 * output as one line, or a clear error.
 */
export async function verifyImage(
  docker: Engine,
  image: string,
  verify: string,
  { rerun, platform }: { rerun: string; platform: Platform },
): Promise<string> {
  const machine = await runInImage(docker, image, platform, 'uname -m');
  if (machine.output !== MACHINE[platform]) {
    throw new ExplainedError(
      `the new ${image} is labelled ${platform} but its programs run as ${machine.output || `nothing (exit ${machine.exitCode})`}, expected ${MACHINE[platform]}. ` +
        `Its recipe fetched another architecture's files: make prepare-context.sh follow TARGET_ARCH, then run again: ${rerun} --force`,
    );
  }
  const { exitCode, timedOut, output } = await runInImage(docker, image, platform, verify);
  if (exitCode !== 0) {
    const how = timedOut
      ? `did not end within ${VERIFY_TIMEOUT_MS / 1000} s`
      : `exited with ${exitCode}`;
    throw new ExplainedError(
      `the new ${image} fails its check (VERIFY in image.conf: ${verify}): it ${how}. Output:\n${output}\n` +
        `Fix the recipe, then run again: ${rerun} --force`,
    );
  }
  return `${output.replace(/\s*\n\s*/g, ' ')} (${machine.output})`;
}

/** `sh -c script` in a container of the image with no network: its exit and trimmed output. */
async function runInImage(docker: Engine, image: string, platform: Platform, script: string) {
  await using container = await startContainer(docker, {
    image,
    platform,
    entrypoint: ['sh'],
    cmd: ['-c', script],
    networkDisabled: true,
  });
  const { exitCode, timedOut } = await container.waitFor(forExit(), VERIFY_TIMEOUT_MS);
  return { exitCode, timedOut, output: (await container.logs()).trim() };
}
