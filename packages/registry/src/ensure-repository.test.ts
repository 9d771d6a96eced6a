import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureRepository } from './ensure-repository.ts';
import { PushError } from './push-error.ts';

const mock = mockClient(ECRClient);
const ecr = { client: new ECRClient({ region: 'eu-west-1' }), region: 'eu-west-1' };
const settings = { name: 'team/algo', scanOnPush: true, tagImmutability: false };
const notFound = () =>
  new RepositoryNotFoundException({
    message: "The repository with name 'team/algo' does not exist",
    $metadata: {},
  });

describe('ensureRepository', () => {
  afterEach(() => mock.reset());

  it('creates a missing repository with scan on push, mutability and lifecycle policy', async () => {
    mock.on(DescribeRepositoriesCommand).rejects(notFound());
    mock.on(CreateRepositoryCommand).resolves({
      repository: {
        repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/algo',
        registryId: '123456789012',
      },
    });
    mock.on(PutLifecyclePolicyCommand).resolves({});
    const result = await ensureRepository(ecr, {
      ...settings,
      tagImmutability: true,
      lifecyclePolicy: { keepLast: 10 },
    });
    expect(result).toEqual({
      name: 'team/algo',
      uri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/algo',
      accountId: '123456789012',
      created: true,
      immutable: true,
      differences: [],
    });
    expect(mock.commandCalls(CreateRepositoryCommand)[0]?.args[0].input).toEqual({
      repositoryName: 'team/algo',
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: 'IMMUTABLE',
      tags: [{ Key: 'created-by', Value: 'sagemaker-templates' }],
    });
    expect(mock.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(1);
  });

  it('leaves an existing repository as it is and reports how it differs', async () => {
    mock.on(DescribeRepositoriesCommand).resolves({
      repositories: [
        {
          repositoryUri: 'uri',
          registryId: '123456789012',
          imageTagMutability: 'IMMUTABLE',
          imageScanningConfiguration: { scanOnPush: false },
        },
      ],
    });
    mock.on(GetLifecyclePolicyCommand).rejects(
      Object.assign(new Error('none'), {
        name: 'LifecyclePolicyNotFoundException',
        $metadata: {},
      }),
    );
    const result = await ensureRepository(ecr, { ...settings, lifecyclePolicy: { keepLast: 5 } });
    expect(result.created).toBe(false);
    expect(result.immutable).toBe(true);
    expect(result.differences).toEqual([
      'tag mutability is IMMUTABLE, template.json asks for MUTABLE',
      'scan on push is off, template.json asks for on',
      'it has no lifecycle policy, template.json declares one',
    ]);
    expect(mock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  });

  it('names the missing permission when the repository may not be created', async () => {
    mock.on(DescribeRepositoriesCommand).rejects(notFound());
    mock
      .on(CreateRepositoryCommand)
      .rejects(
        Object.assign(
          new Error(
            'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:CreateRepository on resource: *',
          ),
          { name: 'AccessDeniedException', $metadata: {} },
        ),
      );
    const error = await ensureRepository(ecr, settings).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as Error).message).toMatch(
      /^Missing IAM permission ecr:CreateRepository for arn:aws:iam::123456789012:user\/ci/,
    );
  });

  it('uses a repository another push created meanwhile', async () => {
    mock
      .on(DescribeRepositoriesCommand)
      .rejectsOnce(notFound())
      .resolves({
        repositories: [
          {
            repositoryUri: 'uri',
            registryId: '1',
            imageTagMutability: 'MUTABLE',
            imageScanningConfiguration: { scanOnPush: true },
          },
        ],
      });
    mock.on(CreateRepositoryCommand).rejects(
      Object.assign(new Error('exists'), {
        name: 'RepositoryAlreadyExistsException',
        $metadata: {},
      }),
    );
    const result = await ensureRepository(ecr, settings);
    expect(result).toMatchObject({ uri: 'uri', created: false, differences: [] });
  });

  it('addresses another account when one is given', async () => {
    mock
      .on(DescribeRepositoriesCommand)
      .resolves({ repositories: [{ repositoryUri: 'uri', registryId: '210987654321' }] });
    await ensureRepository(ecr, { ...settings, accountId: '210987654321' });
    expect(mock.commandCalls(DescribeRepositoriesCommand)[0]?.args[0].input).toEqual({
      repositoryNames: ['team/algo'],
      registryId: '210987654321',
    });
  });
});
