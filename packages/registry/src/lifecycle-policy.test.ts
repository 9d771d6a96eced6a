import { describe, expect, it } from 'vitest';
import { lifecyclePolicyText } from './lifecycle-policy.ts';

describe('lifecyclePolicyText', () => {
  it('is undefined when nothing is asked for', () => {
    expect(lifecyclePolicyText(undefined)).toBeUndefined();
    expect(lifecyclePolicyText({})).toBeUndefined();
  });

  it('expires untagged images first and keeps the last N with the lowest priority', () => {
    const policy = JSON.parse(
      lifecyclePolicyText({ expireUntaggedAfterDays: 14, keepLast: 30 }) ?? '',
    );
    expect(policy.rules).toEqual([
      {
        rulePriority: 1,
        description: 'Expire untagged images after 14 days',
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: 14,
        },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: 'Keep the last 30 images',
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 },
        action: { type: 'expire' },
      },
    ]);
  });
});
