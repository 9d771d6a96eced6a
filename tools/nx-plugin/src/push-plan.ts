import { parseArgs } from 'node:util';
import type { TemplateManifest } from '@sagemaker-templates/contract';
import {
  assertRegion,
  assertRegistryHost,
  assertRepositoryName,
  DEFAULT_RETRY_POLICY,
  type RepositorySettings,
  type RetryPolicy,
} from '@sagemaker-templates/registry';

/** Wrong options on the command line or in the environment. */
export class PushUsageError extends Error {
  override name = 'PushUsageError';
}

export const PUSH_USAGE = `Options of the push target (npx nx run <template>:push [options]):
  --region REGION          AWS region (default: push.region, then AWS_REGION / the profile, then AWS_DEFAULT_REGION)
  --account ID             12-digit account whose registry holds the repository (default: push.account, then the credentials')
  --repository NAME        ECR repository name, not a URI (default: push.repository, then sagemaker-templates/<folder>)
  --latest, --no-latest    also move the latest tag (default: push.latest)
  --registry HOST[:PORT]   push through this registry host instead of ECR's (a mirror, a VPC endpoint, a test registry);
                           also SAGEMAKER_TEMPLATES_PUSH_REGISTRY
  --ecr-endpoint URL       ECR API endpoint (also AWS_ENDPOINT_URL_ECR)
  --allow-offline-base     push an image built on an offline stand-in base (for test registries only);
                           also SAGEMAKER_TEMPLATES_PUSH_ALLOW_OFFLINE_BASE=true
  --retries N              attempts against the registry before giving up (default 5; SAGEMAKER_TEMPLATES_PUSH_RETRIES)`;

/** The push target's command-line options. */
export interface PushCliOptions {
  region?: string;
  account?: string;
  repository?: string;
  registry?: string;
  ecrEndpoint?: string;
  latest?: boolean;
  allowOfflineBase?: boolean;
  retries?: number;
}

const BOOLEANS = ['latest', 'no-latest', 'allow-offline-base'];

/** Parses the options Nx forwards (`--x value`, `--x=value`, `--flag`, `--flag=true|false`). */
export function parsePushArgs(argv: string[]): PushCliOptions {
  // Nx forwards booleans as --flag=true; parseArgs wants a bare --flag.
  const args = argv.flatMap((arg) => {
    const match = /^--([a-z-]+)=(true|false)$/.exec(arg);
    if (!match || !BOOLEANS.includes(match[1] ?? '')) return [arg];
    if (match[2] === 'true') return [`--${match[1]}`];
    return match[1] === 'latest' ? ['--no-latest'] : [];
  });
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        region: { type: 'string' },
        account: { type: 'string' },
        repository: { type: 'string' },
        registry: { type: 'string' },
        'ecr-endpoint': { type: 'string' },
        latest: { type: 'boolean' },
        'no-latest': { type: 'boolean' },
        'allow-offline-base': { type: 'boolean' },
        retries: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new PushUsageError(`${(error as Error).message}\n\n${PUSH_USAGE}`);
  }
  if (values.latest && values['no-latest']) {
    throw new PushUsageError('--latest and --no-latest contradict each other. Pass one of them.');
  }
  const retries = values.retries === undefined ? undefined : Number(values.retries);
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 1 || retries > 20)) {
    throw new PushUsageError(
      `--retries is ${JSON.stringify(values.retries)}; use a whole number from 1 to 20.`,
    );
  }
  return {
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(values.account !== undefined ? { account: values.account } : {}),
    ...(values.repository !== undefined ? { repository: values.repository } : {}),
    ...(values.registry !== undefined ? { registry: values.registry } : {}),
    ...(values['ecr-endpoint'] !== undefined ? { ecrEndpoint: values['ecr-endpoint'] } : {}),
    ...(values.latest ? { latest: true } : values['no-latest'] ? { latest: false } : {}),
    ...(values['allow-offline-base'] ? { allowOfflineBase: true } : {}),
    ...(retries !== undefined ? { retries } : {}),
  };
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
}

/** The default repository of a template folder: the same name as its local image. */
export const defaultRepositoryName = (folder: string) => `sagemaker-templates/${folder}`;

/** Merges command-line options over template.json's `push` over the defaults, and checks the result. */
export function resolvePushPlan(args: {
  name: string;
  manifestPath: string;
  manifest: TemplateManifest;
  cli: PushCliOptions;
  env?: NodeJS.ProcessEnv;
}): PushPlan {
  const { name, manifestPath, manifest, cli } = args;
  const env = args.env ?? process.env;
  const push = manifest.push;
  const inManifest = (field: string) => `push.${field} in ${manifestPath}`;

  const repository = cli.repository
    ? assertRepositoryName(cli.repository, '--repository')
    : push.repository
      ? assertRepositoryName(push.repository, inManifest('repository'))
      : defaultRepositoryName(name);
  const region = cli.region
    ? assertRegion(cli.region, '--region')
    : push.region
      ? assertRegion(push.region, inManifest('region'))
      : undefined;
  const account = cli.account ?? push.account;
  if (cli.account !== undefined && !/^\d{12}$/.test(cli.account)) {
    throw new PushUsageError(
      `--account is ${JSON.stringify(cli.account)}; an AWS account id has 12 digits (aws sts get-caller-identity shows yours).`,
    );
  }
  const registryValue = cli.registry ?? env.SAGEMAKER_TEMPLATES_PUSH_REGISTRY;
  const registry = registryValue
    ? assertRegistryHost(
        registryValue,
        cli.registry ? '--registry' : 'SAGEMAKER_TEMPLATES_PUSH_REGISTRY',
      )
    : undefined;
  const latest = cli.latest ?? push.latest;
  if (latest && push.tagImmutability) {
    throw new PushUsageError(
      `${manifestPath} asks for the latest tag and for immutable tags: ECR cannot move latest in an immutable repository. Set push.latest or push.tagImmutability to false.`,
    );
  }
  const attempts =
    cli.retries ??
    positive(env.SAGEMAKER_TEMPLATES_PUSH_RETRIES, 'SAGEMAKER_TEMPLATES_PUSH_RETRIES');
  const baseDelayMs = positive(
    env.SAGEMAKER_TEMPLATES_PUSH_BACKOFF_MS,
    'SAGEMAKER_TEMPLATES_PUSH_BACKOFF_MS',
  );
  return {
    repository: {
      name: repository,
      ...(account ? { accountId: account } : {}),
      scanOnPush: push.scanOnPush,
      tagImmutability: push.tagImmutability,
      ...(push.lifecyclePolicy ? { lifecyclePolicy: push.lifecyclePolicy } : {}),
    },
    ...(region ? { region, regionSource: cli.region ? '--region' : inManifest('region') } : {}),
    ...(cli.ecrEndpoint ? { ecrEndpoint: cli.ecrEndpoint } : {}),
    ...(registry ? { registry } : {}),
    tags: latest ? [manifest.version, 'latest'] : [manifest.version],
    allowOfflineBase:
      cli.allowOfflineBase ?? env.SAGEMAKER_TEMPLATES_PUSH_ALLOW_OFFLINE_BASE === 'true',
    retry: {
      ...DEFAULT_RETRY_POLICY,
      ...(attempts ? { attempts } : {}),
      ...(baseDelayMs ? { baseDelayMs, maxDelayMs: baseDelayMs * 16 } : {}),
    },
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
