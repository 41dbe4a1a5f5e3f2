// Builds public/assets: the compiled stylesheet, our script, GOV.UK Frontend's script, fonts and
// images, each under a fingerprinted name (app.<hash>.css) so it can be cached for a year, plus
// manifest.json that maps each logical name (css/app.css) to its fingerprinted one. Images also
// keep their plain name (short cache), for URLs set in config or sent in emails.
// The folder is built aside and swapped in whole, so no file of an older build survives.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as sass from 'sass';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const target = path.join(root, 'public', 'assets');
const staging = path.join(root, 'public', `.assets-build-${process.pid}`);
const govuk = path.join(
  path.dirname(require.resolve('govuk-frontend/package.json')),
  'dist',
  'govuk',
);
const fonts = path.join(
  path.dirname(require.resolve('@fontsource/noto-sans/package.json')),
  'files',
);
const leaflet = path.join(path.dirname(require.resolve('leaflet/package.json')), 'dist');

/** logical name -> fingerprinted name, both relative to /assets/ */
const manifest = {};

async function emit(logical, content, { keepPlainName = false } = {}) {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 10);
  const ext = path.extname(logical);
  const fingerprinted = `${logical.slice(0, -ext.length)}.${hash}${ext}`;
  await mkdir(path.dirname(path.join(staging, logical)), { recursive: true });
  await writeFile(path.join(staging, fingerprinted), content);
  if (keepPlainName) await writeFile(path.join(staging, logical), content);
  manifest[logical] = fingerprinted;
}

async function emitFolder(from, logicalFolder, options) {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isFile())
      await emit(
        `${logicalFolder}/${entry.name}`,
        await readFile(path.join(from, entry.name)),
        options,
      );
  }
}

/** Points each url(/assets/...) at its fingerprinted file; an unknown one fails the build. */
function fingerprintUrls(css) {
  const missing = [];
  const out = css.replace(
    /url\((["']?)\/assets\/([^"')?#]+)([^"')]*)\1\)/g,
    (_m, q, name, rest) => {
      if (!manifest[name]) missing.push(name);
      return `url(${q}/assets/${manifest[name]}${rest}${q})`;
    },
  );
  if (missing.length)
    throw new Error(`The stylesheet refers to unknown assets: ${missing.join(', ')}`);
  return out;
}

await rm(staging, { recursive: true, force: true });

for (const name of ['greek-400', 'greek-700', 'latin-400', 'latin-700']) {
  const file = `noto-sans-${name}-normal.woff2`;
  await emit(`fonts/${file}`, await readFile(path.join(fonts, file)));
}
await emitFolder(path.join(govuk, 'assets', 'images'), 'govuk/images');
await emitFolder(path.join(root, 'assets', 'images'), 'images', { keepPlainName: true });

const css = sass.compile(path.join(root, 'assets', 'scss', 'app.scss'), {
  style: 'compressed',
  loadPaths: [path.join(root, 'node_modules')],
  quietDeps: true,
  silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'slash-div'],
});
await emit('css/app.css', fingerprintUrls(css.css));

// The source map is not shipped, so its comment goes too (no request that would 404).
const govukScript = (await readFile(path.join(govuk, 'govuk-frontend.min.js'), 'utf8')).replace(
  /\/\/# sourceMappingURL=\S+\s*$/,
  '',
);
await emit('js/govuk-frontend.min.js', govukScript);

const importOfGovuk = "'./govuk-frontend.min.js'";
const appScript = await readFile(path.join(root, 'assets', 'js', 'app.mjs'), 'utf8');
if (!appScript.includes(importOfGovuk))
  throw new Error(`assets/js/app.mjs must import GOV.UK Frontend from ${importOfGovuk}`);
await emit(
  'js/app.mjs',
  appScript.replace(importOfGovuk, `'./${path.basename(manifest['js/govuk-frontend.min.js'])}'`),
);

// Leaflet, for the map on a new request's first step (request-map.mjs loads it only there): its
// script without the source-map comment, its stylesheet pointing at its fingerprinted images,
// and its licence (BSD-2-Clause asks for it to travel with the code).
await emitFolder(path.join(leaflet, 'images'), 'vendor/leaflet/images');
const leafletCss = (await readFile(path.join(leaflet, 'leaflet.css'), 'utf8')).replace(
  /url\((images\/[^)]+)\)/g,
  (_m, name) => {
    const fingerprinted = manifest[`vendor/leaflet/${name}`];
    if (!fingerprinted) throw new Error(`leaflet.css refers to an unknown image: ${name}`);
    return `url(${path.posix.relative('vendor/leaflet', fingerprinted)})`;
  },
);
// Its attribution's links are told apart by colour alone: underlined, as ours are (WCAG 1.4.1).
await emit(
  'vendor/leaflet/leaflet.css',
  `${leafletCss}\n.leaflet-control-attribution a { text-decoration: underline; }\n`,
);
await emit(
  'vendor/leaflet/leaflet.js',
  (await readFile(path.join(leaflet, 'leaflet.js'), 'utf8')).replace(
    /\/\/# sourceMappingURL=\S+\s*$/,
    '',
  ),
);
await emit('vendor/leaflet/LICENSE.txt', await readFile(path.join(leaflet, '..', 'LICENSE')), {
  keepPlainName: true,
});
await emit(
  'js/request-map.mjs',
  await readFile(path.join(root, 'assets', 'js', 'request-map.mjs')),
);
// The public list's map of known problems (/requests/public), with the same Leaflet.
await emit(
  'js/public-requests-map.mjs',
  await readFile(path.join(root, 'assets', 'js', 'public-requests-map.mjs')),
);

// The ΚΕΠ video call: the room embedded with Jitsi's iframe API (citizen, guest and clerk).
await emit('js/kep-call.mjs', await readFile(path.join(root, 'assets', 'js', 'kep-call.mjs')));

await writeFile(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const previous = `${target}.old-${process.pid}`;
await rename(target, previous).catch((error) => {
  if (error.code !== 'ENOENT') throw error;
});
await rename(staging, target);
await rm(previous, { recursive: true, force: true });
console.log(`assets built: ${Object.keys(manifest).length} files`);
