import type { InputDataConfig, ResourceConfig } from './types.ts';

/**
 * resourceconfig.json as SageMaker writes it. `minimal` is the documented shape (T12); `full`
 * carries what real jobs add (T13), including `topology: null`.
 */
export function resourceConfig(
  currentHost: string,
  hosts: string[] = [currentHost],
  shape: 'minimal' | 'full' = 'full',
  instanceType = 'ml.m5.large',
): ResourceConfig {
  const minimal: ResourceConfig = {
    current_host: currentHost,
    hosts: [...hosts].sort(),
    network_interface_name: 'eth0',
  };
  if (shape === 'minimal') return minimal;
  return {
    ...minimal,
    current_instance_type: instanceType,
    current_group_name: 'homogeneousCluster',
    instance_groups: [
      {
        instance_group_name: 'homogeneousCluster',
        instance_type: instanceType,
        hosts: [...hosts].reverse(),
      },
    ],
    topology: null,
  };
}

/** inputdataconfig.json for File-mode channels (T11). */
export function inputDataConfig(
  channels: Record<string, { contentType?: string }>,
): InputDataConfig {
  const config: InputDataConfig = {};
  for (const [name, { contentType }] of Object.entries(channels)) {
    config[name] = {
      TrainingInputMode: 'File',
      S3DistributionType: 'FullyReplicated',
      RecordWrapperType: 'None',
      ...(contentType ? { ContentType: contentType } : {}),
    };
  }
  return config;
}
