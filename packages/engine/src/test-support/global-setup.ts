import { connectEngine } from '../connect-engine.ts';
import { sweepLeftovers } from '../sweep-leftovers.ts';

/**
 * vitest globalSetup of the e2e project: before any test, remove what killed runs left behind
 * (every managed container, network and volume whose owner process is gone); after all tests, again.
 */
async function sweep(): Promise<void> {
  const removed = await sweepLeftovers(connectEngine());
  const total = removed.containers + removed.networks + removed.volumes;
  if (total > 0) console.log(`[e2e] removed leftovers of earlier runs: ${JSON.stringify(removed)}`);
}

export async function setup(): Promise<void> {
  await sweep();
}

export async function teardown(): Promise<void> {
  await sweep();
}
