// Minifies the wasm-bindgen glue in a dist directory with terser (pinned in package.json; Trunk's own minifier
// fails on this file: "Failed to minify JS") and rewrites its Subresource Integrity hash in index.html, so the
// browser still accepts it. scripts/build-ui.sh runs it before precompress.mjs. Usage: node minify-js.mjs <dist>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { minify } from 'terser';

const dist = process.argv[2];
if (!dist) throw new Error('usage: node minify-js.mjs <dist>');
const sri = (text) => `sha384-${createHash('sha384').update(text).digest('base64')}`;
const indexPath = join(dist, 'index.html');
let index = readFileSync(indexPath, 'utf8');
for (const name of readdirSync(dist).filter((n) => n.endsWith('.js'))) {
  const path = join(dist, name);
  const source = readFileSync(path, 'utf8');
  const before = sri(source);
  // Only files index.html pins by hash are ours to rewrite; anything else is left alone.
  if (!index.includes(before)) throw new Error(`index.html has no integrity hash for ${name}; refusing to minify it`);
  const { code } = await minify(source, { module: true, compress: { passes: 2 }, mangle: true, format: { comments: false } });
  writeFileSync(path, code);
  index = index.replaceAll(before, sri(code));
  console.log(`${name}: ${(source.length / 1024).toFixed(1)} → ${(code.length / 1024).toFixed(1)} kB (minified)`);
}
writeFileSync(indexPath, index);
