import type { Platform } from '@sagemaker-templates/contract';
import type { Engine } from './connect-engine.ts';
import { engineAddress } from './connect-engine.ts';
import { engineIsRemote } from './engine-files.ts';
import { hostCanRun, hostPlatform, type HostRun } from './host-emulation.ts';
import { countGpuLines, gpuDeviceRequests, hostGpuCount } from './host-gpu-count.ts';
import { startContainer } from './start-container.ts';

const gpuCounts = new Map<string, Promise<number>>();

/**
 * How many NVIDIA GPUs the engine's containers can get. A local engine's are this host's
 * (`nvidia-smi -L` here); a remote engine's are only seen from a container there, so `nvidia-smi
 * -L` runs in a container of `image` given every GPU (the NVIDIA runtime mounts nvidia-smi in); an
 * engine without that runtime refuses the GPU request: 0. Asked once per engine and process.
 */
export async function engineGpuCount(docker: Engine, image: string): Promise<number> {
  if (!engineIsRemote(docker)) return hostGpuCount();
  const address = await engineAddress(docker);
  let count = gpuCounts.get(address);
  if (!count) {
    count = gpusInContainer(docker, image);
    gpuCounts.set(address, count);
  }
  return count;
}

/**
 * Whether the engine can give containers GPUs, before any image of it exists: this host's
 * `nvidia-smi -L` for a local engine; for a remote one, whether the engine has the NVIDIA runtime
 * (`nvidia-ctk runtime configure` registers it), since nothing else says so without a container.
 */
export async function engineOffersGpus(docker: Engine): Promise<boolean> {
  if (!engineIsRemote(docker)) return (await hostGpuCount()) > 0;
  const info = (await docker.info()) as { Runtimes?: Record<string, unknown> };
  return Boolean(info.Runtimes?.nvidia);
}

async function gpusInContainer(docker: Engine, image: string): Promise<number> {
  let container;
  try {
    container = await startContainer(docker, {
      image,
      entrypoint: ['nvidia-smi'],
      cmd: ['-L'],
      env: { NVIDIA_DRIVER_CAPABILITIES: 'utility' },
      deviceRequests: gpuDeviceRequests('all'),
      networkDisabled: true,
    });
  } catch {
    return 0; // no NVIDIA runtime on that engine (`could not select device driver "nvidia"`)
  }
  try {
    const exit = await container.waitForExit(30_000);
    return exit.exitCode === 0 ? countGpuLines(await container.logs()) : 0;
  } finally {
    await container.remove();
  }
}

/**
 * Whether the engine runs containers of `platform`, and how. A local engine is judged by this
 * host (hostCanRun); a remote one by its own architecture, and another architecture there is
 * taken as emulated, since its binfmt_misc cannot be read from here.
 */
export async function engineCanRun(docker: Engine, platform: Platform): Promise<HostRun> {
  if (!engineIsRemote(docker)) return hostCanRun(platform);
  const { Arch } = await docker.version();
  if (platform === hostPlatform(Arch === 'aarch64' ? 'arm64' : Arch))
    return { runs: true, emulated: false, how: 'native' };
  return {
    runs: true,
    emulated: true,
    how: `emulated on the remote engine (a ${Arch} host; its binfmt_misc is not checked from here)`,
  };
}
