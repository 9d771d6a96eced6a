import type { Platform } from './platforms.ts';

/** Types of template.json after validation and normalization (every default filled in). */

export interface Capabilities {
  train: boolean;
  serve: boolean;
  batch: boolean;
  gpu: boolean;
  /** `train` is the SageMaker training toolkit, running $SAGEMAKER_PROGRAM from /opt/ml/code. */
  toolkit: boolean;
  /** Also deployed as a serverless endpoint of this memory size (MemorySizeInMB, MiB). */
  serverless?: { memorySizeMb: number };
  /** Also deployed as an asynchronous endpoint (AsyncInferenceConfig). */
  async?: AsyncDeployment;
}

/** template.json `capabilities.async` with its defaults filled in. */
export interface AsyncDeployment {
  /** The largest request body, in MiB (7 to 1,024). */
  maxPayloadMb: number;
  /** The longest a request may run (InvocationTimeoutSeconds), 1 to 3,600 s. */
  maxRequestSeconds: number;
  /** The model's Environment for its asynchronous deployment. */
  environment: Record<string, string>;
}

/** Deployment types an image is not meant for, each with why. */
export interface NotDeployedAs {
  serverless?: string;
  async?: string;
}

export interface ChannelSample {
  source: string;
  contentType?: string;
}

export interface MetricDefinition {
  name: string;
  regex: string;
}

export interface TrainingProfile {
  hyperparameters: Record<string, string>;
  failingHyperparameters?: Record<string, string>;
  longRunningHyperparameters?: Record<string, string>;
  channels: Record<string, ChannelSample>;
  metrics: MetricDefinition[];
}

export interface SampleRequest {
  name: string;
  contentType: string;
  accept?: string;
  body?: string;
  bodyFile?: string;
}

export interface ServingProfile {
  model: string;
  requests: SampleRequest[];
  badRequests: SampleRequest[];
}

/** template.json `push`: where and how the image is published to Amazon ECR (defaults filled in). */
export interface PushSettings {
  /** ECR repository name; absent means sagemaker-templates/<folder>. */
  repository?: string;
  region?: string;
  account?: string;
  latest: boolean;
  scanOnPush: boolean;
  tagImmutability: boolean;
  lifecyclePolicy?: { expireUntaggedAfterDays?: number; keepLast?: number };
}

export interface TemplateManifest {
  description: string;
  version: string;
  capabilities: Capabilities;
  notDeployedAs: NotDeployedAs;
  base: { upstream: string; offline?: string };
  /** What it is built, checked and pushed for; default `['linux/amd64']`. */
  platforms: Platform[];
  /**
   * The smallest instance type the image supports, the size the suite runs it at: one name (for
   * the images of its platform) or one per platform. Read it with `declaredInstanceType`.
   */
  instanceType?: string | Partial<Record<Platform, string>>;
  buildArgs: Record<string, string>;
  hyperparameterSchema?: string;
  conformance: {
    training?: TrainingProfile;
    serving?: ServingProfile;
    gpu?: { reportRegex?: string };
    /** Garbage cases (`record.<kind>`, `hyperparameter.<kind>`, `data.<kind>`) this image treats as valid, with why. */
    robustness: { accept: Record<string, string> };
    skip: Record<string, string>;
  };
  budgets: {
    imageSizeMb?: number;
    startupSeconds: number;
    trainingSeconds: number;
    /** serve.longevity's sustained load after its warm-up. */
    longevitySeconds: number;
    /** How much serving memory may grow under that load. */
    memoryGrowthMb: number;
    /** How long async.long-request keeps one request running (past servers' 60 s defaults). */
    longRequestSeconds: number;
  };
  push: PushSettings;
}

/** /opt/ml/input/config/resourceconfig.json (T12, T13). */
export interface ResourceConfig {
  current_host: string;
  hosts: string[];
  network_interface_name?: string;
  current_instance_type?: string;
  current_group_name?: string;
  instance_groups?: { instance_group_name: string; instance_type: string; hosts: string[] }[];
  topology?: unknown;
}

/** /opt/ml/input/config/inputdataconfig.json (T11). */
export type InputDataConfig = Record<
  string,
  {
    TrainingInputMode: 'File' | 'FastFile' | 'Pipe';
    ContentType?: string;
    S3DistributionType?: 'FullyReplicated' | 'ShardedByS3Key';
    RecordWrapperType?: string;
  }
>;

/** /opt/ml/input/config/hyperparameters.json (T8): always string to string. */
export type Hyperparameters = Record<string, string>;
