/** Thrown by a probe when an earlier stage failed, so dependent checks skip instead of piling up failures. */
export class BlockedError extends Error {
  constructor(
    readonly blockedBy: string,
    reason: string,
  ) {
    super(`not evaluated: ${reason} (see ${blockedBy})`);
    this.name = 'BlockedError';
  }
}
