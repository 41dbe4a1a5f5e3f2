import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';

const FINGERPRINTED_CACHE = 'public, max-age=31536000, immutable';

interface Manifest {
  /** logical name (css/app.css) -> fingerprinted name (css/app.0123456789.css) */
  names: Map<string, string>;
  fingerprinted: Set<string>;
  mtimeMs: number;
}

export interface Assets {
  /** The URL of an asset by its logical name ('css/app.css' or '/assets/css/app.css'). */
  url: (name: string) => string;
  /** Serves the files of the current build only: fingerprinted ones for a year, the rest briefly. */
  serve: RequestHandler;
}

/**
 * The assets scripts/build-assets.mjs wrote to `dir`, found through its manifest.json. Outside
 * production the manifest is read again whenever a rebuild changes it.
 */
export function createAssets(dir: string, options: { production: boolean }): Assets {
  const manifestFile = path.join(dir, 'manifest.json');
  let manifest = readManifest(manifestFile);
  const current = (): Manifest => {
    if (options.production) return manifest;
    try {
      if (statSync(manifestFile).mtimeMs !== manifest.mtimeMs)
        manifest = readManifest(manifestFile);
    } catch {
      // In the middle of a rebuild: the last manifest stands until the new one is in place.
    }
    return manifest;
  };
  const plainCache = options.production ? 'public, max-age=3600' : 'no-cache';
  const files = express.static(dir, {
    index: false,
    redirect: false,
    fallthrough: false,
    cacheControl: false,
    setHeaders: (res, file) => {
      const name = path.relative(dir, file).split(path.sep).join('/');
      const immutable = manifest.fingerprinted.has(name);
      res.setHeader('Cache-Control', immutable ? FINGERPRINTED_CACHE : plainCache);
    },
  });

  return {
    url: (name) => {
      const logical = name.replace(/^\/assets\//, '');
      const fingerprinted = current().names.get(logical);
      if (fingerprinted) return `/assets/${fingerprinted}`;
      // A URL from config (an outside logo, say) is used as it is.
      if (name.startsWith('/') || /^https?:/.test(name)) return name;
      throw new Error(`Unknown asset "${name}": is it in assets/ and was the build run?`);
    },
    serve: (req, res, next) => {
      const name = req.path.slice(1);
      const { names, fingerprinted } = current();
      // Only this build's files: a fingerprint from another build is not served stale.
      if (!fingerprinted.has(name) && !names.has(name)) {
        res.status(404).set('Cache-Control', 'no-cache').type('text/plain').send('Not found');
        return;
      }
      files(req, res, (error?: unknown) => {
        if (error && (error as { status?: number }).status === 404) {
          res.status(404).set('Cache-Control', 'no-cache').type('text/plain').send('Not found');
        } else next(error);
      });
    },
  };
}

function readManifest(file: string): Manifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: build the assets with "npm run prepare"`);
  }
  const names = new Map(Object.entries(JSON.parse(text) as Record<string, string>));
  return { names, fingerprinted: new Set(names.values()), mtimeMs: statSync(file).mtimeMs };
}
