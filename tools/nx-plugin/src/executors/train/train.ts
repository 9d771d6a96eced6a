import { localTrain, type TrainOptions } from '../../local-train.ts';
import { projectExecutor } from '../project-executor.ts';

/** `nx run <template>:train` (schema.json): succeeds when the training container exits 0. */
export default projectExecutor<TrainOptions>(
  async (root, options) => (await localTrain(root, options)) === 0,
);
