// What a table has beyond what dynalite stores for it: its stream and its TTL setting.
// Kept in our own record (`ldb:ext~<TableName>`) rather than in dynalite's table record,
// because dynalite rewrites that record from a stale copy when an UpdateTable settles
// (its delayed `tableDb.put`), which would undo a change made in between.
//
// A record names the TableId it belongs to: after DeleteTable and CreateTable with the
// same name, a leftover record of the old table is ignored.
import type { BatchOp, MainDb, TableRecord } from './dynalite.js';

export interface TableExtension {
  tableId: string;
  /** The table's latest stream (enabled or not): DescribeTable's LatestStreamArn. */
  latestStreamArn?: string;
  timeToLive?: { attributeName: string; enabled: boolean };
}

const PREFIX = 'ldb:ext~';

export class TableExtensions {
  readonly #db: MainDb;
  readonly #byName = new Map<string, TableExtension>();

  constructor(db: MainDb) {
    this.#db = db;
  }

  async load(): Promise<void> {
    const keys = await this.#db.keys({ gte: PREFIX, lt: `${PREFIX}\xff` }).all();
    const values = (await this.#db.values({ gte: PREFIX, lt: `${PREFIX}\xff` }).all()) as TableExtension[];
    keys.forEach((key, index) => this.#byName.set(key.slice(PREFIX.length), values[index]!));
  }

  /** The extension of this very table (not of an older table of the same name). */
  get(table: Pick<TableRecord, 'TableName' | 'TableId'>): TableExtension | undefined {
    const extension = this.#byName.get(table.TableName);
    return extension?.tableId === table.TableId ? extension : undefined;
  }

  /** All tables with TTL enabled, by name. */
  withTimeToLive(): [string, TableExtension][] {
    return [...this.#byName].filter(([, extension]) => extension.timeToLive?.enabled);
  }

  /** Updates the in-memory copy and returns the batch entry that persists it. */
  set(tableName: string, extension: TableExtension): BatchOp {
    this.#byName.set(tableName, extension);
    return { type: 'put', key: PREFIX + tableName, value: extension };
  }

  delete(tableName: string): BatchOp {
    this.#byName.delete(tableName);
    return { type: 'del', key: PREFIX + tableName };
  }
}
