import { fail, pass, type Check } from '../../check.ts';

export const imagePlatform: Check = {
  id: 'image.platform',
  title: 'A training image is built for linux/amd64',
  clauses: 'policy, T1',
  level: 'must',
  profile: 'image',
  hint: 'Build for linux/amd64 (e.g. `docker buildx build --platform linux/amd64`, or on an x86_64 machine): SageMaker training instances are x86_64 and an arm64 image (built on an Apple silicon laptop, say) fails to start with "exec format error". Arm64 (Graviton) is only for inference.',
  notApplicable: ({ manifest }) =>
    manifest.capabilities.train
      ? undefined
      : 'the image does not train (arm64 is fine for inference on Graviton)',
  async run({ probes }) {
    const info = await probes.imageInfo();
    const platform = `${info.Os}/${info.Architecture}${info.Variant ? `/${info.Variant}` : ''}`;
    return info.Os === 'linux' && info.Architecture === 'amd64'
      ? pass(`the image is ${platform}`)
      : fail(`the image is ${platform}, expected linux/amd64 for training`);
  },
};
