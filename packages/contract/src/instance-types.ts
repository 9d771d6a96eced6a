import { ExplainedError } from './explained-error.ts';
import type { Platform } from './platforms.ts';

/** What a SageMaker ML instance type gives a container: its CPUs, memory, GPUs and platform. */
export interface InstanceType {
  name: string;
  vcpus: number;
  /** GiB, as AWS lists it. */
  memoryGiB: number;
  gpus: number;
  /** The GPU model, when it has some. */
  gpu?: string;
  /** linux/arm64 for Graviton (c7g, m7g, r7g: inference only), else linux/amd64. */
  platform: Platform;
}

/**
 * Where the numbers come from: the "Instance details" tables of the SageMaker pricing page and the
 * EC2 instance type pages of the same families (an ml. type is its EC2 type: same vCPUs, memory and
 * GPUs). The container gets somewhat less memory than the instance, which the OS and SageMaker's
 * agents keep; a run sized here is the upper bound of what the image can have.
 */
export const INSTANCE_TYPE_SOURCES = [
  'https://aws.amazon.com/sagemaker/pricing/ (Instance details)',
  'https://aws.amazon.com/ec2/instance-types/',
] as const;

/** A family whose sizes double: vCPUs per size and a fixed memory per vCPU. */
interface RegularFamily {
  family: string;
  memoryPerVcpu: number;
  sizes: Record<string, number>;
  platform?: Platform;
}

const SIZES_M5 = {
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '4xlarge': 16,
  '12xlarge': 48,
  '24xlarge': 96,
};
const SIZES_C5 = {
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '4xlarge': 16,
  '9xlarge': 36,
  '18xlarge': 72,
};
const SIZES_6I = {
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '4xlarge': 16,
  '8xlarge': 32,
  '12xlarge': 48,
  '16xlarge': 64,
  '24xlarge': 96,
  '32xlarge': 128,
};
const SIZES_7G = {
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '4xlarge': 16,
  '8xlarge': 32,
  '12xlarge': 48,
  '16xlarge': 64,
};

const REGULAR: RegularFamily[] = [
  { family: 't3', memoryPerVcpu: 4, sizes: { xlarge: 4, '2xlarge': 8 } },
  { family: 'm5', memoryPerVcpu: 4, sizes: SIZES_M5 },
  { family: 'm5d', memoryPerVcpu: 4, sizes: SIZES_M5 },
  { family: 'm6i', memoryPerVcpu: 4, sizes: SIZES_6I },
  { family: 'c5', memoryPerVcpu: 2, sizes: SIZES_C5 },
  { family: 'c6i', memoryPerVcpu: 2, sizes: SIZES_6I },
  { family: 'r5', memoryPerVcpu: 8, sizes: SIZES_M5 },
  { family: 'r6i', memoryPerVcpu: 8, sizes: SIZES_6I },
  { family: 'c7g', memoryPerVcpu: 2, sizes: SIZES_7G, platform: 'linux/arm64' },
  { family: 'm7g', memoryPerVcpu: 4, sizes: SIZES_7G, platform: 'linux/arm64' },
  { family: 'r7g', memoryPerVcpu: 8, sizes: SIZES_7G, platform: 'linux/arm64' },
];

/** Sizes that do not follow their family's rule: [name, vCPUs, GiB, GPUs, GPU model]. */
const IRREGULAR: [string, number, number, number, string?][] = [
  ['ml.t3.medium', 2, 4, 0],
  ['ml.t3.large', 2, 8, 0],
  ['ml.g4dn.xlarge', 4, 16, 1, 'NVIDIA T4'],
  ['ml.g4dn.2xlarge', 8, 32, 1, 'NVIDIA T4'],
  ['ml.g4dn.4xlarge', 16, 64, 1, 'NVIDIA T4'],
  ['ml.g4dn.8xlarge', 32, 128, 1, 'NVIDIA T4'],
  ['ml.g4dn.12xlarge', 48, 192, 4, 'NVIDIA T4'],
  ['ml.g4dn.16xlarge', 64, 256, 1, 'NVIDIA T4'],
  ['ml.g5.xlarge', 4, 16, 1, 'NVIDIA A10G'],
  ['ml.g5.2xlarge', 8, 32, 1, 'NVIDIA A10G'],
  ['ml.g5.4xlarge', 16, 64, 1, 'NVIDIA A10G'],
  ['ml.g5.8xlarge', 32, 128, 1, 'NVIDIA A10G'],
  ['ml.g5.12xlarge', 48, 192, 4, 'NVIDIA A10G'],
  ['ml.g5.16xlarge', 64, 256, 1, 'NVIDIA A10G'],
  ['ml.g5.24xlarge', 96, 384, 4, 'NVIDIA A10G'],
  ['ml.g5.48xlarge', 192, 768, 8, 'NVIDIA A10G'],
  ['ml.g6.xlarge', 4, 16, 1, 'NVIDIA L4'],
  ['ml.g6.2xlarge', 8, 32, 1, 'NVIDIA L4'],
  ['ml.g6.4xlarge', 16, 64, 1, 'NVIDIA L4'],
  ['ml.g6.12xlarge', 48, 192, 4, 'NVIDIA L4'],
  ['ml.g6.48xlarge', 192, 768, 8, 'NVIDIA L4'],
  ['ml.p3.2xlarge', 8, 61, 1, 'NVIDIA V100'],
  ['ml.p3.8xlarge', 32, 244, 4, 'NVIDIA V100'],
  ['ml.p3.16xlarge', 64, 488, 8, 'NVIDIA V100'],
  ['ml.p4d.24xlarge', 96, 1152, 8, 'NVIDIA A100'],
  ['ml.p5.48xlarge', 192, 2048, 8, 'NVIDIA H100'],
];

function buildTable(): Map<string, InstanceType> {
  const table = new Map<string, InstanceType>();
  for (const { family, memoryPerVcpu, sizes, platform } of REGULAR) {
    for (const [size, vcpus] of Object.entries(sizes)) {
      const name = `ml.${family}.${size}`;
      const memoryGiB = vcpus * memoryPerVcpu;
      table.set(name, { name, vcpus, memoryGiB, gpus: 0, platform: platform ?? 'linux/amd64' });
    }
  }
  for (const [name, vcpus, memoryGiB, gpus, gpu] of IRREGULAR) {
    table.set(name, {
      name,
      vcpus,
      memoryGiB,
      gpus,
      ...(gpu ? { gpu } : {}),
      platform: 'linux/amd64',
    });
  }
  return table;
}

/** Every instance type this project knows, by name (`ml.m5.large`). */
export const INSTANCE_TYPES: ReadonlyMap<string, InstanceType> = buildTable();

/** The instance type called `name`, or an error naming `where` and near matches. */
export function instanceType(name: string, where: string): InstanceType {
  const found = INSTANCE_TYPES.get(name.trim().toLowerCase());
  if (found) return found;
  const family = name.trim().toLowerCase().split('.').slice(0, 2).join('.');
  const near = [...INSTANCE_TYPES.keys()].filter((n) => n.startsWith(`${family}.`));
  throw new ExplainedError(
    `${where} is ${JSON.stringify(name)}, not an instance type this project knows. ${
      near.length > 0
        ? `In that family: ${near.join(', ')}.`
        : 'Use a SageMaker ML instance type such as ml.m5.large, ml.c5.xlarge or ml.g5.xlarge.'
    }`,
  );
}

/** Bytes of memory of an instance type. */
export const instanceMemoryBytes = (type: InstanceType): number => type.memoryGiB * 2 ** 30;
