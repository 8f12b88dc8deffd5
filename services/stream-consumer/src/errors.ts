// What can go wrong with a stream record, by what it means for the batch: a record that can
// never succeed is set aside (sent to the on-failure destination, counted, logged) and the
// batch goes on; anything else is taken to be transient (throttling, a timeout, a lost race)
// and stops the batch there, to be retried from that record.

export type UnprocessableReason =
  /** Not a DynamoDB stream record this consumer can decode (no keys, no event name...). */
  | 'undecodable'
  /** An item of ours without an attribute its entity requires, or with a value it cannot take. */
  | 'unreadable-item'
  /** An `entity` this consumer does not know, or one that changed between the old and new image. */
  | 'unknown-entity'
  /** DynamoDB refused the write it derives (too large, invalid): it would refuse it every time. */
  | 'rejected-by-dynamodb';

/** A record that can never succeed: retrying it would only hold back the records after it. */
export class UnprocessableRecordError extends Error {
  constructor(
    readonly reason: UnprocessableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UnprocessableRecordError';
  }
}

/**
 * The error as an UnprocessableRecordError if it means the record can never succeed, else
 * undefined. DynamoDB's ValidationException (and a transaction cancelled for a ValidationError)
 * answers the request itself, so the same record would get it every time.
 */
export function asUnprocessable(error: unknown): UnprocessableRecordError | undefined {
  if (error instanceof UnprocessableRecordError) return error;
  const { name, message, CancellationReasons } = (error ?? {}) as {
    name?: string;
    message?: string;
    CancellationReasons?: { Code?: string }[];
  };
  const invalid =
    name === 'ValidationException' ||
    (name === 'TransactionCanceledException' && CancellationReasons?.some((reason) => reason.Code === 'ValidationError') === true);
  return invalid
    ? new UnprocessableRecordError('rejected-by-dynamodb', `DynamoDB refused the write: ${message}`, { cause: error })
    : undefined;
}
