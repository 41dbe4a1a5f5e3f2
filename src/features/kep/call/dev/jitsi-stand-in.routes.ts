import { Router } from 'express';
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { JITSI_STAND_IN_PATH } from '../jitsi.config.ts';
import { STAND_IN_EXTERNAL_API } from './external-api.stand-in.ts';

const ROOM = /^[A-Za-z0-9_-]{1,64}$/;

interface CallClaims extends JWTPayload {
  room?: unknown;
  context?: { user?: { name?: unknown; email?: unknown; affiliation?: unknown } };
}

/**
 * A stand-in Jitsi Meet at /dev/jitsi for development and tests (production never mounts it):
 * its `external_api.js`, and a room page that checks the token as prosody's token auth does
 * (HS256 with the app secret, `iss` the app id, `aud` 'jitsi', `nbf`/`exp`, `room` this room)
 * and says who entered as what. There is no media: it lets a person walk every journey.
 */
export function createJitsiStandIn(options: {
  appId: string;
  appSecret: string;
  now?: () => Date;
}): Router {
  const router = Router();
  const secret = new TextEncoder().encode(options.appSecret);
  router.get(`${JITSI_STAND_IN_PATH}/external_api.js`, (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'no-cache').send(STAND_IN_EXTERNAL_API);
  });
  router.get(`${JITSI_STAND_IN_PATH}/:room`, async (req, res) => {
    const room = String(req.params.room);
    // The room is framed by the portal's own call pages (same origin): only this page may be.
    const policy = String(res.getHeader('Content-Security-Policy') ?? '');
    res.setHeader(
      'Content-Security-Policy',
      policy.replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
    );
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.set('Cache-Control', 'no-store');
    const k = (key: string, params?: Record<string, unknown>) =>
      req.t(`kep.devJitsi.${key}`, params);
    const token = typeof req.query.jwt === 'string' ? req.query.jwt : '';
    let problem = '';
    let claims: CallClaims | undefined;
    if (!ROOM.test(room)) problem = 'room';
    else if (!token) problem = 'noToken';
    else {
      try {
        const verified = await jwtVerify<CallClaims>(token, secret, {
          algorithms: ['HS256'],
          issuer: options.appId,
          audience: 'jitsi',
          ...(options.now ? { currentDate: options.now() } : {}),
        });
        claims = verified.payload;
        if (claims.room !== room && claims.room !== '*') problem = 'otherRoom';
      } catch (error) {
        problem =
          error instanceof joseErrors.JWTExpired
            ? 'expired'
            : error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf'
              ? 'early'
              : 'badToken';
      }
    }
    const user = claims?.context?.user;
    res.status(problem ? 401 : 200).render('kep/call/dev/views/stand-in-room', {
      pageTitle: k('title'),
      room,
      problem: problem ? k(`problems.${problem}`) : '',
      who: user
        ? {
            name: typeof user.name === 'string' ? user.name : '',
            email: typeof user.email === 'string' ? user.email : '',
            owner: user.affiliation === 'owner',
          }
        : undefined,
      until: claims?.exp ? new Date(claims.exp * 1000).toISOString() : '',
    });
  });
  return router;
}
