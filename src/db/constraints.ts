/**
 * What a refused write says about the constraint it broke: for services that turn a clash the
 * database caught (the closing of a race) into a message at the field.
 */
interface PgError {
  code?: string;
  constraint?: string;
}

const is =
  (state: string) =>
  (error: unknown, constraint?: string): boolean => {
    const e = error as PgError | null;
    return e?.code === state && (!constraint || e.constraint === constraint);
  };

/** A row with the same unique value exists (23505). */
export const isUniqueViolation = is('23505');
/** A referenced row is missing, or a row still referenced was to be deleted (23503). */
export const isForeignKeyViolation = is('23503');
/** A CHECK (or a trigger raising check_violation) refused the value (23514). */
export const isCheckViolation = is('23514');
/** An exclusion constraint (overlapping ranges: two bookings of one clerk) refused the row (23P01). */
export const isExclusionViolation = is('23P01');
