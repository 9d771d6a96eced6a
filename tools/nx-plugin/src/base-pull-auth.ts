import type { PullAuth } from '@sagemaker-templates/engine';
import { connectEcr, getRegistryAuth, parseEcrHost } from '@sagemaker-templates/registry';

/** How long the AWS chain may take to answer before a pull goes ahead without a token. */
const TOKEN_TIMEOUT_MS = 10_000;

/**
 * An ECR token for a base image in a private ECR registry (AWS's Deep Learning Containers live in
 * account 763104351884, which any AWS account may pull from once it has a token); none for any
 * other registry. Without AWS credentials the pull goes ahead anonymously, and `note` says why,
 * so that its failure names the real cause.
 */
export async function pullAuthFor(
  reference: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ auth?: PullAuth; note?: string }> {
  const host = reference.split('/')[0] ?? '';
  const ecr = parseEcrHost(host);
  if (!ecr) return {};
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`the AWS credential chain did not answer in ${TOKEN_TIMEOUT_MS / 1000} s`),
        ),
      TOKEN_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([ecrToken(host, ecr, env), timeout]);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    return {
      note: `no ECR token for ${host} (${reason}); AWS credentials that may call ecr:GetAuthorizationToken let the engine pull it`,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function ecrToken(
  host: string,
  ecr: { accountId: string; region: string },
  env: NodeJS.ProcessEnv,
): Promise<{ auth: PullAuth }> {
  const connection = await connectEcr({
    region: ecr.region,
    regionSource: `the base image's registry ${host}`,
    env,
  });
  try {
    const token = await getRegistryAuth(connection, { accountId: ecr.accountId });
    return {
      auth: { username: token.username, password: token.password, serveraddress: host },
    };
  } finally {
    connection.client.destroy();
  }
}
