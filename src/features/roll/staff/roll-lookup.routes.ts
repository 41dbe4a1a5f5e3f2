import { Router, type Request } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { formatDate } from '../../../lib/format.ts';
import { idParam } from '../../../lib/params.ts';
import { fullNameOf, recordWithMembers, type RollPerson } from '../roll.repository.ts';
import { searchPersons, verifiedAfms } from './roll-lookup.repository.ts';

/** Enough to find a family by name, not so many that the page is a list of the roll. */
const RESULTS = 50;
const MAX_QUERY = 100;

/** What the roll says of a person, in the page's language. */
function describe(req: Request, person: RollPerson) {
  const date = (value: string | null) => (value ? formatDate(value, req.lang) : '');
  return {
    ...person,
    name: fullNameOf(person),
    relationLabel: req.t(`roll.relations.${person.relation}`),
    sexLabel: req.t(`roll.sexes.${person.sex}`),
    maritalLabel: person.marital_status ? req.t(`roll.marital.${person.marital_status}`) : '',
    birthDate: date(person.birth_date),
    registeredOn: date(person.registered_on),
    deceasedOn: date(person.deceased_on),
    struckOffOn: date(person.struck_off_on),
  };
}

const breadcrumbs = (req: Request, more: { href: string; text: string }[] = []) => [
  { href: '/staff', text: req.t('staff.home.title') },
  { href: '/staff/roll', text: req.t('staff.nav.roll') },
  ...more,
];

/** /staff/roll/search and /staff/roll/records/:id: what the roll says, read only. */
export function createRollLookupRouter(deps: Deps): Router {
  const router = Router();
  router.get('/search', async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, MAX_QUERY) : '';
    const searched = q.length >= 2;
    const found = searched ? await searchPersons(deps.db, q, RESULTS + 1) : [];
    res.render('roll/staff/views/search', {
      pageTitle: req.t('roll.lookup.title'),
      q,
      searched,
      tooShort: q.length === 1,
      more: found.length > RESULTS,
      results: found.slice(0, RESULTS).map((person) => ({
        ...describe(req, person),
        record_number: person.record_number,
        municipal_unit: person.municipal_unit,
      })),
      breadcrumbs: breadcrumbs(req),
    });
  });
  router.get('/records/:id', async (req, res) => {
    const found = await recordWithMembers(deps.db, idParam(req));
    if (!found) throw new NotFoundError();
    const verified = await verifiedAfms(
      deps.db,
      found.members.flatMap((member) => (member.afm ? [member.afm] : [])),
    );
    res.render('roll/staff/views/record', {
      pageTitle: req.t('roll.record.title', { number: found.record.record_number }),
      record: found.record,
      members: found.members.map((member) => ({
        ...describe(req, member),
        verifiedAccount: member.afm ? verified.has(member.afm) : false,
      })),
      breadcrumbs: breadcrumbs(req, [
        { href: '/staff/roll/search', text: req.t('roll.lookup.title') },
      ]),
    });
  });
  return router;
}
