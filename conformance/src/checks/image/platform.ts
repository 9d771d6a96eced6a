import { DEFAULT_PLATFORM } from '@sagemaker-templates/contract';
import { fail, pass, type Check } from '../../check.ts';
import { platformOf } from '../../platform-run.ts';

export const imagePlatform: Check = {
  id: 'image.platform',
  title: "The image is built for one of template.json's platforms (linux/amd64 to train)",
  clauses: 'policy, T1',
  level: 'must',
  profile: 'image',
  hint: 'Build with `nx run <template>:build`, which builds every platform in template.json\'s "platforms" on any host (under emulation where the host differs), or with `docker build --platform linux/amd64`. SageMaker trains on x86_64 only: an arm64 image (built on an Apple silicon laptop, say) fails there with "exec format error". arm64 serves on Graviton: add "linux/arm64" to platforms to build, check and push it too.',
  async run({ probes, manifest }) {
    const platform = platformOf(await probes.imageInfo());
    const declared = manifest.platforms.join(', ');
    if (!manifest.platforms.some((p) => p === platform)) {
      const note = platform === DEFAULT_PLATFORM ? '' : ' (SageMaker trains on linux/amd64 only)';
      return fail(`the image is ${platform}; template.json's platforms are ${declared}${note}`);
    }
    return pass(`the image is ${platform}, one of template.json's platforms (${declared})`);
  },
};
