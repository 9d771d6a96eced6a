import { localServe, type ServeOptions } from '../../local-serve.ts';
import { projectExecutor } from '../project-executor.ts';

/** `nx run <template>:serve` (schema.json): runs until Ctrl-C. */
export default projectExecutor<ServeOptions>(
  async (root, options) => (await localServe(root, options)) === 0,
);
