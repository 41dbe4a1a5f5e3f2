/**
 * Typed errors thrown anywhere and turned into a status and a page (or, in the machine areas, the
 * API's JSON) by the one error handler of each area. Routes throw these; none builds an error
 * page of its own.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly messageKey: string,
  ) {
    super(messageKey);
  }
}

/** A field's problem: the field's name and a string key (with its values) saying what is wrong. */
export interface FieldError {
  field: string;
  key: string;
  params?: Record<string, unknown>;
}

export class NotFoundError extends HttpError {
  constructor() {
    super(404, 'errors.notFound.title');
  }
}

export class ForbiddenError extends HttpError {
  constructor(messageKey = 'errors.forbidden.title') {
    super(403, messageKey);
  }
}

/** Input that a form or an API call must be told about, field by field. */
export class ValidationError extends HttpError {
  constructor(readonly errors: readonly FieldError[]) {
    super(400, 'errors.invalidInput.title');
  }
}

/** The change clashes with what is there (taken, already done, changed meanwhile). */
export class ConflictError extends HttpError {
  constructor(messageKey = 'errors.conflict.title') {
    super(409, messageKey);
  }
}

/** Too many attempts: try again after `retryAfterSeconds`. */
export class RateLimitedError extends HttpError {
  constructor(readonly retryAfterSeconds = 60) {
    super(429, 'errors.tooMany.title');
  }
}

/** A one-time link that was used, expired or never existed: 410, with the way to get a new one. */
export class LinkInvalidError extends HttpError {
  constructor(
    readonly reason: 'used' | 'expired' | 'unknown' = 'unknown',
    /** Where a new link is asked for ('/password-reset'), and the string key that says so. */
    readonly next?: { href: string; textKey: string },
  ) {
    super(410, 'errors.linkInvalid.title');
  }
}
