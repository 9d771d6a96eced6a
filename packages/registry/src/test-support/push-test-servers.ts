import { startLocalRegistry, type LocalRegistry } from './local-registry.ts';
import { startMotoServer, type MotoServer } from './moto-server.ts';

/** moto for the ECR API and a local registry that accepts moto's token, plus the environment that points a push at them. */
export interface PushTestServers {
  moto: MotoServer;
  registry: LocalRegistry;
  region: string;
  /**
   * Environment for a push: dummy credentials (moto accepts any), the ECR endpoint, the registry
   * host, no instance metadata lookups (they would leave this machine), no notice about Node.js versions.
   */
  env: Record<string, string>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Fake secret values, to check that no output shows them. */
export const TEST_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYTESTSECRETKEY';
export const TEST_SESSION_TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789';

export async function startPushTestServers({
  region = 'eu-west-1',
} = {}): Promise<PushTestServers> {
  const moto = await startMotoServer();
  let registry: LocalRegistry;
  try {
    registry = await startLocalRegistry({ password: moto.registryPassword });
  } catch (error) {
    await moto.close();
    throw error;
  }
  const close = async () => {
    await Promise.allSettled([moto.close(), registry.close()]);
  };
  return {
    moto,
    registry,
    region,
    env: {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: TEST_SESSION_TOKEN,
      AWS_REGION: region,
      AWS_ENDPOINT_URL_ECR: moto.endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      SAGEMAKER_TEMPLATES_PUSH_REGISTRY: registry.host,
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
