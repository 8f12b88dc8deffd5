// Recounts projects' task counts from their tasks, reports the drift it finds and repairs it,
// while the stream consumer goes on applying changes.
//
// Why the counts end exact. The consumer moves a project's counts by what it counted of each
// task, kept in a counted-task entry per task (projections.ts), and it writes entry and counts
// in one transaction. The recount repairs in two steps, each of which cannot undo a change
// applied at the same time:
//
// 1. Each task against its entry. The entries are read first, the tasks second, so what the
//    recount reads of a task is never older than what its entry holds. Where they differ, the
//    entry is moved to the task's state with a write conditional on the entry's revision as read.
//    If the consumer moved the entry in between, the condition fails and the consumer's state
//    stands. If the consumer has yet to apply a record of that task (it was in flight when the
//    task was read), that record later moves the entry on from the state the recount wrote, as it
//    would have from its own: records of one item arrive in order, so the entry ends at the
//    state of the task's last change either way. A created task counted early by the recount is
//    not counted twice: its INSERT finds the entry already at its status. A deletion counted
//    early leaves a tombstone, so its REMOVE finds nothing left to uncount.
//    A difference that changes within `settleMs` is a change in flight, left to the consumer,
//    so that it is not reported as drift; one that lasts was missed (skipped, expired,
//    edited around the API) and is repaired.
// 2. Each count shard (entities/project-counts.ts) against the sum of the entries of the tasks
//    counted in it. The shard is read first, the entries second, and the shard is written only
//    if its revision is still the one read: every transaction of the consumer that moves an
//    entry moves its shard's revision too, so a count written here always includes exactly the
//    entries it was summed from. A counter edited by hand is found here.
//
// Projects are found by key: a tenant's projects are one Query of its partition, and the
// tenants are one Query of the list the consumer keeps (tenantEntity). No Scan.
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskStatus } from '@app/schema';
import {
  countedTaskEntity,
  countShardOf,
  countShards,
  projectCountsEntity,
  projectEntity,
  taskEntity,
  tenantEntity,
} from './entities/index.js';
import { childPartitionKey, existenceKey, keyOf } from './entity.js';
import { composeKey, keyPrefix, TABLE_KEY } from './keys.js';
import { allSettledFirst } from './parallel.js';
import { countedEntryPut, countedTaskKey, readCountedEntry, registerTenant, type CountedEntry } from './projections.js';
import { countShardKey, shardCounts } from './project-counts.js';
import {
  cancellationCodes,
  existsCheck,
  ExpressionBuilder,
  isConditionFailure,
  systemClock,
  type Item,
  type WriterContext,
} from './table.js';
import { countsDelta, countsOf, emptyCounts, readTask, sameCounts, type TaskCounts } from './task-counts.js';

export interface RecountOptions {
  /** Only this tenant's projects; every tenant on the list when unset. */
  tenantId?: string;
  /** Only this project (of `tenantId`, which it needs). */
  projectId?: string;
  /** Report, change nothing. */
  dryRun?: boolean;
  /** How long a task must differ from what is counted of it to be drift rather than a change in flight. */
  settleMs?: number;
  /** Asked before each project: true ends the run there (a Lambda function running out of time). */
  shouldStop?: () => boolean;
  /** Pause; injectable so tests can act between the two reads of a difference. */
  sleep?: (ms: number) => Promise<void>;
}

export interface ProjectDrift {
  tenantId: string;
  projectId: string;
  /** The counts the project had. */
  stored: TaskCounts;
  /** The counts of its tasks. */
  actual: TaskCounts;
  /** Tasks counted under another status than theirs, counted though gone, or not counted. */
  tasks: number;
  /** Whether the counts now hold `actual` (plus whatever changed since); false in a dry run. */
  repaired: boolean;
}

/** A task item that is not counted because it cannot be read (the consumer skips its records too). */
export interface UnreadableTask {
  tenantId: string;
  projectId: string;
  key: { pk: string; sk: string };
  problem: string;
}

export interface RecountReport {
  dryRun: boolean;
  /** Projects recounted. */
  projects: number;
  drift: ProjectDrift[];
  unreadable: UnreadableTask[];
  /** A project named in the options that does not exist. */
  missing: { tenantId: string; projectId: string }[];
  /** False when `shouldStop` ended the run before every project was recounted. */
  complete: boolean;
}

type Context = WriterContext;

/** What is counted of one task against the task itself. */
interface Difference {
  taskId: string;
  counted: CountedEntry | undefined;
  actual: TaskStatus | null;
}

const DEFAULT_SETTLE_MS = 5_000;
/** Attempts at writing a project's counts while the consumer keeps moving its version. */
const COUNT_WRITE_ATTEMPTS = 5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const countedStatus = (entry: CountedEntry | undefined) => entry?.status ?? null;
const sameEntry = (a: CountedEntry | undefined, b: CountedEntry | undefined) => a?.revision === b?.revision && a?.status === b?.status;

/** The tasks whose counted-task entry does not hold their status (pure). */
export function differences(counted: Map<string, CountedEntry>, actual: Map<string, TaskStatus | null>): Difference[] {
  const found: Difference[] = [];
  for (const taskId of new Set([...counted.keys(), ...actual.keys()])) {
    const entry = counted.get(taskId);
    const status = actual.get(taskId) ?? null;
    // A task with no entry yet is given one, even at its own status: the counts are summed from the entries.
    if (countedStatus(entry) !== status || (entry === undefined && status !== null)) found.push({ taskId, counted: entry, actual: status });
  }
  return found;
}

export async function recount(ctx: Context, options: RecountOptions = {}): Promise<RecountReport> {
  if (options.projectId !== undefined && options.tenantId === undefined) throw new TypeError('a project is named within its tenant');
  return new Recount(ctx, options).run();
}

class Recount {
  private readonly report: RecountReport;

  constructor(
    private readonly ctx: Context,
    private readonly options: RecountOptions,
  ) {
    this.report = { dryRun: options.dryRun === true, projects: 0, drift: [], unreadable: [], missing: [], complete: true };
  }

  async run(): Promise<RecountReport> {
    const { tenantId, projectId } = this.options;
    const tenants = tenantId !== undefined ? [tenantId] : await this.tenants();
    for (const tenant of tenants) {
      // Naming a tenant puts it on the list, for tenants whose projects predate it.
      if (tenantId !== undefined && !this.report.dryRun) await registerTenant(this.ctx, tenant);
      const projects = projectId !== undefined ? [projectId] : await this.projectsOf(tenant);
      for (const project of projects) {
        if (this.options.shouldStop?.()) {
          this.report.complete = false;
          return this.report;
        }
        await this.recountProject(tenant, project);
      }
    }
    return this.report;
  }

  private async recountProject(tenantId: string, projectId: string): Promise<void> {
    const partition = childPartitionKey(projectEntity, { tenantId, id: projectId });
    // 1. Each task against its entry: entries first, tasks second (see the top of this file).
    const counted = new Map<string, CountedEntry>();
    for (const item of await this.query(partition, keyPrefix(countedTaskEntity.keys.sk))) counted.set(item.taskId, readCountedEntry(item)!);
    const actual = new Map<string, TaskStatus | null>();
    for (const item of await this.query(partition, keyPrefix(taskEntity.keys.sk))) {
      const task = readTask(item);
      const taskId = typeof item.id === 'string' && item.id !== '' ? item.id : String(item.sk).slice(keyPrefix(taskEntity.keys.sk).length);
      actual.set(taskId, task.readable ? task.status : null);
      if (!task.readable) this.report.unreadable.push({ tenantId, projectId, key: { pk: item.pk, sk: item.sk }, problem: task.problem });
    }
    const lasting = await this.lasting(tenantId, projectId, differences(counted, actual));
    if (!this.report.dryRun) await allSettledFirst(lasting.map((difference) => this.moveEntry(tenantId, projectId, difference)));

    // 2. The counts against the sum of the entries.
    const outcome = await this.reconcileCounts(tenantId, projectId, lasting);
    if (outcome === 'missing') {
      if (this.options.projectId !== undefined) this.report.missing.push({ tenantId, projectId });
      return;
    }
    this.report.projects++;
    if (!sameCounts(outcome.stored, outcome.actual)) {
      this.report.drift.push({ tenantId, projectId, ...outcome, tasks: lasting.length });
    }
  }

  /** The differences still there, unchanged, after `settleMs`: the others are changes in flight, the consumer's to apply. */
  private async lasting(tenantId: string, projectId: string, found: Difference[]): Promise<Difference[]> {
    if (found.length === 0) return found;
    await (this.options.sleep ?? sleep)(this.options.settleMs ?? DEFAULT_SETTLE_MS);
    const still = await allSettledFirst(
      found.map(async (difference) => {
        const entry = readCountedEntry(await this.get(countedTaskKey(tenantId, projectId, difference.taskId)));
        const item = await this.get(keyOf(taskEntity, { tenantId, projectId, taskId: difference.taskId }));
        const task = readTask(item);
        const status = item && task.readable ? task.status : null;
        return sameEntry(entry, difference.counted) && status === difference.actual ? difference : undefined;
      }),
    );
    return still.filter((difference) => difference !== undefined);
  }

  /** Moves a task's entry to the task's state, from the revision read; if it moved since, the consumer's state stands. */
  private async moveEntry(tenantId: string, projectId: string, { taskId, counted, actual }: Difference): Promise<void> {
    const put = countedEntryPut(this.ctx.tableName, tenantId, projectId, taskId, actual, counted, (this.ctx.now ?? systemClock)());
    try {
      await this.ctx.client.send(new PutCommand(put));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Each count shard against the sum of the entries of its tasks; the project's presence item
   * too (a project from before they existed gets one). In a dry run, the sums are of the entries
   * as the repair of step 1 would leave them.
   */
  private async reconcileCounts(
    tenantId: string,
    projectId: string,
    lasting: Difference[],
  ): Promise<'missing' | { stored: TaskCounts; actual: TaskCounts; repaired: boolean }> {
    if (!(await this.get(keyOf(projectEntity, { tenantId, projectId })))) return 'missing';
    if (!this.report.dryRun) await this.ensurePresence(tenantId, projectId);
    const total = { stored: emptyCounts(), actual: emptyCounts(), repaired: false };
    for (const shard of countShards()) {
      const ofShard = lasting.filter((difference) => countShardOf(difference.taskId) === shard);
      const outcome = await this.reconcileShard(tenantId, projectId, shard, ofShard);
      total.stored = addCounts(total.stored, outcome.stored);
      total.actual = addCounts(total.actual, outcome.actual);
      total.repaired ||= outcome.repaired;
    }
    return total;
  }

  /** Reads a shard, sums its entries, and writes the sum if the shard's revision is still the one read. */
  private async reconcileShard(tenantId: string, projectId: string, shard: string, lasting: Difference[]) {
    const key = countShardKey(tenantId, projectId, shard);
    const partition = childPartitionKey(projectEntity, { tenantId, id: projectId });
    for (let attempt = 1; ; attempt++) {
      const item = await this.get(key);
      const stored = shardCounts(item);
      const entries = await this.query(partition, keyPrefix(countedTaskEntity.keys.sk));
      const ofShard = entries.filter((entry) => countShardOf(entry.taskId) === shard);
      let sum = countsOf(ofShard.map((entry) => readCountedEntry(entry)!.status));
      if (this.report.dryRun) sum = lasting.reduce((counts, d) => applyDelta(counts, countsDelta(countedStatus(d.counted), d.actual)), sum);
      if (sameCounts(stored, sum)) return { stored, actual: sum, repaired: false };
      if (this.report.dryRun) {
        // Only a sum of the entries the counts were read with tells drift from a change being applied.
        if ((await this.get(key))?.revision === item?.revision) return { stored, actual: sum, repaired: false };
      } else if (await this.writeShard(tenantId, projectId, shard, item, sum)) {
        return { stored, actual: sum, repaired: true };
      }
      if (attempt === COUNT_WRITE_ATTEMPTS) return { stored, actual: sum, repaired: false };
    }
  }

  private async writeShard(
    tenantId: string,
    projectId: string,
    shard: string,
    read: Item | undefined,
    counts: TaskCounts,
  ): Promise<boolean> {
    const expr = new ExpressionBuilder();
    const revision = Number(read?.revision ?? 0);
    const put = {
      TableName: this.ctx.tableName,
      Item: {
        ...countShardKey(tenantId, projectId, shard),
        entity: projectCountsEntity.name,
        tenantId,
        projectId,
        shard,
        ...counts,
        revision: revision + 1,
      },
      // From the shard as read: its revision, or (written by hand, say) none, or no shard at all.
      ConditionExpression: !read
        ? `attribute_not_exists(${expr.name(TABLE_KEY.pk)})`
        : read.revision === undefined
          ? `attribute_exists(${expr.name(TABLE_KEY.pk)}) AND attribute_not_exists(${expr.name('revision')})`
          : `${expr.name('revision')} = ${expr.value(revision)}`,
      ...expr.attributes,
    };
    try {
      // Only while the project exists: a shard written after its deletion would outlive it.
      await this.ctx.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: existsCheck(this.ctx, existenceKey(projectEntity, { tenantId, id: projectId })) },
            { Put: put },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) return false;
      throw error;
    }
  }

  /** Writes the project's presence item if it has none (a project created before they existed), while the project exists. */
  private async ensurePresence(tenantId: string, projectId: string): Promise<void> {
    const presence = existenceKey(projectEntity, { tenantId, id: projectId });
    if (await this.get(presence)) return;
    const absent = new ExpressionBuilder();
    try {
      await this.ctx.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: existsCheck(this.ctx, keyOf(projectEntity, { tenantId, projectId })) },
            {
              Put: {
                TableName: this.ctx.tableName,
                Item: { ...presence, tenantId, projectId },
                ConditionExpression: `attribute_not_exists(${absent.name(TABLE_KEY.pk)})`,
                ...absent.attributes,
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!cancellationCodes(error)?.includes('ConditionalCheckFailed')) throw error;
    }
  }

  private async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    return (await this.ctx.client.send(new GetCommand({ TableName: this.ctx.tableName, Key: key, ConsistentRead: true }))).Item;
  }

  /** Every item of a partition whose sort key starts with `prefix`, page after page. */
  private async query(pk: string, prefix: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const expr = new ExpressionBuilder();
      const page = await this.ctx.client.send(
        new QueryCommand({
          TableName: this.ctx.tableName,
          KeyConditionExpression: `${expr.name(TABLE_KEY.pk)} = ${expr.value(pk)} AND begins_with(${expr.name(TABLE_KEY.sk)}, ${expr.value(prefix)})`,
          ...expr.attributes,
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private async tenants(): Promise<string[]> {
    const items = await this.query(composeKey(tenantEntity.keys.pk, {}), keyPrefix(tenantEntity.keys.sk!));
    return items.map((item) => item.tenantId as string);
  }

  private async projectsOf(tenantId: string): Promise<string[]> {
    const items = await this.query(composeKey(projectEntity.keys.pk, { tenantId }), keyPrefix(projectEntity.keys.sk));
    return items.map((item) => item.id as string);
  }
}

const addCounts = (a: TaskCounts, b: TaskCounts): TaskCounts => applyDelta(a, b);

function applyDelta(counts: TaskCounts, delta: Partial<TaskCounts>): TaskCounts {
  const next = { ...counts };
  for (const [key, value] of Object.entries(delta)) next[key as keyof TaskCounts] += value;
  return next;
}
