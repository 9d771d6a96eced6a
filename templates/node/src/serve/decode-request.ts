import { TextDecoder } from 'node:util';
import { decodeUtf8, InvalidUtf8 } from '../decode-utf8.ts';
import { excerpt } from '../excerpt.ts';
import { csvRows } from './csv-rows.ts';
import { jsonRows } from './json-rows.ts';
import { badRequest, HttpError } from './http-error.ts';
import type { MediaType } from './content-negotiation.ts';

export const SUPPORTED_CONTENT_TYPES = ['text/csv', 'application/json'] as const;
export type SupportedContentType = (typeof SUPPORTED_CONTENT_TYPES)[number];

/** Decodes the body's bytes with the Content-Type's charset (UTF-8 when absent). */
export function decodeText(body: Buffer, charset = 'utf-8'): string {
  if (/^utf-?8$/i.test(charset)) return decodeUtf8Body(body);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `charset=${excerpt(charset)} is not supported. Send the body as UTF-8 (charset=utf-8 or no charset).`,
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
 * Rows of features from a request body, one per record: text/csv lines (no header) or
 * application/json instances. Throws a 400 naming the first damaged record.
 */
export function decodeRows(
  text: string,
  contentType: SupportedContentType,
  featureCount: number,
): number[][] {
  const rows =
    contentType === 'text/csv' ? csvRows(text, featureCount) : jsonRows(text, featureCount);
  if (rows.length === 0) throw noRows(featureCount);
  return rows;
}

export function noRows(featureCount: number): HttpError {
  return badRequest(
    `The request has no rows. Send rows of ${featureCount} features: one per line for text/csv, or {"instances": [[...]]} for application/json.`,
  );
}

/** The 400 for bytes that are not UTF-8 on a line of the body (1-based). */
export function notUtf8(line: number): HttpError {
  return badRequest(
    `Line ${line} of the body is not valid UTF-8 (for text/csv, row ${line}). Encode the body as UTF-8, or declare its charset in Content-Type.`,
  );
}

/** UTF-8, strictly: a bad byte is refused naming its line (for text/csv, the record). */
function decodeUtf8Body(body: Buffer): string {
  try {
    return decodeUtf8(body);
  } catch (error) {
    if (!(error instanceof InvalidUtf8)) throw error;
    throw notUtf8(error.line);
  }
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
      `Content-Type ${excerpt(header, 100)} is not supported. Supported: ${SUPPORTED_CONTENT_TYPES.join(', ')} (e.g. curl -H 'Content-Type: text/csv').`,
    );
  }
  return supported;
}

/** A body without Content-Type: JSON when it starts like JSON, else CSV. */
export function sniffContentType(text: string): SupportedContentType {
  return /^\s*[[{]/.test(text) ? 'application/json' : 'text/csv';
}
