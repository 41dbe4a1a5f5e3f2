import { SignJWT } from 'jose';
import type { JitsiSettings } from './jitsi.config.ts';

/** Who enters a room: the ΚΕΠ clerk (its owner), the citizen, or a helper the clerk invited. */
export type CallRole = 'clerk' | 'citizen' | 'guest';

/** The room's doors open this long before the appointment and close this long after its end. */
export const TOKEN_OPENS_MS = 10 * 60_000;
export const TOKEN_CLOSES_MS = 30 * 60_000;

export interface CallTokenInput {
  room: string;
  role: CallRole;
  /** 'user-12', 'guest-3': who the token is for, as Jitsi shows it in its logs. */
  id: string;
  name: string;
  email: string;
  startsAt: Date;
  endsAt: Date;
}

/**
 * Nothing of a call is recorded, streamed or transcribed. The server has no Jibri; the token's
 * features say the same to prosody, and the page's config overrides hide the buttons.
 */
export const NO_RECORDING_FEATURES = {
  recording: false,
  livestreaming: false,
  transcription: false,
  'outbound-call': false,
} as const;

/** Jitsi Meet's config for our rooms: what the iframe API gets and the plain link carries. */
export const ROOM_CONFIG: Readonly<Record<string, unknown>> = {
  prejoinConfig: { enabled: true },
  disableDeepLinking: true,
  recordingService: { enabled: false, sharingEnabled: false },
  localRecording: { disable: true },
  liveStreaming: { enabled: false },
  transcription: { enabled: false },
  fileRecordingsEnabled: false,
  liveStreamingEnabled: false,
  disableInviteFunctions: true,
  enableLobbyChat: false,
  disableProfile: true,
};

/**
 * A signed JWT (HS256) for one person and one room, valid from 10 minutes before the
 * appointment until 30 minutes after its end. Only the clerk is the room's owner and passes
 * the lobby; everyone else waits there to be admitted.
 */
export async function issueCallToken(
  settings: JitsiSettings,
  input: CallTokenInput,
): Promise<string> {
  const owner = input.role === 'clerk';
  const user: Record<string, unknown> = {
    id: input.id,
    name: input.name,
    email: input.email,
    affiliation: owner ? 'owner' : 'member',
  };
  if (owner) user.lobby_bypass = true;
  return new SignJWT({
    room: input.room,
    context: { user, features: NO_RECORDING_FEATURES },
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(settings.appId)
    .setAudience('jitsi')
    .setSubject(settings.domain)
    .setIssuedAt()
    .setNotBefore(Math.floor((input.startsAt.getTime() - TOKEN_OPENS_MS) / 1000))
    .setExpirationTime(Math.floor((input.endsAt.getTime() + TOKEN_CLOSES_MS) / 1000))
    .sign(new TextEncoder().encode(settings.appSecret));
}

/** Config overrides as Jitsi reads them from an address's hash (`#config.x=true`). */
function hashOverrides(config: Readonly<Record<string, unknown>>, prefix = 'config'): string[] {
  return Object.entries(config).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? hashOverrides(value as Record<string, unknown>, `${prefix}.${key}`)
      : [`${prefix}.${key}=${encodeURIComponent(JSON.stringify(value))}`],
  );
}

/**
 * The room's plain address (for a browser without JavaScript, or a phone's Jitsi app): the
 * token in the query, as Jitsi's token auth reads it, and no recording in the hash.
 */
export function roomUrl(
  settings: JitsiSettings,
  room: string,
  token: string,
  options: { audioOnly?: boolean; displayName?: string } = {},
): string {
  const config: Record<string, unknown> = { ...ROOM_CONFIG };
  if (options.audioOnly) config.startAudioOnly = true;
  const hash = hashOverrides(config);
  if (options.displayName)
    hash.push(`userInfo.displayName=${encodeURIComponent(JSON.stringify(options.displayName))}`);
  return `${settings.baseUrl}/${encodeURIComponent(room)}?jwt=${encodeURIComponent(token)}#${hash.join('&')}`;
}

/**
 * What a page's script needs to embed the room with Jitsi's iframe API (`external_api.js` from
 * the server itself): its domain (host and path), the room, the token and the config.
 */
export interface EmbedOptions {
  scriptUrl: string;
  domain: string;
  /** The server is plain http (the development stand-in): the iframe API's `noSSL`. */
  noSSL: boolean;
  room: string;
  jwt: string;
  config: Readonly<Record<string, unknown>>;
  displayName: string;
  email: string;
}

export function embedOptions(
  settings: JitsiSettings,
  input: { room: string; jwt: string; displayName: string; email: string; audioOnly?: boolean },
): EmbedOptions {
  return {
    scriptUrl: `${settings.baseUrl}/external_api.js`,
    domain: settings.baseUrl.replace(/^https?:\/\//, ''),
    noSSL: settings.baseUrl.startsWith('http:'),
    room: input.room,
    jwt: input.jwt,
    config: input.audioOnly ? { ...ROOM_CONFIG, startAudioOnly: true } : ROOM_CONFIG,
    displayName: input.displayName,
    email: input.email,
  };
}

/** The locals of the room partial (kep/call/views/room.ejs) for one person's token. */
export function roomView(
  settings: JitsiSettings,
  input: { room: string; jwt: string; role: CallRole; name: string; email: string },
): { role: CallRole; embed: EmbedOptions; url: string; audioOnlyUrl: string } {
  return {
    role: input.role,
    embed: embedOptions(settings, {
      room: input.room,
      jwt: input.jwt,
      displayName: input.name,
      email: input.email,
    }),
    url: roomUrl(settings, input.room, input.jwt, { displayName: input.name }),
    audioOnlyUrl: roomUrl(settings, input.room, input.jwt, {
      displayName: input.name,
      audioOnly: true,
    }),
  };
}
