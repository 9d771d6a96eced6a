import { TransformError } from './transform-error.ts';

/** How SageMaker groups records into requests (TransformJob BatchStrategy). */
export type BatchStrategy = 'SingleRecord' | 'MultiRecord';

/** One request's body: `count` records from record `first` (0-based) of its file. */
export interface Batch {
  body: Buffer;
  first: number;
  count: number;
}

/**
 * Groups a file's records into request bodies: one record each (SingleRecord), or as many
 * consecutive records as fit in `maxPayloadBytes` (MultiRecord; 0 means no limit). A record larger
 * than the limit fails the job, as on SageMaker.
 */
export function batchRecords(
  records: Buffer[],
  strategy: BatchStrategy,
  maxPayloadBytes: number,
  file: string,
): Batch[] {
  const batches: Batch[] = [];
  let parts: Buffer[] = [];
  let size = 0;
  let first = 0;
  const flush = () => {
    if (parts.length) batches.push({ body: Buffer.concat(parts), first, count: parts.length });
    first += parts.length;
    parts = [];
    size = 0;
  };
  records.forEach((record, index) => {
    if (maxPayloadBytes > 0 && record.length > maxPayloadBytes)
      throw new TransformError(
        `${file}: record ${index + 1} has ${record.length} bytes, more than MaxPayloadInMB allows (${maxPayloadBytes} bytes). Raise --max-payload-in-mb (up to 100), or split the file into smaller records (--split-type Line).`,
      );
    const fits = maxPayloadBytes === 0 || size + record.length <= maxPayloadBytes;
    if (strategy === 'SingleRecord' || !fits) flush();
    parts.push(record);
    size += record.length;
  });
  flush();
  return batches;
}
