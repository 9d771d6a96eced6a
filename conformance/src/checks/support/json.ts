/** The parsed value of `text`, or undefined when it is not JSON (so `null` stays distinguishable). */
export function tryJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}
