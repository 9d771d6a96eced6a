import { ExplainedError } from '@sagemaker-templates/contract';
import { connectEcr } from './connect-ecr.ts';
import { DistributionClient } from './distribution-client.ts';
import { parseEcrHost } from './ecr-host.ts';
import { openPassRecordStore, type PassRecordStore } from './pass-record-store.ts';

/** A pushed image's reference: `host[:port]/repository(:tag|@digest)`. */
export interface ImageUri {
  registry: string;
  repository: string;
  /** A tag or a `sha256:` digest; `latest` when the URI names neither, as Docker does. */
  reference: string;
}

const URI =
  /^([a-z0-9.-]+(?::\d+)?)\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::([A-Za-z0-9_][A-Za-z0-9._-]{0,127})|@(sha256:[a-f0-9]{64}))?$/;

/** Parses a registry URI; a local image name or a malformed URI is refused with an example. */
export function parseImageUri(text: string): ImageUri {
  const match = URI.exec(text.trim());
  const host = match?.[1] ?? '';
  if (!match || !(host.includes('.') || host.includes(':') || host === 'localhost'))
    throw new ExplainedError(
      `--image is ${JSON.stringify(text)}; give the image's registry URI, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-templates/node:1.0.0 (or @sha256:...).`,
    );
  return {
    registry: host,
    repository: match[2] ?? '',
    reference: match[3] ?? match[4] ?? 'latest',
  };
}

/**
 * The pass records of an image's repository: an ECR URI with a token from the AWS chain (for its
 * account and region), any other registry anonymously. `via` reaches the same registry through
 * another host (a mirror, a test registry), as a push's --registry does.
 */
export async function openImageStore(
  uri: ImageUri,
  options: { env?: NodeJS.ProcessEnv; via?: string } = {},
): Promise<{ store: PassRecordStore; close: () => void }> {
  const ecrHost = parseEcrHost(uri.registry);
  const via = options.via ? { registry: options.via } : {};
  if (!ecrHost) {
    const registry = options.via ?? uri.registry;
    const client = new DistributionClient({ registry });
    return { store: { client, registry, repository: uri.repository }, close: () => undefined };
  }
  const ecr = await connectEcr({
    region: ecrHost.region,
    regionSource: `the image URI ${uri.registry}`,
    ...(options.env ? { env: options.env } : {}),
  });
  try {
    const store = await openPassRecordStore(ecr, {
      repository: uri.repository,
      accountId: ecrHost.accountId,
      ...via,
    });
    return { store, close: () => ecr.client.destroy() };
  } catch (error) {
    ecr.client.destroy();
    throw error;
  }
}
