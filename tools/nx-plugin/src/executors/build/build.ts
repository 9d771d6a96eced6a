import { buildTemplate, type BuildOptions } from '../../build-template.ts';
import { projectExecutor } from '../project-executor.ts';

/** `nx run <template>:build` (schema.json). */
export default projectExecutor<BuildOptions>(async (root, options) => {
  await buildTemplate(root, options);
  return true;
});
