// The stream consumer's writes: state derived from table changes (task counts, the activity
// feed, the deletion of a deleted project's partition, the list of tenants). Streams deliver at
// least once, so every write here is safe to repeat: each change's activity entry has a key
// derived from its stream record and is written in the same transaction as the change's counter
// update, so a replayed record finds its entry already there and changes nothing.
//
// The counts move by the status each task is counted under, kept per task in a counted-task
// entry written in the same transaction (countedTaskEntity): a change moves the task from the
// status its entry holds to the status the change gives it, never by a delta read off the record
// alone. That is what lets the recount (recount.ts) repair what was missed while this writer
// goes on: both move an entry only from the revision they read, so whichever writes second
// starts again from what the first wrote, and a task's records, applied in their stream order,
// always leave its entry at the task's latest state.
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ActivityEntry, TaskStatus } from '@app/schema';
import { activityEntity, cleanupEntity, countedTaskEntity, projectEntity, tenantEntity } from './entities/index.js';
import { childPartitionKey, keyOf, toItem, toResource, type Item } from './entity.js';
import { TABLE_KEY, TABLE_TTL_ATTRIBUTE } from './keys.js';
import { cancellationCodes, ExpressionBuilder, isConditionFailure, systemClock, type TableContext, type WriterContext } from './table.js';
import { countsDelta, type CountsDelta } from './task-counts.js';

/**
 * A change of the status a task is counted under, as a stream record tells it: `status` is the
 * task's status after the change (null: deleted), `previous` the one before (null: created).
 */
export interface CountedChange {
  taskId: string;
  status: TaskStatus | null;
  /**
   * Only for a task with no counted-task entry yet, i.e. counted before those entries existed:
   * it is taken to be counted under this status.
   */
  previous: TaskStatus | null;
}

/** A counted-task entry as read: the status counted (null: a tombstone), and its revision for conditional writes. */
export interface CountedEntry {
  status: TaskStatus | null;
  revision: number;
}

/**
 * One change for a project's activity feed: the entry it becomes, keyed by its stream record
 * (`eventId`: unique per change, the same on every redelivery) instead of an id, and without
 * the project's id (given beside it). `occurredAt` is when the change was committed.
 */
export type ActivityChange = Omit<ActivityEntry, 'id' | 'projectId'> & { eventId: string };

export type ApplyResult = 'applied' | 'duplicate' | 'project-missing';

const BATCH_WRITE_LIMIT = 25;
/** A counted-task tombstone outlives every record of its task still in the stream (24 h) or being retried (24 h). */
const TOMBSTONE_TTL_SECONDS = 3 * 86_400;
/** Attempts of a change whose counted-task entry a recount moved between our read and our write. */
const COUNTED_ENTRY_ATTEMPTS = 3;

const projectKey = (tenantId: string, projectId: string) => keyOf(projectEntity, { tenantId, projectId });
const cleanupKey = (tenantId: string, projectId: string) => keyOf(cleanupEntity, { tenantId, projectId });
export const countedTaskKey = (tenantId: string, projectId: string, taskId: string) =>
  keyOf(countedTaskEntity, { tenantId, projectId, taskId });

/** A counted-task entry as stored, read. */
export function readCountedEntry(item: Item | undefined): CountedEntry | undefined {
  if (!item) return undefined;
  return { status: (item.status as TaskStatus | undefined) ?? null, revision: Number(item.revision ?? 0) };
}

/**
 * The conditional write that moves a task's counted-task entry to `status` (null: a tombstone),
 * from the entry as read (`current`; undefined: no entry): it fails if anyone moved it since.
 */
export function countedEntryPut(
  tableName: string,
  tenantId: string,
  projectId: string,
  taskId: string,
  status: TaskStatus | null,
  current: CountedEntry | undefined,
  now: Date,
) {
  const expr = new ExpressionBuilder();
  const condition = current
    ? `${expr.name('revision')} = ${expr.value(current.revision)}`
    : `attribute_not_exists(${expr.name(TABLE_KEY.pk)})`;
  return {
    TableName: tableName,
    Item: {
      ...countedTaskKey(tenantId, projectId, taskId),
      entity: countedTaskEntity.name,
      tenantId,
      projectId,
      taskId,
      ...(status !== null ? { status } : { [TABLE_TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + TOMBSTONE_TTL_SECONDS }),
      revision: (current?.revision ?? 0) + 1,
      countedAt: now.toISOString(),
    },
    ConditionExpression: condition,
    ...expr.attributes,
  };
}

/** Adds a tenant to the list of tenants (tenantEntity); idempotent. */
export async function registerTenant(ctx: Pick<TableContext, 'client' | 'tableName'>, tenantId: string): Promise<void> {
  const expr = new ExpressionBuilder();
  await ctx.client.send(
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: keyOf(tenantEntity, { tenantId }),
      UpdateExpression: `SET ${expr.name('entity')} = ${expr.value(tenantEntity.name)}, ${expr.name('tenantId')} = ${expr.value(tenantId)}`,
      ...expr.attributes,
    }),
  );
}

export class ProjectionWriter {
  constructor(
    private readonly ctx: WriterContext,
    private readonly options: { activityTtlSeconds: number },
  ) {}

  /**
   * Records one change of a project or one of its tasks: its activity entry and, for a change of
   * the status a task is counted under, the project's counts and the task's counted-task entry,
   * all or nothing. Only if the project still exists.
   */
  async applyChange(tenantId: string, projectId: string, activity: ActivityChange, counted?: CountedChange): Promise<ApplyResult> {
    const entry = this.activityItem(tenantId, projectId, activity);
    for (let attempt = 1; ; attempt++) {
      const { delta, countedWrite } = counted
        ? await this.countedMove(tenantId, projectId, counted)
        : { delta: {}, countedWrite: undefined };
      const put = new ExpressionBuilder();
      try {
        await this.ctx.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.ctx.tableName,
                  Item: entry,
                  ConditionExpression: `attribute_not_exists(${put.name(TABLE_KEY.pk)})`,
                  ...put.attributes,
                },
              },
              this.projectAction(tenantId, projectId, delta),
              ...(countedWrite ? [{ Put: countedWrite }] : []),
            ],
          }),
        );
        return 'applied';
      } catch (error) {
        const [entryCode, projectCode, countedCode] = cancellationCodes(error) ?? [];
        if (entryCode === 'ConditionalCheckFailed') return 'duplicate';
        if (projectCode === 'ConditionalCheckFailed') return 'project-missing';
        // A recount moved the entry since we read it: start again from what it wrote.
        if (countedCode === 'ConditionalCheckFailed' && attempt < COUNTED_ENTRY_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /** How the counts move, and the entry write that goes with it, for a task to be counted under `counted.status`. */
  private async countedMove(tenantId: string, projectId: string, counted: CountedChange) {
    const { Item } = await this.ctx.client.send(
      new GetCommand({ TableName: this.ctx.tableName, Key: countedTaskKey(tenantId, projectId, counted.taskId), ConsistentRead: true }),
    );
    const current = readCountedEntry(Item);
    const from = current ? current.status : counted.previous;
    if (from === counted.status) return { delta: {}, countedWrite: undefined };
    const now = (this.ctx.now ?? systemClock)();
    return {
      delta: countsDelta(from, counted.status),
      countedWrite: countedEntryPut(this.ctx.tableName, tenantId, projectId, counted.taskId, counted.status, current, now),
    };
  }

  /** Moves the project's counts (and so its version: the counts are part of its representation), or checks that it exists. */
  private projectAction(tenantId: string, projectId: string, counts: CountsDelta) {
    const project = new ExpressionBuilder();
    const deltas = Object.entries(counts).filter(([, delta]) => delta !== 0);
    const ConditionExpression = `attribute_exists(${project.name(TABLE_KEY.pk)})`;
    if (deltas.length === 0) {
      return {
        ConditionCheck: { TableName: this.ctx.tableName, Key: projectKey(tenantId, projectId), ConditionExpression, ...project.attributes },
      };
    }
    const counters = project.name('taskCounts');
    const set = deltas.map(([field, delta]) => {
      const path = `${counters}.${project.name(field)}`;
      return `${path} = ${path} + ${project.value(delta)}`;
    });
    set.push(`${project.name('version')} = ${project.name('version')} + ${project.value(1)}`);
    return {
      Update: {
        TableName: this.ctx.tableName,
        Key: projectKey(tenantId, projectId),
        UpdateExpression: `SET ${set.join(', ')}`,
        ConditionExpression,
        ...project.attributes,
      },
    };
  }

  /** Adds a tenant to the list of tenants (tenantEntity); idempotent. */
  registerTenant(tenantId: string): Promise<void> {
    return registerTenant(this.ctx, tenantId);
  }

  private activityItem(tenantId: string, projectId: string, activity: ActivityChange): Item {
    const { eventId, ...entry } = activity;
    const resource = toResource<ActivityEntry>(activityEntity, { ...entry, id: eventId, projectId });
    const expiresAt = Math.floor(Date.parse(activity.occurredAt) / 1000) + this.options.activityTtlSeconds;
    return { ...toItem(activityEntity, tenantId, resource), [TABLE_TTL_ATTRIBUTE]: expiresAt };
  }

  /**
   * Starts deleting a deleted project's partition. The cleanup item's own stream records
   * drive the work, one bounded step per record, so no invocation runs unbounded.
   */
  async startCleanup(tenantId: string, projectId: string, requestedAt: string): Promise<void> {
    const expr = new ExpressionBuilder();
    try {
      await this.ctx.client.send(
        new PutCommand({
          TableName: this.ctx.tableName,
          Item: { ...cleanupKey(tenantId, projectId), entity: cleanupEntity.name, tenantId, projectId, requestedAt, deleted: 0, steps: 0 },
          ConditionExpression: `attribute_not_exists(${expr.name(TABLE_KEY.pk)})`,
          ...expr.attributes,
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // already started: a redelivered REMOVE
    }
  }

  /**
   * Deletes up to `maxItems` items of the project's partition, then records progress on the
   * cleanup item (whose MODIFY record triggers the next step) or, once the partition is
   * empty, deletes the cleanup item.
   */
  async continueCleanup(tenantId: string, projectId: string, maxItems: number): Promise<{ deleted: number; done: boolean }> {
    const expr = new ExpressionBuilder();
    const { Items = [] } = await this.ctx.client.send(
      new QueryCommand({
        TableName: this.ctx.tableName,
        KeyConditionExpression: `${expr.name(TABLE_KEY.pk)} = ${expr.value(childPartitionKey(projectEntity, { tenantId, id: projectId }))}`,
        ProjectionExpression: `${expr.name(TABLE_KEY.pk)}, ${expr.name(TABLE_KEY.sk)}`,
        ...expr.attributes,
        Limit: maxItems,
        ConsistentRead: true,
      }),
    );
    for (let i = 0; i < Items.length; i += BATCH_WRITE_LIMIT) {
      await this.batchDelete(Items.slice(i, i + BATCH_WRITE_LIMIT).map((item) => ({ pk: item[TABLE_KEY.pk], sk: item[TABLE_KEY.sk] })));
    }
    const key = cleanupKey(tenantId, projectId);
    if (Items.length < maxItems) {
      await this.ctx.client.send(new DeleteCommand({ TableName: this.ctx.tableName, Key: key }));
      return { deleted: Items.length, done: true };
    }
    const progress = new ExpressionBuilder();
    await this.ctx.client.send(
      new UpdateCommand({
        TableName: this.ctx.tableName,
        Key: key,
        UpdateExpression: `SET ${progress.name('deleted')} = ${progress.name('deleted')} + ${progress.value(Items.length)}, ${progress.name('steps')} = ${progress.name('steps')} + ${progress.value(1)}`,
        ...progress.attributes,
      }),
    );
    return { deleted: Items.length, done: false };
  }

  /** Removes an item whose project no longer exists (created while the project was being deleted). */
  async deleteOrphan(key: { pk: string; sk: string }): Promise<void> {
    await this.ctx.client.send(new DeleteCommand({ TableName: this.ctx.tableName, Key: key }));
  }

  private async batchDelete(keys: { pk: string; sk: string }[]): Promise<void> {
    let pending = keys.map((Key) => ({ DeleteRequest: { Key } }));
    // Unprocessed items are throttling: back off, and give up (the record is retried) after a few tries.
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 5) throw new Error(`batch delete left ${pending.length} items unprocessed`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const { UnprocessedItems } = await this.ctx.client.send(new BatchWriteCommand({ RequestItems: { [this.ctx.tableName]: pending } }));
      pending = (UnprocessedItems?.[this.ctx.tableName] ?? []) as typeof pending;
    }
  }
}
