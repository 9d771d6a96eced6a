import { ECRClient } from '@aws-sdk/client-ecr';
import { explainAwsError } from './explain-aws-error.ts';
import { PushError } from './push-error.ts';
import { redactor } from './redactor.ts';
import { assertRegion } from './region.ts';

/** Where the ECR API is and who calls it. */
export interface ConnectEcrOptions {
  /** Wins over the SDK's chain (AWS_REGION, the profile's region) and AWS_DEFAULT_REGION. */
  region?: string;
  /** Where `region` came from, for messages (e.g. `--region`, `push.region in templates/x/template.json`). */
  regionSource?: string;
  /** ECR API endpoint, e.g. a VPC endpoint or an emulator; otherwise the SDK's (AWS_ENDPOINT_URL_ECR works too). */
  endpoint?: string;
  env?: NodeJS.ProcessEnv;
  /** For tests: a client to use instead of a new one. */
  client?: ECRClient;
}

/** An ECR client whose region and credentials are known to resolve. */
export interface EcrConnection {
  client: ECRClient;
  region: string;
  /** The custom API endpoint in use, if any, for messages. */
  endpoint?: string;
}

/**
 * Creates an ECR client from the standard AWS chain (environment, shared config and credentials
 * files, SSO, web identity, container and instance roles) and resolves region and credentials at
 * once, so that a missing one is reported before anything is built.
 */
export async function connectEcr(options: ConnectEcrOptions = {}): Promise<EcrConnection> {
  const env = options.env ?? process.env;
  const endpoint = options.endpoint ?? env.AWS_ENDPOINT_URL_ECR ?? env.AWS_ENDPOINT_URL;
  let region = options.region;
  let source = options.regionSource ?? 'the region';
  let client =
    options.client ??
    new ECRClient({
      ...(region ? { region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
  if (!region) {
    region = await client.config.region().catch(() => undefined);
    source = 'the AWS region (AWS_REGION or the profile in ~/.aws/config)';
    // The SDK does not read AWS_DEFAULT_REGION, which the AWS CLI and many CI setups use.
    if (!region && env.AWS_DEFAULT_REGION) {
      region = env.AWS_DEFAULT_REGION;
      source = 'AWS_DEFAULT_REGION';
      client.destroy();
      client = new ECRClient({
        region,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      });
    }
  }
  if (!region) {
    throw new PushError(
      'No AWS region is set for the push. Pass --region, set push.region in template.json, or set AWS_REGION (or region in your AWS profile).',
    );
  }
  assertRegion(region, source);
  try {
    const credentials = await client.config.credentials();
    redactor.add(credentials.secretAccessKey, credentials.sessionToken);
  } catch (error) {
    throw explainAwsError(error, {
      action: 'ecr:GetAuthorizationToken',
      region,
      ...(endpoint ? { endpoint } : {}),
    });
  }
  return { client, region, ...(endpoint ? { endpoint } : {}) };
}
