import { ExplainedError, type TemplateManifest } from '@sagemaker-templates/contract';
import {
  assertRegion,
  assertRegistryHost,
  assertRepositoryName,
  DEFAULT_RETRY_POLICY,
  type RepositorySettings,
  type RetryPolicy,
} from '@sagemaker-templates/registry';
import { passMaxAgeMs } from './registry-passes.ts';

/** Wrong options on the command line or in the environment. */
export class PushUsageError extends ExplainedError {
  override name = 'PushUsageError';
}

/**
 * Options of the push target, as Nx hands them over after checking them against
 * src/executors/push/schema.json (which describes each one for --help).
 */
export interface PushOptions {
  region?: string;
  /** A number when given as digits on the command line: Nx parses those as numbers. */
  account?: string | number;
  repository?: string;
  registry?: string;
  'ecr-endpoint'?: string;
  latest?: boolean;
  'allow-offline-base'?: boolean;
  retries?: number;
  force?: boolean;
  'pass-max-age'?: string;
}

/** Everything a push needs to know, validated and with every default applied. */
export interface PushPlan {
  repository: RepositorySettings;
  /** Explicit region (option or template.json); undefined: the AWS chain decides. */
  region?: string;
  regionSource?: string;
  ecrEndpoint?: string;
  /** Registry host to push through instead of ECR's. */
  registry?: string;
  /** Human-facing tags, in the order they are moved: the version, then latest. */
  tags: string[];
  allowOfflineBase: boolean;
  retry: RetryPolicy;
  /** Run the suite even if a pass is recorded here or in the registry. */
  force: boolean;
  /** How old a recorded pass may be and still count. */
  passMaxAgeMs: number;
}

/** The default repository of a template folder: the same name as its local image. */
export const defaultRepositoryName = (folder: string) => `sagemaker-templates/${folder}`;

interface PlanInputs {
  name: string;
  manifestPath: string;
  manifest: TemplateManifest;
  options: PushOptions;
  env?: NodeJS.ProcessEnv;
}

/** Merges the target's options over template.json's `push` over the defaults, and checks the result. */
export function resolvePushPlan(inputs: PlanInputs): PushPlan {
  const { manifestPath, manifest, options } = inputs;
  const env = inputs.env ?? process.env;
  const push = manifest.push;
  const account = options.account === undefined ? push.account : String(options.account);
  if (options.account !== undefined && !/^\d{12}$/.test(String(options.account))) {
    throw new PushUsageError(
      `--account is ${JSON.stringify(String(options.account))}; an AWS account id has 12 digits (aws sts get-caller-identity shows yours).`,
    );
  }
  const latest = options.latest ?? push.latest;
  if (latest && push.tagImmutability) {
    throw new PushUsageError(
      `${manifestPath} asks for the latest tag and for immutable tags: ECR cannot move latest in an immutable repository. Set push.latest or push.tagImmutability to false.`,
    );
  }
  const region = chooseRegion(inputs);
  const registry = chooseRegistry(options, env);
  return {
    repository: {
      name: chooseRepository(inputs),
      ...(account ? { accountId: account } : {}),
      scanOnPush: push.scanOnPush,
      tagImmutability: push.tagImmutability,
      ...(push.lifecyclePolicy ? { lifecyclePolicy: push.lifecyclePolicy } : {}),
    },
    ...region,
    ...(options['ecr-endpoint'] ? { ecrEndpoint: options['ecr-endpoint'] } : {}),
    ...(registry ? { registry } : {}),
    tags: latest ? [manifest.version, 'latest'] : [manifest.version],
    allowOfflineBase:
      options['allow-offline-base'] === true ||
      env.SAGEMAKER_TEMPLATES_PUSH_ALLOW_OFFLINE_BASE === 'true',
    retry: retryPolicy(options, env),
    force: options.force === true || env.SAGEMAKER_TEMPLATES_FORCE_CONFORMANCE === 'true',
    passMaxAgeMs: passMaxAgeMs(options['pass-max-age'], env),
  };
}

const inManifest = (manifestPath: string, field: string) => `push.${field} in ${manifestPath}`;

function chooseRepository({ name, manifestPath, manifest, options }: PlanInputs): string {
  if (options.repository) return assertRepositoryName(options.repository, '--repository');
  const configured = manifest.push.repository;
  if (configured) return assertRepositoryName(configured, inManifest(manifestPath, 'repository'));
  return defaultRepositoryName(name);
}

function chooseRegion({ manifestPath, manifest, options }: PlanInputs) {
  if (options.region) {
    return { region: assertRegion(options.region, '--region'), regionSource: '--region' };
  }
  if (!manifest.push.region) return {};
  const where = inManifest(manifestPath, 'region');
  return { region: assertRegion(manifest.push.region, where), regionSource: where };
}

function chooseRegistry(options: PushOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (options.registry) return assertRegistryHost(options.registry, '--registry');
  const fromEnv = env.SAGEMAKER_TEMPLATES_PUSH_REGISTRY;
  return fromEnv ? assertRegistryHost(fromEnv, 'SAGEMAKER_TEMPLATES_PUSH_REGISTRY') : undefined;
}

function retryPolicy(options: PushOptions, env: NodeJS.ProcessEnv): RetryPolicy {
  const attempts =
    options.retries ??
    positive(env.SAGEMAKER_TEMPLATES_PUSH_RETRIES, 'SAGEMAKER_TEMPLATES_PUSH_RETRIES');
  const baseDelayMs = positive(
    env.SAGEMAKER_TEMPLATES_PUSH_BACKOFF_MS,
    'SAGEMAKER_TEMPLATES_PUSH_BACKOFF_MS',
  );
  return {
    ...DEFAULT_RETRY_POLICY,
    ...(attempts ? { attempts } : {}),
    ...(baseDelayMs ? { baseDelayMs, maxDelayMs: baseDelayMs * 16 } : {}),
  };
}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new PushUsageError(
      `${name} is ${JSON.stringify(value)}; use a whole number of at least 1.`,
    );
  }
  return number;
}
