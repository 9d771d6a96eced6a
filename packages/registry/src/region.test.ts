import { describe, expect, it } from 'vitest';
import { assertRegion } from './region.ts';

describe('assertRegion', () => {
  it('accepts region names', () => {
    for (const region of [
      'us-east-1',
      'eu-west-3',
      'ap-southeast-2',
      'us-gov-west-1',
      'cn-north-1',
    ]) {
      expect(assertRegion(region, '--region')).toBe(region);
    }
  });

  it('says what was meant for common slips', () => {
    expect(() => assertRegion('us-east1', '--region')).toThrow(
      '--region is "us-east1", which is not an AWS region name. Did you mean "us-east-1"?',
    );
    expect(() => assertRegion('eu-west-1b', 'AWS_REGION')).toThrow(
      'That is an availability zone; its region is "eu-west-1".',
    );
    expect(() => assertRegion('EU-WEST-1', 'push.region in t/template.json')).toThrow(
      'push.region in t/template.json is "EU-WEST-1", which is not an AWS region name. Use "eu-west-1".',
    );
    expect(() => assertRegion('ireland', '--region')).toThrow(/look like us-east-1 or eu-west-1/);
  });
});
