import { runConformance, type ConformanceOptions } from '../../conformance-target.ts';
import { projectExecutor } from '../project-executor.ts';

/** `nx run <template>:conformance` (schema.json). */
export default projectExecutor<ConformanceOptions>(
  async (root, options) => (await runConformance(root, options)) === 0,
);
