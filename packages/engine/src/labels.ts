import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Label on every container, network and volume this package creates. */
export const MANAGED_LABEL = 'dev.sagemaker-templates.managed';
/** Label carrying the id of the process-wide session that created the object. */
export const SESSION_LABEL = 'dev.sagemaker-templates.session';
/** Label carrying `<hostname>:<pid>` of the process that created the object. */
export const OWNER_LABEL = 'dev.sagemaker-templates.owner';

/** Random id of this process's session, stamped on everything it creates. */
export const sessionId: string = randomBytes(6).toString('hex');

/** `<hostname>:<pid>` of this process, the value of {@link OWNER_LABEL}. */
export const ownerId: string = formatOwner(hostname(), process.pid);

/** Formats an owner label value. */
export function formatOwner(host: string, pid: number): string {
  return `${host}:${pid}`;
}

/** Parses an owner label value; undefined when it is not `<hostname>:<pid>`. */
export function parseOwner(
  value: string | undefined,
): { hostname: string; pid: number } | undefined {
  if (!value) return undefined;
  const colon = value.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const pid = Number(value.slice(colon + 1));
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { hostname: value.slice(0, colon), pid };
}

/** The three ownership labels plus `extra`; the ownership labels win over same-named extras. */
export function managedLabels(extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, [MANAGED_LABEL]: 'true', [SESSION_LABEL]: sessionId, [OWNER_LABEL]: ownerId };
}
