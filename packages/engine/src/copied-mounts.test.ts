import { describe, expect, it } from 'vitest';
import { bindOf, parseBind } from './copied-mounts.ts';

describe('parseBind', () => {
  it('reads host:container[:ro|rw] and copies nothing back unless asked', () => {
    expect(parseBind('/a:/opt/ml/code')).toEqual({
      source: '/a',
      target: '/opt/ml/code',
      readOnly: false,
    });
    expect(parseBind('/f:/usr/local/bin/nvidia-smi:ro')).toMatchObject({ readOnly: true });
    expect(bindOf(parseBind('/f:/x:ro'))).toBe('/f:/x:ro');
  });

  it('rejects what is not a bind', () => {
    expect(() => parseBind('/only-host')).toThrow(/not host:container\[:ro\|rw\]/);
    expect(() => parseBind('/a:/b:z')).toThrow(/not host:container/);
  });
});
