// Compiles the stylesheet and copies fonts, images and GOV.UK Frontend's script into public/assets.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as sass from 'sass';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'public', 'assets');
const govuk = path.join(
  path.dirname(require.resolve('govuk-frontend/package.json')),
  'dist',
  'govuk',
);
const fonts = path.join(
  path.dirname(require.resolve('@fontsource/noto-sans/package.json')),
  'files',
);

await mkdir(path.join(out, 'css'), { recursive: true });
await mkdir(path.join(out, 'js'), { recursive: true });
await mkdir(path.join(out, 'fonts'), { recursive: true });

const css = sass.compile(path.join(root, 'assets', 'scss', 'app.scss'), {
  style: 'compressed',
  loadPaths: [path.join(root, 'node_modules')],
  quietDeps: true,
  silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'slash-div'],
});
await writeFile(path.join(out, 'css', 'app.css'), css.css);

for (const name of ['greek-400', 'greek-700', 'latin-400', 'latin-700']) {
  await cp(
    path.join(fonts, `noto-sans-${name}-normal.woff2`),
    path.join(out, 'fonts', `noto-sans-${name}-normal.woff2`),
  );
}
await cp(path.join(govuk, 'govuk-frontend.min.js'), path.join(out, 'js', 'govuk-frontend.min.js'));
await cp(path.join(govuk, 'assets', 'images'), path.join(out, 'govuk', 'images'), {
  recursive: true,
});
await cp(path.join(root, 'assets', 'images'), path.join(out, 'images'), { recursive: true });
console.log('assets built');
