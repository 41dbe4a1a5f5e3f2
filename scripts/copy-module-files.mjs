// After `tsc`: the modules' strings (src/features/<name>/locales/*.json) go beside their compiled manifests.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const features = path.resolve('src/features');
let copied = 0;
for (const name of readdirSync(features)) {
  const from = path.join(features, name, 'locales');
  if (!existsSync(from)) continue;
  cpSync(from, path.resolve('dist/src/features', name, 'locales'), { recursive: true });
  copied += 1;
}
console.log(`module strings copied: ${copied} modules`);
