import type { Request, Response } from 'express';
import type { Deps } from '../../../deps.ts';
import type { AppointmentRow } from '../manage.service.ts';
import { allowJitsiOnThisPage } from './call-page-headers.ts';
import { recordJoin } from './call-log.ts';
import { callOf, type CallRow } from './console.service.ts';
import { jitsiSettingsOf } from './jitsi.config.ts';
import { issueCallToken, roomView, TOKEN_OPENS_MS } from './jitsi.ts';

/**
 * Where the citizen's call stands: moved or cancelled; ended (the appointment's end passed, or
 * the clerk recorded its outcome); refused (the identity could not be confirmed on camera);
 * waiting (more than 10 minutes before the start); open; or disabled (no Jitsi server yet).
 */
export type CitizenCallStage =
  'cancelled' | 'rescheduled' | 'ended' | 'refused' | 'waiting' | 'open' | 'disabled';

export function citizenCallStage(
  row: Pick<AppointmentRow, 'status' | 'starts_at' | 'ends_at'>,
  call: CallRow | undefined,
  now: Date,
  enabled: boolean,
): CitizenCallStage {
  if (row.status === 'cancelled') return 'cancelled';
  if (row.status === 'rescheduled') return 'rescheduled';
  if (call?.identity_result === 'not_confirmed') return 'refused';
  if (row.status !== 'booked' || call?.outcome || now.getTime() >= row.ends_at.getTime())
    return 'ended';
  if (now.getTime() < row.starts_at.getTime() - TOKEN_OPENS_MS) return 'waiting';
  return enabled ? 'open' : 'disabled';
}

/** What the call page's script polls: whether the call goes on, and with picture or not. */
export interface CallState {
  stage: CitizenCallStage;
  audioOnly: boolean;
  /** The clerk's reason when the identity could not be confirmed. */
  reason: string;
}

export async function citizenCallState(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  row: AppointmentRow,
): Promise<{ state: CallState; call: CallRow | undefined }> {
  const call = await callOf(deps.db, row.id);
  const settings = jitsiSettingsOf(deps.config);
  const stage = citizenCallStage(row, call, deps.clock.now(), settings.enabled);
  return {
    call,
    state: {
      stage,
      audioOnly: Boolean(call?.audio_only_at),
      reason: stage === 'refused' ? (call?.identity_fail_reason ?? '') : '',
    },
  };
}

/**
 * The citizen's room, while the call is open: a token of their own (a member, waiting in the
 * lobby; never the owner), their entering logged, and this page allowed to frame the server.
 */
export async function citizenRoom(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  req: Request,
  res: Response,
  row: AppointmentRow,
) {
  const settings = jitsiSettingsOf(deps.config);
  const { room } = row;
  const jwt = await issueCallToken(settings, {
    room,
    role: 'citizen',
    id: `user-${req.user!.id}`,
    name: row.full_name,
    email: row.email,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
  });
  await recordJoin(deps.db, {
    appointmentId: row.id,
    role: 'citizen',
    userId: req.user!.id,
    at: deps.clock.now(),
  });
  allowJitsiOnThisPage(res, settings);
  res.set('Cache-Control', 'private, no-store');
  return roomView(settings, { room, jwt, role: 'citizen', name: row.full_name, email: row.email });
}
