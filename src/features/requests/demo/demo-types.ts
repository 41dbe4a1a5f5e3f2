/** Who filed or follows a demo request: the two demo citizens or one of the generated ones. */
export type Filer =
  'citizen' | 'verified' | 'eleni' | 'giorgos' | 'maria' | 'kostas' | 'eirini' | 'manolis';

/** How far a demo request has come; 'reopened': closed, then reopened by its citizen. */
export type Story =
  'submitted' | 'assigned' | 'in_progress' | 'answered' | 'closed' | 'reopened' | 'merged';

export interface DemoRequest {
  /** Names it for merges (and tests). */
  key: string;
  category: string;
  kind?: 'complaint';
  channel?: 'phone' | 'counter';
  title: string;
  description: string;
  address: string;
  at?: readonly [lat: number, lng: number];
  /** Days before today and the hour (Athens) it was filed. */
  filed: readonly [daysAgo: number, hour: number];
  by: Filer;
  story: Story;
  /** With a photo taken at the spot (generated at seed time). */
  photo?: true;
  followers?: readonly Filer[];
  public?: true;
  /** A comment its citizen added later. */
  comment?: string;
  /** The official answer or the note when work started, if not the category's usual one. */
  answer?: string;
  note?: string;
  reopenReason?: string;
  /** The key of the original it was folded into. */
  mergedInto?: string;
  /** The category it was filed under before the handler moved it. */
  movedFrom?: string;
}
