import { describe, expect, it } from 'vitest';
import { ecrHost, hostOf, isLoopbackHost, parseEcrHost } from './ecr-host.ts';

describe('ECR hosts', () => {
  it('parses account and region, also in China and FIPS', () => {
    expect(parseEcrHost('123456789012.dkr.ecr.eu-west-1.amazonaws.com')).toEqual({
      accountId: '123456789012',
      region: 'eu-west-1',
      domain: 'amazonaws.com',
    });
    expect(parseEcrHost('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn')?.domain).toBe(
      'amazonaws.com.cn',
    );
    expect(parseEcrHost('123456789012.dkr.ecr-fips.us-east-1.amazonaws.com')?.region).toBe(
      'us-east-1',
    );
    expect(parseEcrHost('127.0.0.1:5000')).toBeUndefined();
    expect(ecrHost('123456789012', 'cn-north-1')).toBe(
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
    );
  });

  it('takes the host of a proxy endpoint and knows loopback hosts', () => {
    expect(hostOf('https://123456789012.dkr.ecr.eu-west-1.amazonaws.com')).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    );
    expect(hostOf('http://127.0.0.1:5000/')).toBe('127.0.0.1:5000');
    expect(isLoopbackHost('127.0.0.1:5000')).toBe(true);
    expect(isLoopbackHost('127.3.2.1')).toBe(true);
    expect(isLoopbackHost('localhost:5000')).toBe(true);
    expect(isLoopbackHost('[::1]:5000')).toBe(true);
    expect(isLoopbackHost('10.0.0.1:5000')).toBe(false);
    expect(isLoopbackHost('123456789012.dkr.ecr.eu-west-1.amazonaws.com')).toBe(false);
  });
});
