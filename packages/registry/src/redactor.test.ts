import { describe, expect, it } from 'vitest';
import { Redactor, redactEnvironmentSecrets } from './redactor.ts';

describe('Redactor', () => {
  it('hides every remembered secret, longest first, and ignores short values', () => {
    const redactor = new Redactor();
    redactor.add('tokenvalue123', 'tokenvalue123-longer', undefined, '', 'AWS');
    expect(redactor.redact('a tokenvalue123-longer b tokenvalue123 c AWS')).toBe(
      'a *** b *** c AWS',
    );
    expect(redactor.redactError(new Error('x tokenvalue123'))).toBe('x ***');
  });

  it('takes the secret AWS values of an environment', () => {
    const redactor = new Redactor();
    redactEnvironmentSecrets(redactor, {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG',
      AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLE',
    });
    expect(redactor.redact('wJalrXUtnFEMI/K7MDENG FwoGZXIvYXdzEXAMPLE AKIAIOSFODNN7EXAMPLE')).toBe(
      '*** *** AKIAIOSFODNN7EXAMPLE',
    );
  });
});
