// The stream consumer's writes: state derived from table changes (task counts, the activity
// feed, the deletion of a deleted project's partition). Streams deliver at least once, so
// every write here is safe to repeat: each change's activity entry has a key derived from
// its stream record and is written in the same transaction as the change's counter update,
// so a replayed record finds its entry already there and changes nothing.
import { BatchWriteCommand, DeleteCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEntry, TaskStatus } from '@app/schema';
import { activityEntity } from './entities/activity.js';
import { cleanupEntity } from './entities/cleanup.js';
import { projectEntity } from './entities/projects.js';
import { childPartitionKey, keyOf, toItem, toResource, type Item } from './entity.js';
import { TABLE_KEY, TABLE_TTL_ATTRIBUTE } from './keys.js';
import { cancellationCodes, ExpressionBuilder, isConditionFailure, type TableContext } from './table.js';

export type CountsDelta = Partial<Record<'total' | TaskStatus, number>>;

/**
 * One change for a project's activity feed: the entry it becomes, keyed by its stream record
 * (`eventId`: unique per change, the same on every redelivery) instead of an id, and without
 * the project's id (given beside it). `occurredAt` is when the change was committed.
 */
export type ActivityChange = Omit<ActivityEntry, 'id' | 'projectId'> & { eventId: string };

export type ApplyResult = 'applied' | 'duplicate' | 'project-missing';

const BATCH_WRITE_LIMIT = 25;

const projectKey = (tenantId: string, projectId: string) => keyOf(projectEntity, { tenantId, projectId });
const cleanupKey = (tenantId: string, projectId: string) => keyOf(cleanupEntity, { tenantId, projectId });

export class ProjectionWriter {
  constructor(
    private readonly ctx: Pick<TableContext, 'client' | 'tableName'>,
    private readonly options: { activityTtlSeconds: number },
  ) {}

  /**
   * Records one change of a project or one of its tasks: its activity entry and, for task
   * changes, the project's counters, all or nothing. Only if the project still exists.
   */
  async applyChange(tenantId: string, projectId: string, activity: ActivityChange, counts: CountsDelta = {}): Promise<ApplyResult> {
    const entry = this.activityItem(tenantId, projectId, activity);
    const put = new ExpressionBuilder();
    const project = new ExpressionBuilder();
    const deltas = Object.entries(counts).filter(([, delta]) => delta !== 0);
    const projectCondition = `attribute_exists(${project.name(TABLE_KEY.pk)})`;
    let projectAction;
    if (deltas.length > 0) {
      const counters = project.name('taskCounts');
      const set = deltas.map(([field, delta]) => {
        const path = `${counters}.${project.name(field)}`;
        return `${path} = ${path} + ${project.value(delta)}`;
      });
      // The counts are part of the project's representation: its version (ETag) moves with them.
      set.push(`${project.name('version')} = ${project.name('version')} + ${project.value(1)}`);
      projectAction = {
        Update: {
          TableName: this.ctx.tableName,
          Key: projectKey(tenantId, projectId),
          UpdateExpression: `SET ${set.join(', ')}`,
          ConditionExpression: projectCondition,
          ...project.attributes,
        },
      };
    } else {
      projectAction = {
        ConditionCheck: {
          TableName: this.ctx.tableName,
          Key: projectKey(tenantId, projectId),
          ConditionExpression: projectCondition,
          ...project.attributes,
        },
      };
    }
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
            projectAction,
          ],
        }),
      );
      return 'applied';
    } catch (error) {
      const [entryCode, projectCode] = cancellationCodes(error) ?? [];
      if (entryCode === 'ConditionalCheckFailed') return 'duplicate';
      if (projectCode === 'ConditionalCheckFailed') return 'project-missing';
      throw error;
    }
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
