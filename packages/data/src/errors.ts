/**
 * Every error the data layer throws on purpose derives from DataError, so callers
 * (the HTTP layer) can map them exhaustively and treat anything else as a fault.
 */
export abstract class DataError extends Error {
  abstract readonly code: 'NOT_FOUND' | 'CONFLICT' | 'PRECONDITION_FAILED' | 'INVALID_CURSOR';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The item (or the parent it lives under) does not exist for this tenant. */
export class NotFoundError extends DataError {
  readonly code = 'NOT_FOUND' as const;

  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} was not found`);
  }
}

/** A write lost to another write of the same item (e.g. an id that already exists). */
export class ConflictError extends DataError {
  readonly code = 'CONFLICT' as const;
}

/** A conditional write whose expected version is no longer the current one. */
export class PreconditionFailedError extends DataError {
  readonly code = 'PRECONDITION_FAILED' as const;

  constructor(
    readonly entity: string,
    readonly id: string,
    readonly currentVersion: number,
  ) {
    super(`${entity} ${id} is at version ${currentVersion}, not the expected one`);
  }
}

/** A pagination cursor that was not issued by us for this very list. */
export class InvalidCursorError extends DataError {
  readonly code = 'INVALID_CURSOR' as const;

  constructor(reason: string) {
    super(`invalid cursor: ${reason}`);
  }
}

/**
 * The function's configuration (its environment) is missing or malformed: a deployment fault,
 * raised at init, never a client's error (so not a DataError).
 */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}
