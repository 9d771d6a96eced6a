import {
  inputDataConfig as fileModeInputDataConfig,
  paths,
  resourceConfig as defaultResourceConfig,
} from '@sagemaker-templates/contract';
import type {
  Hyperparameters,
  InputDataConfig,
  ResourceConfig,
} from '@sagemaker-templates/contract';
import type Docker from 'dockerode';
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compareCodeUnits } from './context-files.ts';
import type { MountSpec } from './copied-mounts.ts';
import { startContainer } from './start-container.ts';

/** What goes into a synthetic /opt/ml tree. */
export interface OptMlTreeOptions {
  /** hyperparameters.json; default `{}`. */
  hyperparameters?: Hyperparameters;
  /** inputdataconfig.json; default: a File-mode entry per channel. */
  inputDataConfig?: InputDataConfig;
  /** resourceconfig.json; default: a single host `algo-1`. */
  resourceConfig?: ResourceConfig;
  /** Channel name to a host file or folder, copied into input/data/<channel>/. */
  channels?: Record<string, string>;
  /** Host folder whose contents are copied into model/ (or a single file copied into it). */
  model?: string;
  /** Where the temporary folder is made; default the OS temp folder. */
  parentDir?: string;
  /**
   * Image and engine for a throwaway root container that makes files written by containers
   * removable when this process is not root and cannot delete them; unused when it is root.
   */
  cleanup?: { docker: Docker; image: string };
}

/** Which /opt/ml folders {@link OptMlTree.binds} mounts and how. */
export interface OptMlBindOptions {
  readOnlyModel?: boolean;
  /** Mount every channel folder read-only on top of a writable /opt/ml/input. */
  readOnlyChannels?: boolean;
  /** Default all three; serving containers get only `model` on SageMaker. */
  include?: ReadonlyArray<'input' | 'model' | 'output'>;
}

const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A temporary host folder laid out as SageMaker's /opt/ml, writable by any container user; `await using` deletes it. */
export class OptMlTree implements AsyncDisposable {
  readonly inputDir: string;
  readonly configDir: string;
  readonly dataDir: string;
  readonly modelDir: string;
  readonly outputDir: string;
  readonly outputDataDir: string;
  readonly failurePath: string;
  private disposed = false;

  private constructor(
    readonly root: string,
    readonly channels: readonly string[],
    private readonly cleanup: OptMlTreeOptions['cleanup'],
  ) {
    this.inputDir = path.join(root, 'input');
    this.configDir = path.join(root, 'input', 'config');
    this.dataDir = path.join(root, 'input', 'data');
    this.modelDir = path.join(root, 'model');
    this.outputDir = path.join(root, 'output');
    this.outputDataDir = path.join(root, 'output', 'data');
    this.failurePath = path.join(root, 'output', 'failure');
  }

  /** Makes the folder: input/config/*.json, input/data/<channel>/ with copies of the sources, model/, output/, output/data/. */
  static async create(options: OptMlTreeOptions = {}): Promise<OptMlTree> {
    const channels = options.channels ?? {};
    for (const [name, source] of Object.entries(channels)) {
      if (!CHANNEL_NAME.test(name))
        throw new Error(
          `Channel name "${name}" is not a folder name SageMaker accepts. Use letters, digits, ".", "_" and "-".`,
        );
      if (!(await stat(source).catch(() => undefined)))
        throw new Error(
          `Channel "${name}" source ${source} does not exist. Point it at a fixture file or folder.`,
        );
    }
    if (options.model !== undefined && !(await stat(options.model).catch(() => undefined))) {
      throw new Error(
        `Model source ${options.model} does not exist. Point it at a folder of model artifacts.`,
      );
    }

    const root = await mkdtemp(path.join(options.parentDir ?? tmpdir(), 'opt-ml-'));
    const tree = new OptMlTree(root, Object.keys(channels), options.cleanup);
    try {
      for (const dir of [tree.configDir, tree.dataDir, tree.modelDir, tree.outputDataDir])
        await mkdir(dir, { recursive: true });
      const config = {
        hyperparameters: options.hyperparameters ?? {},
        inputdataconfig:
          options.inputDataConfig ??
          fileModeInputDataConfig(
            Object.fromEntries(Object.keys(channels).map((name) => [name, {}])),
          ),
        resourceconfig: options.resourceConfig ?? defaultResourceConfig('algo-1'),
      };
      for (const [name, value] of Object.entries(config))
        await writeFile(path.join(tree.configDir, `${name}.json`), JSON.stringify(value));
      for (const [name, source] of Object.entries(channels))
        await copyInto(source, tree.channelDir(name));
      if (options.model !== undefined) await copyInto(options.model, tree.modelDir);
      await makeWorldWritable(root);
      await chmod(root, 0o755);
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
    return tree;
  }

  /** Host folder of a channel: input/data/<name>. */
  channelDir(name: string): string {
    return path.join(this.dataDir, name);
  }

  /**
   * Docker `Binds` mounting this tree at /opt/ml, for an engine that shares this file system only:
   * pass {@link mounts} to startContainer instead, which also works for a remote engine.
   */
  binds(options: OptMlBindOptions = {}): string[] {
    return this.mounts(options).map(
      (mount) => `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`,
    );
  }

  /**
   * This tree at /opt/ml for startContainer's `mounts`: bound, or copied for a remote engine, where
   * model/ and output/ (what the host reads afterwards) are copied back once the container stops.
   */
  mounts({
    readOnlyModel = false,
    readOnlyChannels = false,
    include = ['input', 'model', 'output'],
  }: OptMlBindOptions = {}): MountSpec[] {
    const mounts: MountSpec[] = [];
    if (include.includes('input')) {
      mounts.push({ source: this.inputDir, target: paths.input });
      if (readOnlyChannels)
        for (const name of this.channels)
          mounts.push({
            source: this.channelDir(name),
            target: `${paths.data}/${name}`,
            readOnly: true,
          });
    }
    if (include.includes('model'))
      mounts.push({
        source: this.modelDir,
        target: paths.model,
        readOnly: readOnlyModel,
        copyBack: !readOnlyModel,
      });
    if (include.includes('output'))
      mounts.push({ source: this.outputDir, target: paths.output, copyBack: true });
    return mounts;
  }

  /** Contents of output/failure, or undefined when the container wrote none. */
  async readFailure(): Promise<string | undefined> {
    try {
      return await readFile(this.failurePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Sorted POSIX paths of the files under model/. */
  listModelFiles(): Promise<string[]> {
    return listFiles(this.modelDir);
  }

  /** Sorted POSIX paths of the files under output/data/. */
  listOutputDataFiles(): Promise<string[]> {
    return listFiles(this.outputDataDir);
  }

  /** Deletes the folder, including files containers wrote as root; safe to call more than once. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    try {
      await rm(this.root, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'EACCES' && code !== 'EPERM') || !this.cleanup) {
        throw new Error(
          `Cannot delete ${this.root} (${code ?? 'error'}): containers wrote files this user cannot remove. Remove it as root, or pass \`cleanup\` to OptMlTree.create.`,
          { cause: error },
        );
      }
      await this.chmodInContainer(this.cleanup);
      await rm(this.root, { recursive: true, force: true, maxRetries: 3 });
    }
    this.disposed = true;
  }

  /** Deletes the folder (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private async chmodInContainer({
    docker,
    image,
  }: {
    docker: Docker;
    image: string;
  }): Promise<void> {
    await using helper = await startContainer(docker, {
      image,
      entrypoint: ['/bin/sh', '-c'],
      cmd: ['chmod -R a+rwX /tree'],
      user: '0',
      binds: [`${this.root}:/tree`],
      networkDisabled: true,
    });
    const exit = await helper.waitForExit(60_000);
    if (exit.exitCode !== 0)
      throw new Error(
        `Cleaning ${this.root} with a container of ${image} failed (exit ${exit.exitCode}). Remove it as root.`,
      );
  }
}

async function copyInto(source: string, destination: string): Promise<void> {
  await mkdir(destination, { recursive: true });
  const target = (await stat(source)).isDirectory()
    ? destination
    : path.join(destination, path.basename(source));
  await cp(source, target, { recursive: true, dereference: true, force: true });
}

async function makeWorldWritable(dir: string): Promise<void> {
  await chmod(dir, 0o777);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWorldWritable(full);
    else if (entry.isFile()) await chmod(full, (await stat(full)).mode & 0o111 ? 0o777 : 0o666);
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  async function walk(current: string, prefix: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path.join(current, entry.name), relative);
      else files.push(relative);
    }
  }
  await walk(dir, '');
  return files.sort(compareCodeUnits);
}
