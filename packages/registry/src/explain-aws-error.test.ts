import { describe, expect, it } from 'vitest';
import { explainAwsError } from './explain-aws-error.ts';

const context = { action: 'ecr:CreateRepository', region: 'eu-west-1', repository: 'team/algo' };
const awsError = (name: string, message: string, extra: object = {}) =>
  Object.assign(new Error(message), { name, $metadata: {}, ...extra });

describe('explainAwsError', () => {
  it('names the missing IAM action, the principal and the resource', () => {
    const error = explainAwsError(
      awsError(
        'AccessDeniedException',
        'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:eu-west-1:123456789012:repository/team/algo because no identity-based policy allows the ecr:CreateRepository action',
      ),
      context,
    );
    expect(error.message).toBe(
      'Missing IAM permission ecr:CreateRepository for arn:aws:iam::123456789012:user/ci on arn:aws:ecr:eu-west-1:123456789012:repository/team/algo (ecr:CreateRepository in eu-west-1). Add "ecr:CreateRepository" to the identity\'s IAM policy, or have someone create the repository first (push then needs only DescribeRepositories, GetAuthorizationToken and the layer upload actions).',
    );
  });

  it('names the action of the call when the message does not', () => {
    const error = explainAwsError(awsError('AccessDeniedException', 'Access denied'), {
      ...context,
      action: 'ecr:DescribeRepositories',
    });
    expect(error.message).toMatch(
      /^Missing IAM permission ecr:DescribeRepositories on repository team\/algo/,
    );
  });

  it('explains missing, invalid and expired credentials', () => {
    const none = explainAwsError(
      awsError('CredentialsProviderError', 'Could not load credentials from any providers'),
      context,
    );
    expect(none.message).toMatch(
      /^No AWS credentials found for ecr:CreateRepository in eu-west-1\. Set AWS_PROFILE/,
    );
    const invalid = explainAwsError(
      awsError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      ),
      context,
    );
    expect(invalid.message).toMatch(
      /AWS rejected the credentials .* region eu-west-1 may not be enabled/,
    );
    const expired = explainAwsError(awsError('ExpiredTokenException', 'expired'), context);
    expect(expired.message).toMatch(/have expired \(ExpiredTokenException\)\. Refresh them/);
  });

  it('explains an endpoint that does not resolve (a wrong region) or does not answer', () => {
    const dns = explainAwsError(
      Object.assign(new Error('getaddrinfo ENOTFOUND api.ecr.eu-wset-1.amazonaws.com'), {
        code: 'ENOTFOUND',
      }),
      { ...context, region: 'eu-wset-1' },
    );
    expect(dns.message).toBe(
      "The ECR API endpoint api.ecr.eu-wset-1.amazonaws.com could not be resolved (ENOTFOUND) for ecr:CreateRepository in eu-wset-1. Check the region name (eu-wset-1; aws ec2 describe-regions lists them) and this machine's DNS and proxy settings.",
    );
    const refused = explainAwsError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      { ...context, endpoint: 'http://127.0.0.1:1' },
    );
    expect(refused.message).toMatch(
      /^The ECR API at http:\/\/127\.0\.0\.1:1 did not answer ecr:CreateRepository \(ECONNREFUSED\)\. Check that the endpoint/,
    );
  });

  it('keeps the name and message of anything else', () => {
    expect(explainAwsError(awsError('LimitExceededException', 'too many'), context).message).toBe(
      'ecr:CreateRepository in eu-west-1 failed for repository team/algo: LimitExceededException: too many',
    );
  });
});
