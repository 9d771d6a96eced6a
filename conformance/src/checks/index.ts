import type { Check } from '../check.ts';
import { entrypointExecForm } from './image/entrypoint-exec-form.ts';
import { entrypointNoTini } from './image/entrypoint-no-tini.ts';
import { imageUserRoot } from './image/user-root.ts';
import { trainGpuReal } from './train/gpu-real.ts';
import { trainGpuSimulated } from './train/gpu-simulated.ts';
import { imageNoCredentials } from './image/no-credentials.ts';
import { imageCpuNoCuda } from './image/cpu-no-cuda.ts';
import { imageNoDriverLibraries } from './image/no-driver-libraries.ts';
import { imagePlatform } from './image/platform.ts';
import { imageSizeBudget } from './image/size-budget.ts';
import { trainMultiHost } from './train/multi-host.ts';
import { trainNetworkIsolation } from './train/network-isolation.ts';
import { trainSigterm } from './train/sigterm.ts';
import { mmeInvoke } from './mme/invoke.ts';
import { mmeList } from './mme/list.ts';
import { mmeLoad } from './mme/load.ts';
import { mmeUnload } from './mme/unload.ts';
import { batchEnvironment } from './batch/environment.ts';
import { batchTransform } from './batch/transform.ts';
import { serveBindToPort } from './serve/bind-to-port.ts';
import { serveNetworkIsolation } from './serve/network-isolation.ts';
import { serveConcurrency } from './serve/concurrency.ts';
import { serveLongevity } from './serve/longevity.ts';
import { serverlessInvocations } from './serverless/invocations.ts';
import { serverlessReady } from './serverless/ready.ts';
import { asyncLongRequest } from './async/long-request.ts';
import { asyncPayload } from './async/payload.ts';
import { asyncPayloadMemory } from './async/payload-memory.ts';
import { batchExecutionParameters } from './batch/execution-parameters.ts';
import { batchStrategySpelling } from './batch/execution-parameters-strategy-spelling.ts';
import { serveHeadersTolerated } from './serve/headers-tolerated.ts';
import { servePayloadLimit } from './serve/payload-6mb.ts';
import { servePingHonest } from './serve/ping-honest.ts';
import { trainChannelsReadOnly } from './train/channels-read-only.ts';
import { trainHyperparametersEmpty } from './train/hyperparameters-empty.ts';
import { trainHyperparametersJsonEncoded } from './train/hyperparameters-json-encoded.ts';
import { trainResourceconfigMinimal } from './train/resourceconfig-minimal.ts';
import { serveBadInputClientError } from './serve/bad-input-client-error.ts';
import { serveBadInputSurvives } from './serve/bad-input-survives.ts';
import { serveInvocationsAccept } from './serve/invocations-accept.ts';
import { serveInvocationsContentTypes } from './serve/invocations-content-types.ts';
import { servePingOk } from './serve/ping-ok.ts';
import { serveSigterm } from './serve/sigterm.ts';
import { trainExitSuccess } from './train/exit-success.ts';
import { trainFailureExitCode } from './train/failure-exit-code.ts';
import { trainFailureFile } from './train/failure-file.ts';
import { trainFailureMissingChannel } from './train/failure-missing-channel.ts';
import { trainInvocation } from './train/invocation.ts';
import { trainMetricsRegex } from './train/metrics-regex.ts';
import { trainModelWritten } from './train/model-written.ts';
import { toolkitFailureText } from './toolkit/failure-execute-user-script-error.ts';
import { toolkitHyperparametersCli } from './toolkit/hyperparameters-cli.ts';
import { toolkitProgramCodeDir } from './toolkit/program-code-dir.ts';
import { toolkitSmVariables } from './toolkit/sm-variables.ts';
import { toolkitSuccessFile } from './toolkit/success-file.ts';
import { robustServeGarbage } from './robust/serve-garbage.ts';
import { robustServeLargestBatch } from './robust/serve-largest-batch.ts';
import { robustServeRecordCount } from './robust/serve-record-count.ts';
import { robustServeStrictOutput } from './robust/serve-strict-output.ts';
import { robustTrainData } from './robust/train-data.ts';
import { robustTrainHyperparameters } from './robust/train-hyperparameters.ts';

/** Every check of the suite, in report order. Ids are stable: reports and skips refer to them. */
export const checks: readonly Check[] = [
  entrypointExecForm,
  entrypointNoTini,
  imageUserRoot,
  imageNoCredentials,
  imagePlatform,
  imageSizeBudget,
  imageNoDriverLibraries,
  imageCpuNoCuda,
  trainInvocation,
  trainExitSuccess,
  trainModelWritten,
  trainMetricsRegex,
  trainFailureFile,
  trainFailureExitCode,
  trainFailureMissingChannel,
  trainHyperparametersJsonEncoded,
  trainHyperparametersEmpty,
  trainChannelsReadOnly,
  trainResourceconfigMinimal,
  trainNetworkIsolation,
  trainMultiHost,
  trainSigterm,
  trainGpuSimulated,
  trainGpuReal,
  toolkitProgramCodeDir,
  toolkitHyperparametersCli,
  toolkitSmVariables,
  toolkitFailureText,
  toolkitSuccessFile,
  servePingOk,
  servePingHonest,
  serveInvocationsContentTypes,
  serveInvocationsAccept,
  serveHeadersTolerated,
  servePayloadLimit,
  serveConcurrency,
  serveLongevity,
  serveBadInputSurvives,
  serveBadInputClientError,
  serveBindToPort,
  serveNetworkIsolation,
  serverlessReady,
  serverlessInvocations,
  asyncPayload,
  asyncPayloadMemory,
  asyncLongRequest,
  batchEnvironment,
  batchExecutionParameters,
  batchStrategySpelling,
  batchTransform,
  mmeLoad,
  mmeList,
  mmeInvoke,
  mmeUnload,
  robustTrainHyperparameters,
  robustTrainData,
  robustServeLargestBatch,
  robustServeGarbage,
  robustServeStrictOutput,
  robustServeRecordCount,
  serveSigterm,
];
