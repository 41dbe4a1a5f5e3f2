import request from 'supertest';
import { expect } from 'vitest';
import { startLiveServer } from './browser.ts';
import { createActiveUser, type Agent } from './accounts.ts';
import { TEST_TAXPAYERS } from '../../src/features/taxisnet/dev/taxpayers.ts';
import type { Feature } from '../../src/features/hub/hub-entry.ts';

/**
 * The portal listening on a port of its own, so that its server-to-server calls to GSIS (the
 * token and userinfo requests) reach the stand-in it mounts at BASE_URL/dev/gsis, as `npm start`
 * does with no settings.
 */
export async function listeningPortal(
  env: Record<string, string> = {},
  extraFeatures: Feature[] = [],
) {
  const server = await startLiveServer(undefined, env, extraFeatures);
  return {
    ctx: server,
    base: server.baseUrl,
    agent: (): Agent => request.agent(server.baseUrl),
    close: server.stop,
  };
}

/** Where a redirect goes, as a path (with query) on `base`. */
export function redirectPath(location: string | undefined, base: string): string {
  expect(location, 'a redirect').toBeTruthy();
  const url = new URL(location!, base);
  expect(url.origin).toBe(new URL(base).origin);
  return url.pathname + url.search;
}

/**
 * Signs in through TaxisNet as a person would: /auth/taxisnet, the stand-in's page (the taxpayer
 * chosen, allow or deny), and back to the callback. Returns the callback's answer.
 */
export async function throughTaxisnet(
  agent: Agent,
  base: string,
  afm: string,
  options: {
    decision?: 'allow' | 'deny';
    /** A form's answer that leads to /auth/taxisnet (the account page's "link"), else it is opened. */
    from?: { headers: Record<string, string> };
    next?: string;
  } = {},
) {
  const startPath = options.from
    ? redirectPath(options.from.headers.location, base)
    : `/auth/taxisnet${options.next ? `?next=${encodeURIComponent(options.next)}` : ''}`;
  expect(startPath.startsWith('/auth/taxisnet')).toBe(true);
  const started = await agent.get(startPath);
  expect(started.status).toBe(302);
  const location = started.headers.location as string | undefined;
  const authorize = new URL(location!, base);
  expect(authorize.pathname).toBe('/dev/gsis/oauth2server/oauth/authorize');
  expect(authorize.searchParams.get('scope')).toBe('read');
  expect(authorize.searchParams.get('state')).toBeTruthy();
  expect(authorize.searchParams.get('code_challenge')).toBeNull();
  const page = await agent.get(authorize.pathname + authorize.search);
  expect(page.status).toBe(200);
  const decide = new URL('/dev/gsis/oauth2server/oauth/authorize/decide', base);
  for (const name of ['response_type', 'client_id', 'redirect_uri', 'state', 'scope'])
    decide.searchParams.set(name, authorize.searchParams.get(name) ?? '');
  decide.searchParams.set('taxpayer', afm);
  decide.searchParams.set('decision', options.decision ?? 'allow');
  const decided = await agent.get(decide.pathname + decide.search);
  expect(decided.status).toBe(302);
  return agent.get(redirectPath(decided.headers.location as string, base));
}

/**
 * Two citizens with accounts TaxisNet opens (the stand-in's 2nd and 3rd taxpayers), each signed
 * in through it in an agent of their own: the owner of what a test makes, and another citizen
 * who must not reach it.
 */
export async function twoTaxisnetCitizens(
  portal: Awaited<ReturnType<typeof listeningPortal>>,
  prefix: string,
): Promise<{ ownerId: number; owner: Agent; other: Agent; ownerAfm: string; otherAfm: string }> {
  const [, ownerAfm, otherAfm] = TEST_TAXPAYERS.map((t) => t.taxid.trim()) as [
    string,
    string,
    string,
  ];
  const { id: ownerId } = await createActiveUser(portal.ctx.db, `${prefix}-owner`, {
    taxisnet_afm: ownerAfm,
    taxisnet_linked_at: new Date(),
  });
  await createActiveUser(portal.ctx.db, `${prefix}-other`, {
    taxisnet_afm: otherAfm,
    taxisnet_linked_at: new Date(),
  });
  const owner = portal.agent();
  const other = portal.agent();
  for (const [agent, afm] of [
    [owner, ownerAfm],
    [other, otherAfm],
  ] as const)
    expect((await throughTaxisnet(agent, portal.base, afm)).status).toBe(303);
  return { ownerId, owner, other, ownerAfm, otherAfm };
}
