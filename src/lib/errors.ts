/** Typed errors thrown anywhere and turned into a status and a page by the one error handler. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly messageKey: string,
  ) {
    super(messageKey);
  }
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
