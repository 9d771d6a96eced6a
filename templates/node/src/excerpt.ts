/**
 * A value to quote in an error message, cut to `max` characters: messages echo what the client or
 * the data held, and that can be megabytes (a 6 MB cell, a hyperparameter pasted by mistake).
 */
export function excerpt(text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
