// After `tsc`: what the modules keep beside their code (strings, page and mail templates, the
// manual's screenshots) goes
// beside their compiled manifests, as the source tree has it.
import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';

const features = path.resolve('src/features');
const compiled = path.resolve('dist/src/features');
const kept = (name) => name.endsWith('.json') || name.endsWith('.ejs') || name.endsWith('.png');
let copied = 0;
for (const entry of readdirSync(features, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !kept(entry.name)) continue;
  const from = path.join(entry.parentPath, entry.name);
  cpSync(from, path.join(compiled, path.relative(features, from)));
  copied += 1;
}
console.log(`module files copied: ${copied} (strings, templates and pictures)`);
