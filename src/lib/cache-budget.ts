/**
 * One memory budget shared by every in-process cache (content, accounts, rendered pages): each
 * entry is charged its estimated size, and when a new one would not fit, the least recently used
 * entries go first, whichever cache holds them. So no visitor can fill the process's memory by
 * asking for many different things: the caches together never account for more than `maxBytes`.
 */
export interface BudgetTicket {
  bytes: number;
  /** Removes the entry from the cache that holds it (the budget has already let it go). */
  readonly evict: () => void;
}

/** What a cache entry costs besides its value: the map slot, the key, the entry object. */
export const ENTRY_OVERHEAD_BYTES = 256;

export class CacheBudget {
  readonly maxBytes: number;
  /** Insertion order is recency: the first ticket is the least recently used. */
  private readonly tickets = new Set<BudgetTicket>();
  private used = 0;
  private peak = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  get usedBytes(): number {
    return this.used;
  }

  /** The most ever accounted at once. */
  get peakBytes(): number {
    return this.peak;
  }

  get entries(): number {
    return this.tickets.size;
  }

  /** Charges a new entry, making room for it; undefined when it could never fit. */
  admit(bytes: number, evict: () => void): BudgetTicket | undefined {
    if (!(bytes <= this.maxBytes)) return undefined;
    this.makeRoom(bytes);
    const ticket: BudgetTicket = { bytes, evict };
    this.tickets.add(ticket);
    this.charge(bytes);
    return ticket;
  }

  /** The entry was used: it goes last in the eviction order. */
  touch(ticket: BudgetTicket): void {
    if (this.tickets.delete(ticket)) this.tickets.add(ticket);
  }

  /**
   * The entry's size is now known (a loaded value replacing its placeholder). False when it no
   * longer fits at all: the entry has then been evicted.
   */
  resize(ticket: BudgetTicket, bytes: number): boolean {
    if (!this.tickets.has(ticket)) return false;
    if (!(bytes <= this.maxBytes)) {
      this.evict(ticket);
      return false;
    }
    this.tickets.delete(ticket);
    this.charge(-ticket.bytes);
    this.makeRoom(bytes);
    ticket.bytes = bytes;
    this.tickets.add(ticket);
    this.charge(bytes);
    return true;
  }

  /** The cache dropped the entry itself. Safe to call twice. */
  release(ticket: BudgetTicket): void {
    if (this.tickets.delete(ticket)) this.charge(-ticket.bytes);
  }

  private makeRoom(bytes: number): void {
    while (this.used + bytes > this.maxBytes) {
      const oldest = this.tickets.values().next().value;
      if (!oldest) return;
      this.evict(oldest);
    }
  }

  private evict(ticket: BudgetTicket): void {
    this.release(ticket);
    ticket.evict();
  }

  private charge(bytes: number): void {
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
  }
}

/**
 * A value's size in memory, estimated from its JSON: two bytes a character (V8 keeps text with
 * Greek letters as UTF-16), plus the entry's own overhead. A value that cannot be measured
 * (a cycle, a BigInt) counts as too big to keep.
 */
export function estimateBytes(key: string, value: unknown): number {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  return ENTRY_OVERHEAD_BYTES + 2 * (key.length + (json?.length ?? 0));
}
