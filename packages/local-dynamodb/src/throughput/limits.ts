// DynamoDB's throughput ceilings, enforced when `throughputLimits` is on (off by default).
//
// What is modelled, and the pages it rests on:
//   - The partition ceiling: "each individual partition is limited to 1,000 write units per
//     second and 3,000 read units per second" (warm-throughput-scenarios.html), for the table
//     and for each global secondary index, reads and writes independently ("a partition may
//     throttle reads while writes continue normally", throttling-key-range-limit-exceeded-
//     mitigation.html). The engine has no physical partitions; it applies the ceiling to each
//     partition key value, which is what the throttling reason names ("the request rate
//     directed at a specific partition key value has exceeded the internal partition-level
//     throughput limits", API_ThrottlingReason.html) and what adaptive capacity cannot spread:
//     it isolates a hot item on a partition of its own, but "DynamoDB can deliver throughput up
//     to the partition maximum of 3,000 RCUs and 1,000 WCUs to that single item's primary key"
//     (burst-adaptive-capacity.html). DynamoDB may, over time, split one partition key's item
//     collection by sort key (not on a table with a local secondary index); the engine does
//     not, so it shows the ceiling a key has before any split, the one a surge meets first.
//   - No burst above the partition ceiling: "burst capacity can't alleviate partition-level
//     throttling" (AWS Knowledge Center, dynamodb-spiky-workloads-short-intervals). A partition
//     budget holds one second of its rate (`partitionBurstSeconds`).
//   - Provisioned tables and their GSIs also get their provisioned rate, with DynamoDB's burst
//     capacity: "DynamoDB currently retains up to five minutes (300 seconds) of unused read and
//     write capacity" (burst-adaptive-capacity.html). On-demand tables have no such budget:
//     their account-level per-table quotas (40,000 units) are not modelled.
//   - The answer to a throttled request (throttling-diagnosing-workflow.html, gsi-throttling.html,
//     API_TransactWriteItems.html): on a provisioned table, ProvisionedThroughputExceededException
//     (with ThrottlingReasons); on an on-demand table, ThrottlingException (with
//     throttlingReasons, so spelled in DynamoDB's service model); each reason is
//     <Table|Index><Read|Write><KeyRangeThroughputExceeded|ProvisionedThroughputExceeded> with
//     the ARN of the table or index. BatchWriteItem and BatchGetItem return the throttled items
//     as unprocessed, and fail only when none could be processed; a transaction is cancelled
//     with a ThrottlingError (on-demand) or ProvisionedThroughputExceeded reason for each
//     throttled item.
//   - Free, as on DynamoDB: TTL deletions, which consume no write throughput (TTL.html), and
//     DynamoDB Streams reads, which have limits of their own (not modelled).
//
// Chosen where the documentation is silent:
//   - budgets are token buckets (token-buckets.ts) on the engine's clock, full when first
//     used (what a new table starts with is not documented); a charge is admitted when its
//     budget holds it all, or when it is larger than the budget can hold and the budget is
//     full (it then goes into debt), so no request is refused forever and the sustained rate
//     never exceeds the budget's;
//   - the cost of a read is known once the item is read, so a throttled read has read (and
//     returns nothing); a write is charged after it is planned, before anything is stored;
//   - a request throttled in several places (the table and a GSI) lists every reason once;
//   - the wire name of ThrottlingException is com.amazon.coral.availability#ThrottlingException,
//     as DynamoDB sends it (the documentation names the exception, not its namespace);
//   - a transaction cancelled for a condition still consumes ("two underlying reads or writes
//     of every item": prepare and commit), one cancelled for throttling consumes nothing;
//   - a Scan spreads over partitions the engine does not have: it is charged to a provisioned
//     table's (or GSI's) budget only.
import type { AttributeValue, TableRecord } from '../dynalite.js';
import { throttlingError } from '../errors.js';
import type { ThrottlingReason } from '../errors.js';
import { TokenBuckets } from './token-buckets.js';
import type { BucketCharge } from './token-buckets.js';
import { findIndex } from './capacity.js';
import type { Charge, IndexDefinition } from './capacity.js';

export interface ThroughputLimitsOptions {
  /** Read units per second one partition key value gets, in the table and in each GSI; DynamoDB's ceiling, 3,000. */
  partitionReadUnitsPerSecond?: number;
  /** Write units per second one partition key value gets, in the table and in each GSI; DynamoDB's ceiling, 1,000. */
  partitionWriteUnitsPerSecond?: number;
  /** Seconds of unused partition capacity a partition key keeps for a burst; default 1 (DynamoDB: none above the ceiling). */
  partitionBurstSeconds?: number;
  /** Seconds of unused provisioned capacity a provisioned table or GSI keeps; default 300, as DynamoDB. */
  provisionedBurstSeconds?: number;
}

export const DEFAULT_THROUGHPUT_LIMITS: Required<ThroughputLimitsOptions> = {
  partitionReadUnitsPerSecond: 3_000,
  partitionWriteUnitsPerSecond: 1_000,
  partitionBurstSeconds: 1,
  provisionedBurstSeconds: 300,
};

export type Access = 'read' | 'write';

/** One table or one of its GSIs, with the counters CloudWatch keeps for it. */
export interface ResourceThroughput {
  tableName: string;
  indexName?: string;
  consumedReadCapacityUnits: number;
  consumedWriteCapacityUnits: number;
  /** Requests with a throttled read (or write) on this table or index. */
  readThrottleEvents: number;
  writeThrottleEvents: number;
}

/** A partition key value that has been throttled, as Contributor Insights' "throttled keys". */
export interface ThrottledPartition {
  tableName: string;
  indexName?: string;
  partitionKey: AttributeValue;
  readThrottleEvents: number;
  writeThrottleEvents: number;
}

export interface ThroughputStats {
  /** Requests refused (a BatchWriteItem or BatchGetItem counts once per throttled item). */
  throttledRequests: number;
  resources: ResourceThroughput[];
  throttledPartitions: ThrottledPartition[];
}

/** The part of the limits a caller of startLocalDynamoDB sees. */
export interface ThroughputControl {
  readonly options: Readonly<Required<ThroughputLimitsOptions>>;
  stats(): ThroughputStats;
  /** Refills every budget and zeroes every counter (between the steps of a bench, say). */
  reset(): void;
}

/** Charges of one request (or one item of a batch or transaction) against one table. */
export interface Demand {
  table: TableRecord;
  access: Access;
  charges: readonly Charge[];
}

export const isOnDemand = (table: TableRecord): boolean =>
  (table.BillingModeSummary as { BillingMode?: string } | undefined)?.BillingMode === 'PAY_PER_REQUEST';

interface Budget extends BucketCharge {
  reason: ThrottlingReason;
  counters: ResourceThroughput;
  partition?: { key: string; value: AttributeValue };
}

const capitalized = (access: Access): 'Read' | 'Write' => (access === 'read' ? 'Read' : 'Write');

export class ThroughputLimits implements ThroughputControl {
  readonly options: Readonly<Required<ThroughputLimitsOptions>>;
  readonly #buckets: TokenBuckets;
  #throttledRequests = 0;
  readonly #resources = new Map<string, ResourceThroughput>();
  readonly #partitions = new Map<string, ThrottledPartition>();

  constructor(options: ThroughputLimitsOptions, clock: () => number) {
    this.options = { ...DEFAULT_THROUGHPUT_LIMITS, ...options };
    for (const [name, value] of Object.entries(this.options)) {
      if (!(typeof value === 'number' && Number.isFinite(value) && value > 0))
        throw new TypeError(`throughputLimits.${name} must be a positive number, got ${String(value)}`);
    }
    this.#buckets = new TokenBuckets(clock);
  }

  /**
   * Admits all `demands` (one transaction, or one request) or none. Returns, per demand,
   * the reasons it was refused for, or undefined when everything was admitted and charged.
   */
  admit(demands: readonly Demand[]): (ThrottlingReason[] | undefined)[] | undefined {
    const budgets = demands.map((demand) => demand.charges.flatMap((charge) => this.#budgets(demand, charge)));
    const refused = new Set(this.#buckets.admit(budgets.flat()));
    if (!refused.size) {
      for (const demand of demands) {
        const field = demand.access === 'read' ? 'consumedReadCapacityUnits' : 'consumedWriteCapacityUnits';
        for (const charge of demand.charges) this.#resourceOf(demand.table, charge).counters[field] += charge.units;
      }
      return undefined;
    }
    return budgets.map((ofDemand, index) => {
      const refusing = ofDemand.filter((budget) => refused.has(budget.key));
      if (!refusing.length) return undefined;
      this.#throttled(demands[index]!.access, refusing);
      return [...new Map(refusing.map((budget) => [budget.reason.reason + budget.reason.resource, budget.reason])).values()];
    });
  }

  /** Admits one request, or throws the exception DynamoDB would. */
  admitOrThrow(demand: Demand): void {
    const reasons = this.admit([demand])?.[0];
    if (reasons) throw throttlingError(isOnDemand(demand.table), reasons);
  }

  stats(): ThroughputStats {
    return {
      throttledRequests: this.#throttledRequests,
      resources: [...this.#resources.values()].map((resource) => ({ ...resource })),
      throttledPartitions: [...this.#partitions.values()].map((partition) => ({ ...partition })),
    };
  }

  reset(): void {
    this.#buckets.clear();
    this.#throttledRequests = 0;
    this.#resources.clear();
    this.#partitions.clear();
  }

  /** The table or GSI a charge lands on (an LSI's units land on its table), and its counters. */
  #resourceOf(table: TableRecord, charge: Charge): { name: string; arn: string; global?: IndexDefinition; counters: ResourceThroughput } {
    const index = charge.index && findIndex(table, charge.index.name);
    const global = index && !index.ref.local ? index.definition : undefined;
    if (!global) return { name: table.TableName, arn: table.TableArn, counters: this.#counters(table.TableName, undefined) };
    return {
      name: `${table.TableName}\u0000${global.IndexName}`,
      arn: global.IndexArn ?? `${table.TableArn}/index/${global.IndexName}`,
      global,
      counters: this.#counters(table.TableName, global.IndexName),
    };
  }

  /** The budgets one charge draws on: its partition key's, and its provisioned table's or GSI's. */
  #budgets({ table, access }: Demand, charge: Charge): Budget[] {
    const { name, arn, global, counters } = this.#resourceOf(table, charge);
    const kind = `${global ? 'Index' : 'Table'}${capitalized(access)}`;
    const budgets: Budget[] = [];
    if (charge.partitionKey) {
      const rate = access === 'read' ? this.options.partitionReadUnitsPerSecond : this.options.partitionWriteUnitsPerSecond;
      const value = JSON.stringify(charge.partitionKey);
      budgets.push({
        key: `partition\u0000${access}\u0000${name}\u0000${value}`,
        cost: charge.units,
        rate,
        capacity: rate * this.options.partitionBurstSeconds,
        reason: { reason: `${kind}KeyRangeThroughputExceeded`, resource: arn },
        counters,
        partition: { key: `${name}\u0000${value}`, value: charge.partitionKey },
      });
    }
    if (!isOnDemand(table)) {
      const provisioned = (global ?? table).ProvisionedThroughput as
        { ReadCapacityUnits?: number; WriteCapacityUnits?: number } | undefined;
      const rate = (access === 'read' ? provisioned?.ReadCapacityUnits : provisioned?.WriteCapacityUnits) ?? 0;
      if (rate > 0)
        budgets.push({
          key: `provisioned\u0000${access}\u0000${name}`,
          cost: charge.units,
          rate,
          capacity: rate * this.options.provisionedBurstSeconds,
          reason: { reason: `${kind}ProvisionedThroughputExceeded`, resource: arn },
          counters,
        });
    }
    return budgets;
  }

  #counters(tableName: string, indexName: string | undefined): ResourceThroughput {
    const key = indexName === undefined ? tableName : `${tableName}\u0000${indexName}`;
    let counters = this.#resources.get(key);
    if (!counters) {
      counters = {
        tableName,
        ...(indexName === undefined ? {} : { indexName }),
        consumedReadCapacityUnits: 0,
        consumedWriteCapacityUnits: 0,
        readThrottleEvents: 0,
        writeThrottleEvents: 0,
      };
      this.#resources.set(key, counters);
    }
    return counters;
  }

  #throttled(access: Access, refusing: readonly Budget[]): void {
    this.#throttledRequests += 1;
    const event = access === 'read' ? 'readThrottleEvents' : 'writeThrottleEvents';
    for (const counters of new Set(refusing.map((budget) => budget.counters))) counters[event] += 1;
    for (const budget of refusing) {
      if (!budget.partition) continue;
      const { tableName, indexName } = budget.counters;
      let partition = this.#partitions.get(budget.partition.key);
      if (!partition) {
        partition = {
          tableName,
          ...(indexName === undefined ? {} : { indexName }),
          partitionKey: budget.partition.value,
          readThrottleEvents: 0,
          writeThrottleEvents: 0,
        };
        this.#partitions.set(budget.partition.key, partition);
      }
      partition[event] += 1;
    }
  }
}
