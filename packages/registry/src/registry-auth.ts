import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { EcrConnection } from './connect-ecr.ts';
import { hostOf } from './ecr-host.ts';
import { explainAwsError } from './explain-aws-error.ts';
import { PushError } from './push-error.ts';
import { redactor } from './redactor.ts';

/** Basic credentials for the registry (ECR: user `AWS` and a 12-hour token). Never print them. */
export interface RegistryAuth {
  username: string;
  password: string;
  /** The registry host the token is for, from ECR's proxyEndpoint. */
  registry: string;
  expiresAt?: Date;
}

/**
 * Gets a registry token with GetAuthorizationToken and decodes it into basic credentials; every
 * form of the token is added to the redactor, so that no message can show it.
 */
export async function getRegistryAuth(
  ecr: EcrConnection,
  { accountId }: { accountId?: string } = {},
): Promise<RegistryAuth> {
  let data;
  try {
    const out = await ecr.client.send(
      new GetAuthorizationTokenCommand(accountId ? { registryIds: [accountId] } : {}),
    );
    data = out.authorizationData?.[0];
  } catch (error) {
    throw explainAwsError(error, {
      action: 'ecr:GetAuthorizationToken',
      region: ecr.region,
      ...(accountId ? { accountId } : {}),
      ...(ecr.endpoint ? { endpoint: ecr.endpoint } : {}),
    });
  }
  if (!data?.authorizationToken || !data.proxyEndpoint) {
    throw new PushError(
      `ecr:GetAuthorizationToken in ${ecr.region} returned no token. Rerun; if it persists, check the ECR endpoint${ecr.endpoint ? ` ${ecr.endpoint}` : ''}.`,
    );
  }
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new PushError(
      `ecr:GetAuthorizationToken in ${ecr.region} returned a token that is not "user:password" in base64. Check the ECR endpoint${ecr.endpoint ? ` ${ecr.endpoint}` : ''}.`,
    );
  }
  const auth: RegistryAuth = {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    registry: hostOf(data.proxyEndpoint),
    ...(data.expiresAt ? { expiresAt: data.expiresAt } : {}),
  };
  redactor.add(data.authorizationToken, auth.password);
  return auth;
}
