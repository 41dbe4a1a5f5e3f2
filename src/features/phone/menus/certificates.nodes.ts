import { ForbiddenError, ValidationError } from '../../../lib/errors.ts';
import { formatDate, formatMoney } from '../../../lib/format.ts';
import { formatPostalAddress, postalAddressOf } from '../../accounts/postal-address.ts';
import type { UserRow } from '../../accounts/users.repository.ts';
import { mayApply } from '../../certificates/application-form.ts';
import { typeNameOf } from '../../certificates/certificates.present.ts';
import type {
  CertificateTypeRow,
  DeliveryMethod,
} from '../../certificates/certificates.repository.ts';
import { SealUnavailableError, type ApplyResult } from '../../certificates/certificates.service.ts';
import { certifiableAbout, onTheRoll } from '../../certificates/subjects.ts';
import { fullNameOf, type RollPerson } from '../../roll/roll.repository.ts';
import type { Move, Nodes, Prompt, Turn } from '../engine.ts';
import { spell } from '../speech.ts';
import { closing, notAnOption, signedOut } from './common.ts';

/**
 * Option 1: certificate applications by phone, for identity-verified accounts. The types that may
 * be asked for by phone, by number; for whom (the caller, or a member of their family record, by
 * number); delivery by email or by post to the account's addresses; the choice read back and
 * confirmed; the application made through the certificates service (channel phone), its reference
 * read out one character at a time (the service emails it too).
 */

const C = 'phone.voice.certificates';
/** Keypad digits for the list of types: 1 to 9 (0 repeats, star is the main menu). */
const TYPES_MAX = 9;
/** Family members after "1 for yourself": keys 2 to 9. */
const MEMBERS_MAX = 8;

/** The chosen type, as the later steps need it (kept in the call's state). */
interface ChosenType {
  code: string;
  name: string;
  who: CertificateTypeRow['who'];
  template: CertificateTypeRow['template'];
  methods: DeliveryMethod[];
}

interface Choice {
  type: ChosenType;
  subject: 'self' | number;
  /** The member's full name, for the read-back; null: the caller. */
  subjectName: string | null;
  delivery?: 'email' | 'post';
}

interface ListedMember {
  id: number;
  name: string;
  fullName: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typeIn(value: unknown): ChosenType | undefined {
  if (!isRecord(value) || typeof value.code !== 'string' || typeof value.name !== 'string')
    return undefined;
  return Array.isArray(value.methods) ? (value as unknown as ChosenType) : undefined;
}

function memberIn(value: unknown): ListedMember | undefined {
  if (!isRecord(value) || typeof value.id !== 'number' || typeof value.fullName !== 'string')
    return undefined;
  return value as unknown as ListedMember;
}

/** What was chosen so far (`data`), or undefined when the state holds nothing usable. */
function choiceIn(data: Record<string, unknown>): Choice | undefined {
  const type = typeIn(data.type);
  const subject = data.subject;
  if (!type || (subject !== 'self' && typeof subject !== 'number')) return undefined;
  const delivery =
    data.delivery === 'email' || data.delivery === 'post' ? data.delivery : undefined;
  const subjectName = typeof data.subjectName === 'string' ? data.subjectName : null;
  return { type, subject, subjectName, ...(delivery ? { delivery } : {}) };
}

const startOver: Move = { go: 'certificates' };

function notVerified(turn: Turn): Move {
  const { config } = turn.ctx.deps;
  const en = turn.lang === 'en';
  return {
    go: 'main',
    say: [
      turn.t(`${C}.notVerified`, {
        address: en ? config.OFFICE_ADDRESS_EN : config.OFFICE_ADDRESS_EL,
        hours: en ? config.OFFICE_HOURS_EN : config.OFFICE_HOURS_EL,
      }),
    ],
  };
}

/** A member by first name, or by full name when another listed member shares it. */
function listedMembers(members: readonly RollPerson[]): ListedMember[] {
  return members.map((member) => ({
    id: member.id,
    name: members.some((other) => other !== member && other.given_name === member.given_name)
      ? fullNameOf(member)
      : member.given_name,
    fullName: fullNameOf(member),
  }));
}

/** How the chosen type can reach this caller: email, post (with an address on the account). */
function waysOf(user: UserRow, type: ChosenType) {
  const address = postalAddressOf(user);
  const postOffered = type.methods.includes('post');
  return {
    email: type.methods.includes('email'),
    post: postOffered && address ? formatPostalAddress(address) : undefined,
    postNote: !postOffered ? 'notByPost' : !address ? 'noPostalAddress' : undefined,
  };
}

/** The words for an application the service refused (the choice no longer fits). */
function refusalOf(turn: Turn, error: ValidationError): string {
  const first = error.errors[0];
  if (first?.key === 'certificates.errors.notOnRoll') return turn.t(`${C}.notOnRoll`);
  const field = first?.field === 'postAddress' ? 'delivery' : first?.field;
  const known = ['type', 'subject', 'delivery'].includes(field ?? '') ? field! : 'other';
  return turn.t(`${C}.refused.${known}`);
}

/** Applies with what was chosen and says how it went; back to the main menu (or the list). */
async function applyFor(turn: Turn, user: UserRow, choice: Choice): Promise<Move> {
  const address = postalAddressOf(user);
  let result: ApplyResult;
  try {
    result = await turn.ctx.services.certificates.apply(
      {
        user,
        typeCode: choice.type.code,
        subject: choice.subject,
        delivery: choice.delivery ?? '',
        postAddress: choice.delivery === 'post' && address ? formatPostalAddress(address) : null,
        channel: 'phone',
        // This step of this call applies once, however often the provider sends it.
        phoneStep: `${turn.call.call_sid}/${turn.call.seq + 1}`,
      },
      turn.audit,
    );
  } catch (error) {
    if (error instanceof ValidationError)
      return { go: 'certificates.type', say: [refusalOf(turn, error)] };
    if (error instanceof ForbiddenError) return notVerified(turn);
    if (error instanceof SealUnavailableError)
      return { go: 'main', say: [turn.t(`${C}.unavailable`)] };
    throw error;
  }
  if (!result.ok)
    return {
      go: 'main',
      say: [turn.t(`${C}.owes`, { amount: formatMoney(result.owes.overdueCents, turn.lang) })],
    };
  turn.outcome('certificate_applied');
  const { application, issued } = result;
  const reference = spell(application.reference);
  const first = issued
    ? turn.t(`${C}.issued.${application.delivery === 'post' ? 'post' : 'email'}`, { reference })
    : turn.t(`${C}.applied`, {
        reference,
        deadline: formatDate(application.deadline, turn.lang),
      });
  return {
    go: 'main',
    data: {},
    say: [first, turn.t(`${C}.referenceAgain`, { reference }), turn.t(`${C}.emailed`)],
  };
}

export const certificateNodes: Nodes = {
  /** The way in: verified accounts go on to the list; others hear how to get verified. */
  certificates: {
    menu: 'certificates',
    enter: (turn): Move => {
      if (!turn.user) return signedOut(turn);
      if (!mayApply(turn.user)) return notVerified(turn);
      return { go: 'certificates.type' };
    },
    handle: () => startOver,
  },

  /** The types that may be asked for by phone, by number. */
  'certificates.type': {
    menu: 'certificates',
    enter: async (turn): Promise<Prompt | Move> => {
      if (!turn.user) return signedOut(turn);
      const all = await turn.ctx.services.certificates.phoneTypes();
      if (!all.length) return { go: 'main', say: [turn.t(`${C}.none`)] };
      const types = all.slice(0, TYPES_MAX);
      // The numbers name the types as they were read out, even if the catalogue changes meanwhile.
      turn.data.types = types.map((type): ChosenType => ({
        code: type.code,
        name: typeNameOf(type, turn.lang),
        who: type.who,
        template: type.template,
        methods: type.delivery_methods,
      }));
      return {
        say: [
          turn.t(`${C}.intro`),
          ...types.map((type, i) =>
            turn.t(`${C}.typeOption`, { name: typeNameOf(type, turn.lang), n: i + 1 }),
          ),
          ...(all.length > types.length ? [turn.t(`${C}.more`)] : []),
          ...closing(turn),
        ],
        gather: { numDigits: 1 },
      };
    },
    handle: (turn, input): Move => {
      const types = Array.isArray(turn.data.types) ? (turn.data.types as unknown[]) : [];
      const type = /^[1-9]$/.test(input.digits)
        ? typeIn(types[Number(input.digits) - 1])
        : undefined;
      if (!type) return notAnOption(turn);
      return { go: 'certificates.subject', data: { type } };
    },
  },

  /** For whom: 1 the caller, 2 to 9 the members of their family record the type allows. */
  'certificates.subject': {
    menu: 'certificates',
    enter: async (turn): Promise<Prompt | Move> => {
      const user = turn.user;
      if (!user) return signedOut(turn);
      const type = typeIn(turn.data.type);
      if (!type || !user.afm) return startOver;
      const { own, members } = await turn.ctx.services.certificates.subjectsOf(user.afm, type);
      // The no-debt certificate goes by the tax number alone; the others come from the roll.
      if (type.template !== 'no_debt' && !onTheRoll(own))
        return { go: 'certificates.type', say: [turn.t(`${C}.notOnRoll`)] };
      const others = members.filter((member) => certifiableAbout(type, member));
      // About the caller only: nothing to ask.
      if (!others.length)
        return {
          go: 'certificates.delivery',
          data: { type, subject: 'self', subjectName: null },
        };
      const listed = listedMembers(others.slice(0, MEMBERS_MAX));
      turn.data.members = listed;
      return {
        say: [
          turn.t(`${C}.subject.self`),
          turn.t(`${C}.subject.others`),
          ...listed.map((member, i) =>
            turn.t(`${C}.subject.member`, { name: member.name, n: i + 2 }),
          ),
          ...closing(turn),
        ],
        gather: { numDigits: 1 },
      };
    },
    handle: (turn, input): Move => {
      const type = typeIn(turn.data.type);
      if (!type) return startOver;
      if (input.digits === '1')
        return {
          go: 'certificates.delivery',
          data: { type, subject: 'self', subjectName: null },
        };
      const members = Array.isArray(turn.data.members) ? (turn.data.members as unknown[]) : [];
      const member = /^[2-9]$/.test(input.digits)
        ? memberIn(members[Number(input.digits) - 2])
        : undefined;
      if (!member) return notAnOption(turn);
      return {
        go: 'certificates.delivery',
        data: { type, subject: member.id, subjectName: member.fullName },
      };
    },
  },

  /** How it is sent: 1 email to the account's address, 2 post to its postal address. */
  'certificates.delivery': {
    menu: 'certificates',
    enter: (turn): Prompt | Move => {
      const user = turn.user;
      if (!user) return signedOut(turn);
      const choice = choiceIn(turn.data);
      if (!choice) return startOver;
      const ways = waysOf(user, choice.type);
      if (!ways.email && !ways.post)
        return { go: 'certificates.type', say: [turn.t(`${C}.delivery.none`)] };
      return {
        say: [
          turn.t(`${C}.delivery.intro`),
          ways.email ? turn.t(`${C}.delivery.email`) : turn.t(`${C}.delivery.notByEmail`),
          ways.post
            ? turn.t(`${C}.delivery.post`, { address: ways.post })
            : turn.t(`${C}.delivery.${ways.postNote ?? 'notByPost'}`),
          ...closing(turn),
        ],
        gather: { numDigits: 1 },
      };
    },
    handle: (turn, input): Move => {
      const user = turn.user;
      if (!user) return signedOut(turn);
      const choice = choiceIn(turn.data);
      if (!choice) return startOver;
      const ways = waysOf(user, choice.type);
      const delivery =
        input.digits === '1' && ways.email
          ? 'email'
          : input.digits === '2' && ways.post
            ? 'post'
            : undefined;
      if (!delivery) return notAnOption(turn);
      return { go: 'certificates.confirm', data: { ...choice, delivery } };
    },
  },

  /** The choice read back: 1 applies, 2 starts over. */
  'certificates.confirm': {
    acts: true,
    menu: 'certificates',
    enter: (turn): Prompt | Move => {
      const user = turn.user;
      if (!user) return signedOut(turn);
      const choice = choiceIn(turn.data);
      if (!choice?.delivery) return startOver;
      const ways = waysOf(user, choice.type);
      // The account's postal address was removed meanwhile: ask again.
      if (choice.delivery === 'post' && !ways.post)
        return { go: 'certificates.delivery', data: { ...choice, delivery: undefined } };
      return {
        say: [
          turn.t(`${C}.readBack.type`, { name: choice.type.name }),
          choice.subjectName
            ? turn.t(`${C}.readBack.member`, { name: choice.subjectName })
            : turn.t(`${C}.readBack.self`),
          choice.delivery === 'post'
            ? turn.t(`${C}.readBack.post`, { address: ways.post })
            : turn.t(`${C}.readBack.email`),
          turn.t(`${C}.confirm`),
          ...closing(turn),
        ],
        gather: { numDigits: 1 },
      };
    },
    handle: async (turn, input): Promise<Move> => {
      const user = turn.user;
      if (!user) return signedOut(turn);
      const choice = choiceIn(turn.data);
      if (!choice?.delivery) return startOver;
      if (input.digits === '2') return { go: 'certificates.type' };
      if (input.digits !== '1') return notAnOption(turn);
      return applyFor(turn, user, choice);
    },
  },
};
