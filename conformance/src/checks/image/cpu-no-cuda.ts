import { fail, pass, skip, type Check } from '../../check.ts';
import { libraries, shortList } from '../support/shared-libraries.ts';

/** CUDA toolkit libraries: hundreds of MB that a CPU-only image never loads. */
const CUDA_LIBRARY =
  /\/(libcudart|libcublas|libcublasLt|libcudnn[a-z_]*|libcufft|libcusparse|libnccl)\.so[\d.]*$/;

export const imageCpuNoCuda: Check = {
  id: 'image.cpu-no-cuda',
  title: 'A CPU-only image carries no CUDA libraries',
  clauses: 'policy, G1',
  level: 'should',
  profile: 'image',
  hint: 'Install the CPU build of your framework (e.g. tensorflow-cpu, torch from the CPU index) or set capabilities.gpu if the image is meant to use GPUs: CUDA libraries add gigabytes that a CPU instance pulls and never loads.',
  notApplicable: ({ manifest }) =>
    manifest.capabilities.gpu
      ? 'template.json sets capabilities.gpu: CUDA libraries are expected'
      : undefined,
  async run(ctx) {
    const found = await libraries(ctx);
    if (typeof found === 'string') return skip(found);
    const cuda = found.filter((path) => CUDA_LIBRARY.test(path));
    return cuda.length === 0
      ? pass(`no CUDA libraries among ${found.length} shared libraries`)
      : fail(`a CPU-only image (capabilities.gpu is false) carries ${shortList(cuda)}`);
  },
};
