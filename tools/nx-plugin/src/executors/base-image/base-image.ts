import { makeBaseImage, type BaseImageOptions } from '../../make-base-image.ts';
import { projectExecutor } from '../project-executor.ts';

/** `nx run base-<name>:build` (schema.json). */
export default projectExecutor<BaseImageOptions>((root, options) => makeBaseImage(root, options));
