// The engine's HTTP client answers with these (status 0: no answer, the reason in the body).
export { describeStatus, type HttpExchange, type HttpRequest } from '@sagemaker-templates/engine';

/** First 200 characters of a body, on one line, for messages. */
export function excerpt(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
