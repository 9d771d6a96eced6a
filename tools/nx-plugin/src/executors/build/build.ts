import { buildTemplatePlatforms, type BuildOptions } from '../../build-template.ts';
import { projectExecutor } from '../project-executor.ts';

/** `nx run <template>:build` (schema.json): every platform of template.json, or --platform's. */
export default projectExecutor<BuildOptions>(async (root, options) => {
  await buildTemplatePlatforms(root, options);
  return true;
});
