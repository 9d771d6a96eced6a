import type { CheckContext } from '../../check.ts';
import type { HttpExchange } from '../../http-exchange.ts';
import { once, readySession } from './serving.ts';
import { scaledMs } from '../../platform-run.ts';

/** GET /execution-parameters on the shared serving container, asked once per suite run. */
export function executionParameters(ctx: CheckContext): Promise<HttpExchange> {
  return once(ctx, 'execution-parameters', async () =>
    (await readySession(ctx)).request('/execution-parameters', {
      timeoutMs: scaledMs(ctx.platform, 10_000),
    }),
  );
}
