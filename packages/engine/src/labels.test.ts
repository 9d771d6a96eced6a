import { describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import {
  formatOwner,
  MANAGED_LABEL,
  managedLabels,
  OWNER_LABEL,
  ownerId,
  parseOwner,
  SESSION_LABEL,
  sessionId,
} from './labels.ts';

describe('managedLabels', () => {
  it('carries the managed, session and owner labels', () => {
    expect(managedLabels()).toEqual({
      [MANAGED_LABEL]: 'true',
      [SESSION_LABEL]: sessionId,
      [OWNER_LABEL]: `${hostname()}:${process.pid}`,
    });
  });

  it('keeps extra labels but never lets them replace the ownership labels', () => {
    const labels = managedLabels({ role: 'serve', [SESSION_LABEL]: 'forged' });
    expect(labels.role).toBe('serve');
    expect(labels[SESSION_LABEL]).toBe(sessionId);
  });

  it('uses a random session id per process', () => {
    expect(sessionId).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe('owner label', () => {
  it('round-trips hostname and pid', () => {
    expect(parseOwner(ownerId)).toEqual({ hostname: hostname(), pid: process.pid });
    expect(parseOwner(formatOwner('ip-10-0-0-1.ec2.internal', 42))).toEqual({
      hostname: 'ip-10-0-0-1.ec2.internal',
      pid: 42,
    });
  });

  it.each([undefined, '', 'host', ':12', 'host:', 'host:abc', 'host:-3', 'host:1.5'])(
    'rejects %j',
    (value) => {
      expect(parseOwner(value)).toBeUndefined();
    },
  );
});
