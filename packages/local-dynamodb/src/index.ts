// @app/local-dynamodb: an embedded DynamoDB for local runs and tests (dynalite, plus
// DynamoDB Streams, transactions, TTL and, when asked, DynamoDB's throughput ceilings on
// the same endpoint), with the tables taken from serverless.yml.
export { startLocalDynamoDB, LocalDynamoDBPortInUseError, LocalDynamoDBDataDirInUseError } from './server.js';
export type { LocalDynamoDB, LocalDynamoDBOptions } from './server.js';
export { readTableDefinitions, tableDefinitionsFromYaml, toTableDefinition } from './table-definition.js';
export type { ReadTableOptions, TableDefinition } from './table-definition.js';
export { ensureTables, ensureTablesAt, createDynamoDBClient } from './ensure-tables.js';
export type { EnsureTableResult, EnsureTablesOptions } from './ensure-tables.js';
export { parseServerlessYaml, resolveVariables } from './serverless-yaml.js';
export type { VariableContext } from './serverless-yaml.js';
export { runDbCli, inMemoryRequested, throughputLimitsFromEnv } from './cli.js';
export type { DbCliOptions } from './cli.js';
export { DEFAULT_THROUGHPUT_LIMITS } from './throughput/limits.js';
export type {
  ThroughputControl,
  ThroughputLimitsOptions,
  ThroughputStats,
  ResourceThroughput,
  ThrottledPartition,
} from './throughput/limits.js';
export type { ThrottlingReason } from './errors.js';
