import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

export interface AppointmentEvent {
  /** The appointment's reference: with the host, the event's UID. */
  reference: string;
  /** The site's host name (from its base URL). */
  host: string;
  startsAt: Date;
  endsAt: Date;
  /** When this version of the event was written (DTSTAMP). */
  stamp: Date;
  /** Grows with each change of the appointment, so calendars take the newest version. */
  sequence: number;
  summary: string;
  description: string;
  /** The call page. */
  url: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
  /** REQUEST adds or updates the event in the citizen's calendar; CANCEL removes it. */
  method: 'REQUEST' | 'CANCEL';
}

/** The appointment as an iCalendar file (times in UTC), for the mail's attachment. */
export function appointmentIcs(event: AppointmentEvent): string {
  const cancel = event.method === 'CANCEL';
  const calendar = ical({
    prodId: { company: event.host, product: 'kep', language: 'EL' },
    method: cancel ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  calendar.createEvent({
    id: `${event.reference}@${event.host}`,
    start: event.startsAt,
    end: event.endsAt,
    stamp: event.stamp,
    sequence: event.sequence,
    summary: event.summary,
    description: event.description,
    url: event.url,
    location: event.url,
    status: cancel ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: event.organizer,
    attendees: [{ name: event.attendee.name, email: event.attendee.email, rsvp: false }],
  });
  return calendar.toString();
}
