// Nx loads generators with require(); tsx's CommonJS hook lets it load the TypeScript source directly.
require('tsx/cjs');
module.exports = require('./src/template-generator.ts');
