import { fail, pass, skip, type Check } from '../../check.ts';
import { libraries, shortList } from '../support/shared-libraries.ts';

/** Driver libraries the NVIDIA runtime mounts from the host; a copy in the image shadows them. */
const DRIVER_LIBRARY = /\/(libcuda\.so\.\d[\d.]*|libnvidia-[a-z-]+\.so\.\d{3}[\d.]*)$/;

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
