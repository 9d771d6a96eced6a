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
  const context = (action: string) => ({
    action,
    region: ecr.region,
    repository: settings.name,
    ...(settings.accountId ? { accountId: settings.accountId } : {}),
    ...(ecr.endpoint ? { endpoint: ecr.endpoint } : {}),
  });
  const registryId = settings.accountId ? { registryId: settings.accountId } : {};
  const policy = lifecyclePolicyText(settings.lifecyclePolicy);

  const existing = await describe(ecr, settings.name, registryId).catch((error: unknown) => {
    throw explainAwsError(error, context('ecr:DescribeRepositories'));
  });
  if (existing) {
    const immutable = existing.imageTagMutability?.startsWith('IMMUTABLE') ?? false;
    const differences: string[] = [];
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
    if (policy) {
      const current = await ecr.client
        .send(new GetLifecyclePolicyCommand({ repositoryName: settings.name, ...registryId }))
        .then((out) => out.lifecyclePolicyText)
        .catch((error: unknown) => {
          if ((error as { name?: string }).name === 'LifecyclePolicyNotFoundException')
            return undefined;
          throw explainAwsError(error, context('ecr:GetLifecyclePolicy'));
        });
      if (!current || !sameJson(current, policy)) {
        differences.push(
          current
            ? 'its lifecycle policy differs from template.json'
            : 'it has no lifecycle policy, template.json declares one',
        );
      }
    }
    return {
      name: settings.name,
      uri: existing.repositoryUri ?? '',
      accountId: existing.registryId ?? settings.accountId ?? '',
      created: false,
      immutable,
      differences,
    };
  }

  let created: Repository | undefined;
  try {
    created = (
      await ecr.client.send(
        new CreateRepositoryCommand({
          repositoryName: settings.name,
          ...registryId,
          imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
          imageTagMutability: settings.tagImmutability ? 'IMMUTABLE' : 'MUTABLE',
          tags: [{ Key: 'created-by', Value: 'sagemaker-templates' }],
        }),
      )
    ).repository;
  } catch (error) {
    // Another push created it meanwhile: use that one.
    if ((error as { name?: string }).name === 'RepositoryAlreadyExistsException') {
      return ensureRepository(ecr, settings);
    }
    throw explainAwsError(error, context('ecr:CreateRepository'));
  }
  if (policy) {
    await ecr.client
      .send(
        new PutLifecyclePolicyCommand({
          repositoryName: settings.name,
          ...registryId,
          lifecyclePolicyText: policy,
        }),
      )
      .catch((error: unknown) => {
        throw explainAwsError(error, context('ecr:PutLifecyclePolicy'));
      });
  }
  return {
    name: settings.name,
    uri: created?.repositoryUri ?? '',
    accountId: created?.registryId ?? settings.accountId ?? '',
    created: true,
    immutable: settings.tagImmutability,
    differences: [],
  };
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
