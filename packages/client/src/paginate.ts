/** A page of a list operation: its items and the cursor of the next page (null on the last). */
interface Page<T> {
  items: readonly T[];
  nextCursor: string | null;
}
type ListMethod = (args: never) => Promise<Page<unknown>>;
type ItemOf<M extends ListMethod> = Awaited<ReturnType<M>> extends Page<infer T> ? T : never;

/**
 * Every item of a list operation, a page at a time: `for await (const task of paginate(api.listTasks, { path }))`.
 * Asks for the next page (`query.cursor` = the last page's `nextCursor`) only when the items
 * of the one before are used up; stop iterating to stop asking.
 */
export async function* paginate<M extends ListMethod>(method: M, ...[args]: Parameters<M>): AsyncGenerator<ItemOf<M>, void, undefined> {
  const first = (args ?? {}) as { query?: Record<string, string> };
  let cursor = first.query?.cursor;
  do {
    const query = cursor === undefined ? first.query : { ...first.query, cursor };
    const page = (await (method as unknown as (args: unknown) => Promise<Page<ItemOf<M>>>)({ ...first, query })) as Page<ItemOf<M>>;
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}
