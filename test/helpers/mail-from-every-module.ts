import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createApiKey } from '../../src/features/api/api-keys.repository.ts';
import { bookSlot } from '../../src/features/kep/booking.service.ts';
import { sendAppointmentMail } from '../../src/features/kep/kep.mail.ts';
import { athensInstant } from '../../src/lib/athens-time.ts';
import {
  createActiveUser,
  newAgent,
  postForm,
  signIn,
  validRegistration,
  type Agent,
} from './accounts.ts';
import { issueInstantCertificate } from './certificates.ts';
import { runQueuedExports } from './privacy.ts';
import { aFine, FILES, fineCitizen, lookUp, postObjection } from './fines.ts';
import { afmFrom } from './staff.ts';
import type { TestContext } from './test-app.ts';

/**
 * One way to make each module that sends mail send some, as its users would: through its pages
 * (HTTP) where a citizen or visitor starts it, through its services where a clerk or a booking
 * does; a job that makes the mail (the data export) is run as the worker would. `mails`: how many
 * messages it queues at least (some also tell staff). Meant for a context whose clock says Monday
 * 2 March 2026, 09:00 in Athens (MAIL_CLOCK_START).
 */
export interface MailTrigger {
  mails: number;
  run: (ctx: TestContext) => Promise<void>;
}

export const MAIL_CLOCK_START = '2026-03-02T07:00:00Z';

/** The modules with mail templates of their own (an `emails` folder). */
export function modulesThatSendMail(): string[] {
  const features = path.resolve('src/features');
  return readdirSync(features)
    .filter((name) => existsSync(path.join(features, name, 'emails')))
    .sort();
}

function must(res: request.Response, statuses: number[], what: string): void {
  if (!statuses.includes(res.status))
    throw new Error(`${what}: status ${res.status}\n${res.text.slice(0, 500)}`);
}

async function citizen(ctx: TestContext, name: string, extra: Record<string, unknown> = {}) {
  const user = await createActiveUser(ctx.db, name, extra);
  const agent: Agent = newAgent(ctx.app);
  must(await signIn(agent, user.username, user.password), [303], `sign-in of ${name}`);
  return { ...user, agent };
}

const staffMember = (ctx: TestContext, name: string, role: string) =>
  createActiveUser(ctx.db, name, { roles: [role] });

export const MAIL_TRIGGERS: Record<string, MailTrigger> = {
  accounts: {
    mails: 1,
    run: async (ctx) => {
      const res = await postForm(
        newAgent(ctx.app),
        '/register',
        '/register',
        validRegistration('smtp1'),
      );
      must(res, [303], 'registration');
    },
  },
  requests: {
    mails: 1,
    run: async (ctx) => {
      const { agent } = await citizen(ctx, 'smtp-requests');
      const category = (await ctx
        .db('request_categories')
        .where({ slug: 'pothole' })
        .first('id')) as {
        id: number;
      };
      const place = {
        address: 'Ρούσου Κούνδουρου 12',
        lat: '',
        lng: '',
        category: String(category.id),
      };
      must(await postForm(agent, '/requests/new', '/requests/new', place), [303], 'request place');
      await agent.get('/requests/new/similar');
      const details = { kind: 'complaint', title: 'Λακκούβα στη διάβαση', description: 'Βαθιά.' };
      const filed = await postForm(
        agent,
        '/requests/new/details',
        '/requests/new/details',
        details,
      );
      must(filed, [303], 'request filing');
    },
  },
  certificates: {
    mails: 1,
    run: async (ctx) => {
      await issueInstantCertificate(ctx);
    },
  },
  identity: {
    mails: 1,
    run: async (ctx) => {
      const clerk = await staffMember(ctx, 'smtp-counter', 'clerk');
      const afm = afmFrom('51234567');
      const user = await createActiveUser(ctx.db, 'smtp-identity', {
        taxisnet_afm: afm,
        taxisnet_linked_at: ctx.deps.clock.now(),
      });
      const input = {
        documentType: 'identity_card',
        documentNumber: 'ΑΚ512345',
        afm,
        present: 'yes',
      };
      const errors = await ctx.services.counter.verifyIdentity(user.id, input, clerk.id, {});
      if (errors.length) throw new Error(`identity check refused: ${JSON.stringify(errors)}`);
    },
  },
  kep: {
    mails: 1,
    run: async (ctx) => {
      const area = (await ctx
        .db('kep_areas')
        .where({ slug: 'information-applications' })
        .first('id')) as {
        id: number;
      };
      const clerk = await staffMember(ctx, 'smtp-kep-clerk', 'clerk');
      await ctx.db('kep_clerk_areas').insert({ clerk_id: clerk.id, area_id: area.id });
      await ctx.db('kep_clerk_hours').insert(
        [1, 2, 3, 4, 5].map((weekday) => ({
          clerk_id: clerk.id,
          weekday,
          starts: '09:00',
          ends: '15:00',
        })),
      );
      // As the booking page does: the appointment and its mail in one transaction.
      const outcome = await bookSlot(ctx.deps, {
        areaId: area.id,
        startsAt: athensInstant('2026-03-04', '10:00'),
        person: {
          afm: afmFrom('61234567'),
          fullName: 'Ελένη Παππά',
          email: 'eleni.kep@example.gr',
        },
        details: {
          delivery: 'email',
          needs: { signLanguage: false, lipReading: false },
          lang: 'el',
        },
        settings: { bufferMinutes: 10, noticeMinutes: 120, horizonDays: 30 },
        onBooked: (trx, booked) => sendAppointmentMail(ctx.deps, trx, booked.id, 'booked'),
      });
      if (!('booked' in outcome)) throw new Error(`not booked: ${JSON.stringify(outcome)}`);
    },
  },
  admin: {
    mails: 1,
    run: async (ctx) => {
      const admin = await staffMember(ctx, 'smtp-admin', 'admin');
      const invitation = {
        username: 'smtp.colleague',
        fullName: 'Νέα Συνάδελφος',
        email: 'colleague@example.gov.gr',
        roles: ['clerk'],
        lang: 'el' as const,
      };
      const errors = await ctx.services.staffUsers.invite(invitation, admin.id, {});
      if (errors.length) throw new Error(`invitation refused: ${JSON.stringify(errors)}`);
    },
  },
  fines: {
    mails: 1,
    run: async (ctx) => {
      const fine = await aFine(ctx.db);
      const { agent } = await fineCitizen(ctx.app, ctx.db);
      must(await lookUp(agent, fine.noticeNumber, fine.plate), [200, 303], 'fine look-up');
      const fields = {
        capacity: 'driver',
        driverAfm: afmFrom('45678912'),
        declaration: 'yes',
        text: 'Δεν οδηγούσα εγώ το όχημα εκείνη την ώρα.',
      };
      const file = { content: FILES.pdf, name: 'κλήση.pdf', type: 'application/pdf' };
      must(await postObjection(agent, fine.id, fields, [file]), [303], 'objection');
    },
  },
  accessibility: {
    mails: 1,
    run: async (ctx) => {
      const res = await postForm(
        newAgent(ctx.app),
        '/accessibility/feedback',
        '/accessibility/feedback',
        {
          where: '/decisions',
          what: 'Ο χάρτης δεν διαβάζεται με αναγνώστη οθόνης.',
          name: '',
          email: '',
        },
      );
      must(res, [303], 'accessibility feedback');
    },
  },
  open311: {
    mails: 1,
    run: async (ctx) => {
      const admin = await staffMember(ctx, 'smtp-api-admin', 'admin');
      const { key } = await createApiKey(ctx.db, {
        appName: 'Δημότης App',
        scopes: ['open311:write'],
        createdBy: admin.id,
      });
      const res = await request(ctx.app).post('/open311/v2/requests.json').type('form').send({
        api_key: key,
        jurisdiction_id: 'agios-nikolaos',
        service_code: 'pothole',
        lat: '35.1911',
        long: '25.7164',
        address_string: 'Οδός Κουντούρου 12',
        description: 'Λακκούβα μπροστά στο περίπτερο.',
        email: 'eleni.reporter@example.org',
        first_name: 'Ελένη',
        last_name: 'Καλλιγιάννη',
      });
      must(res, [200, 201], 'Open311 request');
    },
  },
  privacy: {
    // The confirmation of a deletion at once; the export's mail from its job, once it is ready.
    mails: 2,
    run: async (ctx) => {
      const { agent } = await citizen(ctx, 'smtp-privacy');
      must(await postForm(agent, '/account/delete', '/account/delete', {}), [303], 'deletion');
      must(await postForm(agent, '/account/data', '/account/data', {}), [303], 'data export');
      await runQueuedExports(ctx.deps);
    },
  },
};
