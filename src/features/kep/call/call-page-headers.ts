import type { Response } from 'express';
import { permissionsPolicy, PERMISSIONS } from '../../../middleware/security-headers.ts';
import type { JitsiSettings } from './jitsi.config.ts';

/**
 * A call page's own headers: its Content-Security-Policy also allows the Jitsi server's origin
 * for the room's frame and its `external_api.js` (this page only: every other page allows none),
 * and camera and microphone are allowed for our page and that frame (every other page: none).
 */
export function allowJitsiOnThisPage(res: Response, settings: JitsiSettings): void {
  if (!settings.enabled) return;
  const origin = settings.origin;
  const policy = String(res.getHeader('Content-Security-Policy') ?? '');
  const directives = policy.split(';').map((directive) => directive.trim());
  const add = (name: string) => {
    const index = directives.findIndex((d) => d === name || d.startsWith(`${name} `));
    if (index === -1) directives.push(`${name} 'self' ${origin}`);
    else if (!directives[index]!.split(/\s+/).includes(origin))
      directives[index] = `${directives[index]} ${origin}`;
  };
  add('script-src');
  add('frame-src');
  res.setHeader('Content-Security-Policy', directives.join(';'));
  const media = ['self', `"${origin}"`];
  res.setHeader(
    'Permissions-Policy',
    permissionsPolicy({
      ...PERMISSIONS,
      camera: media,
      microphone: media,
      'display-capture': media,
    }),
  );
}
