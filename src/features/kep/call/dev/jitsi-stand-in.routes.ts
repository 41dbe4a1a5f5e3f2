import { Router } from 'express';

/** A stand-in Jitsi Meet at /dev/jitsi for development and tests (production never mounts it). */
export function createJitsiStandIn(_options: { appId: string; appSecret: string }): Router {
  return Router();
}
