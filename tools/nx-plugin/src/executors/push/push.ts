import { redactor } from '@sagemaker-templates/registry';
import type { PushOptions } from '../../push-plan.ts';
import { pushTemplate } from '../../push-template.ts';
import { projectExecutor } from '../project-executor.ts';

/** `nx run <template>:push` (schema.json). Every line, errors too, goes through the redactor. */
export default projectExecutor<PushOptions>(
  async (root, options) => {
    // The SDK's notice about future Node.js versions would end up in every push log.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    await pushTemplate(root, { options });
    return true;
  },
  (text) => redactor.redact(text),
);
