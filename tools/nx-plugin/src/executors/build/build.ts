import { buildTemplate } from '../../build-template.ts';
import { projectExecutor } from '../project-executor.ts';

/** `nx run <template>:build` (schema.json). */
export default projectExecutor<Record<string, never>>(async (root) => {
  await buildTemplate(root);
  return true;
});
