import { describe, expect, it } from 'vitest';
import { RegistryRequestError } from './distribution-client.ts';
import { explainRegistryError } from './explain-registry-error.ts';
import { EnginePushError } from './push-image.ts';
import { RetriesExhaustedError } from './retry.ts';

const context = {
  registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  repository: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/algo',
  auth: {
    username: 'AWS',
    password: 'pw-secret-value',
    registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  },
  untouched: 'Nothing was tagged: 1.0.0 stays where it was.',
};

describe('explainRegistryError', () => {
  it('names the IAM action the registry denied', () => {
    const error = explainRegistryError(
      new EnginePushError(
        'denied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:eu-west-1:123456789012:repository/team/algo',
      ),
      context,
    );
    expect(error.message).toMatch(
      /^Missing IAM permission ecr:InitiateLayerUpload on 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/team\/algo .*Add "ecr:InitiateLayerUpload" to the identity's IAM policy .*Nothing was tagged: 1\.0\.0 stays where it was\.$/,
    );
  });

  it('says a registry pushed through with --registry must accept the token', () => {
    const error = explainRegistryError(
      new RegistryRequestError('HEAD ... answered 401 Unauthorized.', 401, 'UNAUTHORIZED'),
      {
        ...context,
        registry: 'mirror.example.com',
      },
    );
    expect(error.message).toContain('The registry mirror.example.com refused the ECR token');
    expect(error.message).toContain(
      'but the token is for 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    );
  });

  it('says how long it tried a registry that is down', () => {
    const error = explainRegistryError(
      new RetriesExhaustedError(
        5,
        31_000,
        new EnginePushError('dial tcp: connect: connection refused'),
      ),
      context,
    );
    expect(error.message).toBe(
      `The registry ${context.registry} did not answer or kept failing after 5 attempts over 31.0 s (last: dial tcp: connect: connection refused). Nothing was tagged: 1.0.0 stays where it was. Check that the registry is up and reachable, then push again.`,
    );
    expect(error.tagsUntouched).toBe(true);
  });

  it('explains immutable tags and unknown repositories', () => {
    expect(
      explainRegistryError(
        new EnginePushError(
          "tag invalid: The image tag 'abc' already exists in the 'team/algo' repository and cannot be overwritten because the repository is immutable.",
        ),
        context,
      ).message,
    ).toMatch(/its tags are immutable\. Bump "version"/);
    expect(
      explainRegistryError(
        new EnginePushError('name unknown: The repository with name team/algo does not exist'),
        context,
      ).message,
    ).toMatch(/has no repository for .* If you push through --registry/);
  });
});
