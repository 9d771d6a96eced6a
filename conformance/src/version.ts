/** Bump when a check changes what it accepts: cached results are keyed on it. */
export const SUITE_VERSION = '0.1.0';
