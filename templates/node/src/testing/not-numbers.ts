/** Cells a strict reader must refuse as numbers (CONTRACT R3, R6): not finite in float32, or not plain ASCII decimals. */
export const NOT_NUMBERS = [
  'nan',
  'NaN',
  'inf',
  '-Infinity',
  '1e39',
  '-3.5e38',
  '1e400',
  '9'.repeat(400),
  '١٢',
  '１２',
  '1_000',
  '0x10',
];
