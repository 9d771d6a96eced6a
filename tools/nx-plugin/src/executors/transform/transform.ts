import { localTransform, type TransformOptions } from '../../local-transform.ts';
import { projectExecutor } from '../project-executor.ts';

/** `nx run <template>:transform` (schema.json): a batch transform job on this machine. */
export default projectExecutor<TransformOptions>(localTransform);
