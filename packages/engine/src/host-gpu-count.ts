import type Docker from 'dockerode';
import { execFile } from 'node:child_process';

let cached: Promise<number> | undefined;

/** Counts `GPU n: ...` lines of `nvidia-smi -L` output. */
export function countGpuLines(output: string): number {
  return output.split('\n').filter((line) => /^GPU \d+:/.test(line.trim())).length;
}

/** How many NVIDIA GPUs this host has (`nvidia-smi -L`); 0 when nvidia-smi is missing or fails. Asked once per process. */
export function hostGpuCount(): Promise<number> {
  cached ??= new Promise((resolve) => {
    execFile('nvidia-smi', ['-L'], { timeout: 15_000 }, (error, stdout) =>
      resolve(error ? 0 : countGpuLines(stdout)),
    );
  });
  return cached;
}

/** HostConfig.DeviceRequests giving a container `count` NVIDIA GPUs (`'all'` for every one); none for 0. */
export function gpuDeviceRequests(count: number | 'all'): Docker.DeviceRequest[] {
  if (count === 0) return [];
  return [{ Driver: 'nvidia', Count: count === 'all' ? -1 : count, Capabilities: [['gpu']] }];
}
