import { limits } from '@sagemaker-templates/contract';
import { BlockedError } from '../../blocked-error.ts';
import { fail, pass, type Check } from '../../check.ts';
import { servesOnly } from '../support/serving.ts';
import { scaledMs } from '../../platform-run.ts';

export const serveSigterm: Check = {
  id: 'serve.sigterm',
  title: 'The server exits within 30 s of SIGTERM',
  clauses: 'I11, T2',
  level: 'must',
  profile: 'serving',
  phase: 'consume',
  hint: 'Handle SIGTERM in the process that is PID 1 (an exec-form ENTRYPOINT): stop accepting, finish in-flight requests, exit. SageMaker sends SIGKILL 30 s later.',
  notApplicable: servesOnly,
  async run(ctx) {
    const session = await ctx.probes.serving();
    if (!(await session.container.state()).running) {
      throw new BlockedError('serve.ping.ok', 'the serving container had already exited');
    }
    const graceMs = scaledMs(ctx.platform, limits.servingSigtermGraceMs);
    const signalled = performance.now();
    await session.container.signal('SIGTERM');
    const exit = await session.container.waitForExit(graceMs);
    const afterMs = Math.round(performance.now() - signalled);
    if (exit.timedOut) {
      return fail(
        `the serving container was still running ${graceMs / 1000} s after SIGTERM, expected it to exit`,
      );
    }
    return pass(`exited ${exit.exitCode} ${afterMs} ms after SIGTERM`);
  },
};
