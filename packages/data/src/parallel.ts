/**
 * The database calls of one request (or one invocation), made at once: their values in order, or the first call's
 * error (in the given order) once every call has ended. Promise.all rejects at the first failure
 * and leaves the other calls running after the function has answered: on Lambda they are frozen
 * with the environment and resume (or fail) in a later invocation, and, traced, the handler's
 * X-Ray subsegment is never sent, because it closes with a call still open under it (the X-Ray
 * SDK sends a subsegment only when its children closed first): the traces of 404s and 412s, the
 * ones an operator looks for, were lost (services/api/test/tracing.test.ts).
 */
export async function allSettledFirst<T extends readonly unknown[] | []>(calls: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(calls);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
