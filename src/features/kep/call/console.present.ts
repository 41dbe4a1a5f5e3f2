import type { Request, Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { athensDate, formatDate } from '../../../lib/format.ts';
import { DOCUMENT_TYPES } from '../../identity/staff/counter.service.ts';
import { clockTime } from '../kep.format.ts';
import { SCHEDULE } from '../staff/schedule.present.ts';
import type { AppointmentDetails } from '../staff/schedule.service.ts';
import { allowJitsiOnThisPage } from './call-page-headers.ts';
import { joinsOf, recordJoin } from './call-log.ts';
import { callOf, consoleStage } from './console.service.ts';
import { jitsiSettingsOf } from './jitsi.config.ts';
import { issueCallToken, roomView, TOKEN_OPENS_MS } from './jitsi.ts';

/**
 * The console's call for the clerk looking at it: while the call is open, a token of the room's
 * owner is issued to them (and their entering logged), and this page may frame the Jitsi server.
 */
export async function consoleCall(
  deps: Deps,
  req: Request,
  res: Response,
  row: AppointmentDetails,
  values: Record<string, string>,
) {
  const settings = jitsiSettingsOf(deps.config);
  const now = deps.clock.now();
  const call = await callOf(deps.db, row.id);
  const clerk = req.user!;
  const open = settings.enabled ? consoleStage(row, call, now) : 'disabled';
  // A manager looking at another clerk's appointment sees it, but never enters its room.
  const stage = open === 'open' && row.clerk_id !== clerk.id ? 'notYours' : open;
  let room;
  if (stage === 'open') {
    const jwt = await issueCallToken(settings, {
      room: row.room,
      role: 'clerk',
      id: `user-${clerk.id}`,
      name: clerk.full_name,
      email: clerk.email,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
    });
    await recordJoin(deps.db, { appointmentId: row.id, role: 'clerk', userId: clerk.id, at: now });
    room = {
      ...roomView(settings, {
        room: row.room,
        jwt,
        role: 'clerk',
        name: clerk.full_name,
        email: clerk.email,
      }),
      audioOnly: Boolean(call?.audio_only_at),
    };
    allowJitsiOnThisPage(res, settings);
  }
  const confirmed = call?.identity_result === 'confirmed';
  const joins = await joinsOf(deps.db, row.id);
  const base = `${SCHEDULE}/appointments/${row.id}`;
  const opens = new Date(row.starts_at.getTime() - TOKEN_OPENS_MS);
  return {
    stage,
    clerkName: row.clerk_name,
    opensAt: `${formatDate(athensDate(opens), req.lang)}, ${clockTime(opens)}`,
    room,
    verifiesIdentity: settings.verifiesIdentity,
    documentTypes: DOCUMENT_TYPES,
    values: {
      documentType: values.documentType ?? '',
      documentNumber: values.documentNumber ?? '',
      result: values.result ?? '',
      reason: values.reason ?? '',
    },
    actions: { identity: `${base}/identity`, audioOnly: `${base}/audio-only` },
    identity: call?.identity_result
      ? {
          result: call.identity_result,
          document: call.identity_document_type
            ? `${req.t(`staff.counter.documentTypes.${call.identity_document_type}`)} ${call.identity_document_masked ?? ''}`
            : '',
          reason: call.identity_fail_reason ?? '',
          account: call.identity_result === 'confirmed' ? (call.identity_account ?? '') : '',
        }
      : undefined,
    audioOnly: {
      set: Boolean(call?.audio_only_at),
      possible: stage === 'open' && confirmed,
    },
    joins: joins.map((join) => ({
      role: join.role,
      who: join.name ?? '',
      time: `${formatDate(athensDate(join.joined_at), req.lang)} ${clockTime(join.joined_at)}`,
    })),
  };
}
