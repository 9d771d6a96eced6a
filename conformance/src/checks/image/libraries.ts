import { fail, pass, skip, type Check, type CheckContext } from '../../check.ts';

/** Driver libraries the NVIDIA runtime mounts from the host; a copy in the image shadows them. */
const DRIVER_LIBRARY = /\/(libcuda\.so\.\d[\d.]*|libnvidia-[a-z-]+\.so\.\d{3}[\d.]*)$/;
/** CUDA toolkit libraries: hundreds of MB that a CPU-only image never loads. */
const CUDA_LIBRARY =
  /\/(libcudart|libcublas|libcublasLt|libcudnn[a-z_]*|libcufft|libcusparse|libnccl)\.so[\d.]*$/;

async function libraries(ctx: CheckContext): Promise<string[] | string> {
  const found = await ctx.probes.sharedLibraries();
  return found instanceof Error
    ? `not evaluated: the image's files could not be listed with /bin/sh and find (${found.message})`
    : found;
}

const shortList = (paths: string[]) =>
  `${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ` and ${paths.length - 5} more` : ''}`;

export const imageNoDriverLibraries: Check = {
  id: 'image.no-driver-libraries',
  title: 'No NVIDIA driver libraries are baked into the image',
  clauses: 'G1, I12',
  level: 'must',
  profile: 'image',
  hint: 'Install only the CUDA toolkit: the NVIDIA runtime mounts the host driver’s libcuda.so and libnvidia-*.so into the container, and a copy in the image shadows it and fails with "driver/library version mismatch". CUDA forward-compatibility libraries belong in /usr/local/cuda/compat.',
  async run(ctx) {
    const found = await libraries(ctx);
    if (typeof found === 'string') return skip(found);
    const driver = found.filter(
      (path) =>
        DRIVER_LIBRARY.test(path) &&
        !path.startsWith('/usr/local/cuda/compat/') &&
        !path.includes('/stubs/'),
    );
    return driver.length === 0
      ? pass(`none among ${found.length} shared libraries`)
      : fail(`the image carries driver libraries: ${shortList(driver)}`);
  },
};

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
