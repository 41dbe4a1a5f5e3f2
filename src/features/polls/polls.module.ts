import { localesBeside, type Module } from '../module.ts';
import { seedDemoPolls } from './polls.demo.ts';
import { createPollsRouter, openPollsSummary, POLLS_HUB_ENTRY } from './polls.routes.ts';
import { erasePollVotes, exportPollVotes, forgetErasedAfms } from './polls.personal.ts';
import { pollsServices } from './polls.services.ts';
import { createStaffPollsRouter } from './staff/polls.routes.ts';
import * as polls from './migrations/20261224090100_polls.ts';

/**
 * Polls (ψηφοφορίες): editors write and publish them; citizens vote once, on the web or by phone
 * (the phone portal calls the same vote service); ballots are secret (who voted and what was
 * voted are kept apart, see the migration); results only once a poll has closed.
 */
export const pollsModule: Module = {
  name: 'polls',
  services: pollsServices,
  routes: createPollsRouter,
  hubEntry: POLLS_HUB_ENTRY,
  sessionPaths: ['polls'],
  accountSummary: openPollsSummary,
  staff: [
    {
      prefix: '/polls',
      role: 'editor',
      navKey: 'staff.nav.polls',
      router: createStaffPollsRouter,
    },
  ],
  privacyNotice: {
    headingKey: 'polls.citizen.privacy.heading',
    bodyKey: 'polls.citizen.privacy.body',
  },
  demo: { seed: seedDemoPolls },
  // The polls a person voted in (never the choice); erasure keeps the vote counted, unnamed.
  exportFor: exportPollVotes,
  eraseFor: erasePollVotes,
  retention: [
    {
      name: 'polls.forget-erased-afms',
      labelKey: 'polls.retention.erasedAfms',
      schedule: '20 3 * * *',
      run: forgetErasedAfms,
    },
  ],
  auditActions: [
    'polls.created',
    'polls.updated',
    'polls.published',
    'polls.withdrawn',
    'polls.deleted',
    'polls.closed_early',
  ],
  migrations: { '20261224090100_polls': polls },
  locales: localesBeside(import.meta.url, ['citizen', 'staff']),
};
