import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  PutLifecyclePolicyCommand,
  type Repository,
} from '@aws-sdk/client-ecr';
import type { EcrConnection } from './connect-ecr.ts';
import { explainAwsError } from './explain-aws-error.ts';
import { lifecyclePolicyText, type LifecycleSettings } from './lifecycle-policy.ts';

/** The repository a template is pushed to, and how it is created when missing. */
export interface RepositorySettings {
  name: string;
  /** The account whose registry holds it; default: the caller's. */
  accountId?: string;
  scanOnPush: boolean;
  tagImmutability: boolean;
  lifecyclePolicy?: LifecycleSettings;
}

export interface EnsuredRepository {
  name: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` as ECR reports it. */
  uri: string;
  accountId: string;
  created: boolean;
  /** The repository's actual tag mutability (an existing one keeps its own). */
  immutable: boolean;
  /** Settings of an existing repository that differ from the declared ones: reported, never changed. */
  differences: string[];
}

/**
 * Finds the repository, or creates it with scan on push, the declared tag mutability and lifecycle
 * policy. An existing repository is left as it is (it may be managed elsewhere, e.g. by Terraform);
 * where it differs from the declaration, `differences` says how.
 */
export async function ensureRepository(
  ecr: EcrConnection,
  settings: RepositorySettings,
): Promise<EnsuredRepository> {
  const call = ecrCall(ecr, settings);
  const existing = await describe(ecr, settings.name, call.registryId).catch((error: unknown) => {
    throw call.explain(error, 'ecr:DescribeRepositories');
  });
  if (existing) {
    return {
      name: settings.name,
      uri: existing.repositoryUri ?? '',
      accountId: existing.registryId ?? settings.accountId ?? '',
      created: false,
      immutable: existing.imageTagMutability?.startsWith('IMMUTABLE') ?? false,
      differences: await differencesOf(ecr, existing, settings, call),
    };
  }
  const created = await createRepository(ecr, settings, call);
  if (created === 'exists') return ensureRepository(ecr, settings);
  return {
    name: settings.name,
    uri: created?.repositoryUri ?? '',
    accountId: created?.registryId ?? settings.accountId ?? '',
    created: true,
    immutable: settings.tagImmutability,
    differences: [],
  };
}

/** What every ECR call about this repository shares: its registry id and how a failure is explained. */
interface EcrCall {
  registryId: { registryId?: string };
  explain(error: unknown, action: string): Error;
}

function ecrCall(ecr: EcrConnection, settings: RepositorySettings): EcrCall {
  return {
    registryId: settings.accountId ? { registryId: settings.accountId } : {},
    explain: (error, action) =>
      explainAwsError(error, {
        action,
        region: ecr.region,
        repository: settings.name,
        ...(settings.accountId ? { accountId: settings.accountId } : {}),
        ...(ecr.endpoint ? { endpoint: ecr.endpoint } : {}),
      }),
  };
}

/** How an existing repository differs from what template.json declares (reported, never changed). */
async function differencesOf(
  ecr: EcrConnection,
  existing: Repository,
  settings: RepositorySettings,
  call: EcrCall,
): Promise<string[]> {
  const differences: string[] = [];
  const immutable = existing.imageTagMutability?.startsWith('IMMUTABLE') ?? false;
  if (immutable !== settings.tagImmutability) {
    differences.push(
      `tag mutability is ${existing.imageTagMutability}, template.json asks for ${settings.tagImmutability ? 'IMMUTABLE' : 'MUTABLE'}`,
    );
  }
  const scan = existing.imageScanningConfiguration?.scanOnPush ?? false;
  if (scan !== settings.scanOnPush) {
    differences.push(
      `scan on push is ${scan ? 'on' : 'off'}, template.json asks for ${settings.scanOnPush ? 'on' : 'off'}`,
    );
  }
  const policy = lifecyclePolicyText(settings.lifecyclePolicy);
  if (!policy) return differences;
  const current = await ecr.client
    .send(new GetLifecyclePolicyCommand({ repositoryName: settings.name, ...call.registryId }))
    .then((out) => out.lifecyclePolicyText)
    .catch((error: unknown) => {
      if ((error as { name?: string }).name === 'LifecyclePolicyNotFoundException')
        return undefined;
      throw call.explain(error, 'ecr:GetLifecyclePolicy');
    });
  if (!current || !sameJson(current, policy)) {
    differences.push(
      current
        ? 'its lifecycle policy differs from template.json'
        : 'it has no lifecycle policy, template.json declares one',
    );
  }
  return differences;
}

/** Creates the repository with its lifecycle policy; `exists` when another push created it meanwhile. */
async function createRepository(
  ecr: EcrConnection,
  settings: RepositorySettings,
  call: EcrCall,
): Promise<Repository | undefined | 'exists'> {
  let created: Repository | undefined;
  try {
    const command = new CreateRepositoryCommand({
      repositoryName: settings.name,
      ...call.registryId,
      imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
      imageTagMutability: settings.tagImmutability ? 'IMMUTABLE' : 'MUTABLE',
      tags: [{ Key: 'created-by', Value: 'sagemaker-templates' }],
    });
    created = (await ecr.client.send(command)).repository;
  } catch (error) {
    if ((error as { name?: string }).name === 'RepositoryAlreadyExistsException') return 'exists';
    throw call.explain(error, 'ecr:CreateRepository');
  }
  const policy = lifecyclePolicyText(settings.lifecyclePolicy);
  if (policy) {
    const command = new PutLifecyclePolicyCommand({
      repositoryName: settings.name,
      ...call.registryId,
      lifecyclePolicyText: policy,
    });
    await ecr.client.send(command).catch((error: unknown) => {
      throw call.explain(error, 'ecr:PutLifecyclePolicy');
    });
  }
  return created;
}

async function describe(
  ecr: EcrConnection,
  name: string,
  registryId: { registryId?: string },
): Promise<Repository | undefined> {
  try {
    const out = await ecr.client.send(
      new DescribeRepositoriesCommand({ repositoryNames: [name], ...registryId }),
    );
    return out.repositories?.[0];
  } catch (error) {
    if ((error as { name?: string }).name === 'RepositoryNotFoundException') return undefined;
    throw error;
  }
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}
