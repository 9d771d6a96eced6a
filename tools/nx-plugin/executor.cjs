// Nx require()s executors. Ours are TypeScript ES modules whose imports need ESM (import.meta.resolve
// in the conformance cache), which tsx's CommonJS hook cannot give, so each executor is imported
// through tsx's ESM loader when it first runs. (tsx/esm/api must itself be import()ed: its
// CommonJS build fails on Node 20.)
const { pathToFileURL } = require('node:url');

let tsx;
function executor(file) {
  return async (options, context) => {
    tsx ??= import('tsx/esm/api');
    const { tsImport } = await tsx;
    const module = await tsImport(pathToFileURL(require.resolve(file)).href, __filename);
    return module.default(options, context);
  };
}

module.exports = {
  build: executor('./src/executors/build/build.ts'),
  conformance: executor('./src/executors/conformance/conformance.ts'),
  push: executor('./src/executors/push/push.ts'),
  train: executor('./src/executors/train/train.ts'),
  serve: executor('./src/executors/serve/serve.ts'),
  transform: executor('./src/executors/transform/transform.ts'),
  'base-image': executor('./src/executors/base-image/base-image.ts'),
};
