import { TextDecoder } from 'node:util';
import { csvLines, parseNumber } from '../csv.ts';
import { badRequest, HttpError } from './http-error.ts';
import type { MediaType } from './content-negotiation.ts';

export const SUPPORTED_CONTENT_TYPES = ['text/csv', 'application/json'] as const;
export type SupportedContentType = (typeof SUPPORTED_CONTENT_TYPES)[number];

/** Decodes the body's bytes with the Content-Type's charset (UTF-8 when absent). */
export function decodeText(body: Buffer, charset = 'utf-8'): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `charset=${charset} is not supported. Send the body as UTF-8 (charset=utf-8 or no charset).`,
    );
  }
  try {
    return decoder.decode(body);
  } catch {
    throw badRequest(
      `The body is not valid ${charset}. Encode it as ${charset}, or send UTF-8 and say charset=utf-8.`,
    );
  }
}

/**
 * Rows of features from a request body. text/csv: one row per line, features only, an optional
 * header line. application/json: {"instances": [[...], ...]}, {"instances": [{"features": [...]}]},
 * {"features": [...]}, a bare array of rows, or a single row.
 */
export function decodeRows(
  text: string,
  contentType: SupportedContentType,
  featureCount: number,
): number[][] {
  const rows = contentType === 'text/csv' ? csvRows(text) : jsonRows(text);
  if (rows.length === 0) {
    throw badRequest(
      `The request has no rows. Send rows of ${featureCount} features: one per line for text/csv, or {"instances": [[...]]} for application/json.`,
    );
  }
  rows.forEach((row, i) => {
    if (row.length !== featureCount) {
      throw badRequest(
        `Row ${i + 1} has ${row.length} values, expected ${featureCount} features (the model was trained on ${featureCount}). Send features only, without the label column.`,
      );
    }
  });
  return rows;
}

function csvRows(text: string): number[][] {
  const lines = csvLines(text);
  const first = lines[0];
  const body =
    first && first.cells.some((c) => parseNumber(c) === undefined) && lines.length > 1
      ? lines.slice(1)
      : lines;
  return body.map(({ cells }, i) =>
    cells.map((cell, j) => {
      const value = parseNumber(cell);
      if (value === undefined)
        throw badRequest(
          `Row ${i + 1}, column ${j + 1}: ${JSON.stringify(cell.slice(0, 40))} is not a number. Send numeric features only.`,
        );
      return value;
    }),
  );
}

const JSON_SHAPES =
  'Send {"instances": [[f1, f2, ...], ...]}, {"features": [f1, f2, ...]} or an array of rows';

function jsonRows(text: string): number[][] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`The body is not valid JSON (${(error as Error).message}). ${JSON_SHAPES}.`);
  }
  let rows: unknown[];
  if (Array.isArray(value)) {
    rows = value.length > 0 && value.every((v) => typeof v === 'number') ? [value] : value;
  } else if (isObject(value) && Array.isArray(value.instances)) {
    rows = value.instances.map((r) => (isObject(r) && Array.isArray(r.features) ? r.features : r));
  } else if (isObject(value) && Array.isArray(value.features)) {
    rows = [value.features];
  } else {
    throw badRequest(`The JSON body has none of the accepted shapes. ${JSON_SHAPES}.`);
  }
  return rows.map((row, i) => {
    if (!Array.isArray(row))
      throw badRequest(`Row ${i + 1} is not an array of numbers. ${JSON_SHAPES}.`);
    return row.map((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw badRequest(
          `Row ${i + 1}, column ${j + 1}: ${JSON.stringify(v)} is not a number. Send numeric features only.`,
        );
      return v;
    });
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The supported Content-Type a request declares, or undefined when it declares none (then the
 * body is sniffed). Throws 415 for anything else.
 */
export function requestContentType(
  header: string | undefined,
  media: MediaType | undefined,
): SupportedContentType | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const supported = SUPPORTED_CONTENT_TYPES.find((t) => t === media?.essence);
  if (!supported) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `Content-Type ${JSON.stringify(header.slice(0, 100))} is not supported. Supported: ${SUPPORTED_CONTENT_TYPES.join(', ')} (e.g. curl -H 'Content-Type: text/csv').`,
    );
  }
  return supported;
}

/** A body without Content-Type: JSON when it starts like JSON, else CSV. */
export function sniffContentType(text: string): SupportedContentType {
  return /^\s*[[{]/.test(text) ? 'application/json' : 'text/csv';
}
