import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from './create-network.ts';
import { createVolume } from './create-volume.ts';
import { formatOwner, MANAGED_LABEL, OWNER_LABEL, SESSION_LABEL, sessionId } from './labels.ts';
import { startContainer } from './start-container.ts';
import { sweepLeftovers } from './sweep-leftovers.ts';
import {
  openEngineTestSession,
  type EngineTestSession,
} from './test-support/engine-test-session.ts';

let session: EngineTestSession;
beforeAll(async () => {
  session = await openEngineTestSession();
});
afterAll(() => session?.close());

/** A pid that existed and is gone: a child that already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('sweepLeftovers', () => {
  it('removes what a killed run left behind and spares live sessions, then removes the given session', async () => {
    const killedRun = {
      [MANAGED_LABEL]: 'true',
      [SESSION_LABEL]: 'killed-run',
      [OWNER_LABEL]: formatOwner(hostname(), deadPid()),
    };
    const liveRun = {
      [MANAGED_LABEL]: 'true',
      [SESSION_LABEL]: 'live-run',
      [OWNER_LABEL]: formatOwner(hostname(), process.ppid),
    };
    const create = (labels: Record<string, string>) =>
      session.docker.createContainer({
        Image: session.base,
        Cmd: ['bash', '-c', 'while :; do read -t 1 || true; done'],
        Labels: labels,
      });
    const killed = await create(killedRun);
    const live = await create(liveRun);
    try {
      const killedNetwork = await session.docker.createNetwork({
        Name: `smt-killed-${sessionId}`,
        Labels: killedRun,
      });
      await session.docker.createVolume({ Name: `smt-killed-${sessionId}`, Labels: killedRun });
      await using ours = await startContainer(session.docker, {
        image: session.base,
        entrypoint: ['bash', '-c'],
        cmd: ['while :; do read -t 1 || true; done'],
      });
      await using ourNetwork = await createNetwork(session.docker);
      await using ourVolume = await createVolume(session.docker);

      // Any process's sweep may take the killed run's objects first: check the effect, not the counts.
      await sweepLeftovers(session.docker);
      await expect(killed.inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(killedNetwork.inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(
        session.docker.getVolume(`smt-killed-${sessionId}`).inspect(),
      ).rejects.toMatchObject({ statusCode: 404 });
      expect((await live.inspect()).Id).toBe(live.id);
      expect((await ours.state()).running).toBe(true);

      expect(await sweepLeftovers(session.docker, { session: sessionId })).toEqual({
        containers: 1,
        networks: 1,
        volumes: 1,
      });
      await expect(ours.inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(session.docker.getNetwork(ourNetwork.id).inspect()).rejects.toMatchObject({
        statusCode: 404,
      });
      await expect(session.docker.getVolume(ourVolume.name).inspect()).rejects.toMatchObject({
        statusCode: 404,
      });
      expect((await live.inspect()).Id).toBe(live.id);
    } finally {
      await killed.remove({ force: true }).catch(() => undefined);
      await live.remove({ force: true });
    }
  });
});
