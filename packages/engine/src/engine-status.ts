/** True when `error` is a Docker engine API error with one of the given HTTP status codes. */
export function hasEngineStatus(error: unknown, ...codes: number[]): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && codes.includes(status);
}

/** The engine's own message of an API error (dockerode puts it in `json.message`), else the error's message. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: unknown } | null)?.json;
  if (
    json &&
    typeof json === 'object' &&
    typeof (json as { message?: unknown }).message === 'string'
  ) {
    return (json as { message: string }).message;
  }
  if (typeof json === 'string' && json.trim()) return json.trim();
  return error instanceof Error ? error.message : String(error);
}
