import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { redactor } from './redactor.ts';
import { getRegistryAuth } from './registry-auth.ts';

const mock = mockClient(ECRClient);
const ecr = { client: new ECRClient({ region: 'eu-west-1' }), region: 'eu-west-1' };

describe('getRegistryAuth', () => {
  afterEach(() => mock.reset());

  it('decodes the token into basic credentials for the proxy endpoint and hides it from every message', async () => {
    const token = Buffer.from('AWS:very-secret-registry-password').toString('base64');
    mock.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: token,
          proxyEndpoint: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com',
          expiresAt: new Date('2030-01-01T00:00:00Z'),
        },
      ],
    });
    const auth = await getRegistryAuth(ecr, { accountId: '123456789012' });
    expect(auth).toEqual({
      username: 'AWS',
      password: 'very-secret-registry-password',
      registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    });
    expect(mock.commandCalls(GetAuthorizationTokenCommand)[0]?.args[0].input).toEqual({
      registryIds: ['123456789012'],
    });
    expect(redactor.redact(`token ${token} password very-secret-registry-password`)).toBe(
      'token *** password ***',
    );
  });

  it('names the missing permission', async () => {
    mock.on(GetAuthorizationTokenCommand).rejects(
      Object.assign(new Error('not authorized to perform: ecr:GetAuthorizationToken'), {
        name: 'AccessDeniedException',
        $metadata: {},
      }),
    );
    await expect(getRegistryAuth(ecr)).rejects.toThrow(
      /^Missing IAM permission ecr:GetAuthorizationToken/,
    );
  });

  it('refuses an answer without a token', async () => {
    mock.on(GetAuthorizationTokenCommand).resolves({ authorizationData: [] });
    await expect(getRegistryAuth(ecr)).rejects.toThrow(/returned no token/);
  });
});
