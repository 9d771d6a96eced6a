import { excerpt } from '../excerpt.ts';

/**
 * A JSON value as a short phrase for an error message. Never JSON.stringify a client's value
 * whole: it may be megabytes long, or nested deeply enough to overflow the stack.
 */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return `the string ${excerpt(value)}`;
    case 'number':
      return Number.isFinite(value) ? String(value) : 'a number too large even for float64';
    case 'boolean':
      return String(value);
    default:
      return 'an object';
  }
}
