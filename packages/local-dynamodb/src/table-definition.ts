// Turns the `AWS::DynamoDB::Table` resources of a serverless.yml into CreateTable inputs,
// so the local table is always the deployed one: there is no second, hand-written schema.
import { readFile } from 'node:fs/promises';
import type {
  AttributeDefinition,
  BillingMode,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  KeySchemaElement,
  LocalSecondaryIndex,
  Projection,
  ProvisionedThroughput,
  StreamViewType,
  TimeToLiveSpecification,
} from '@aws-sdk/client-dynamodb';
import { parseServerlessYaml, resolveVariables } from './serverless-yaml.js';

export interface TableDefinition {
  /** The CloudFormation logical id, e.g. `Table`. */
  logicalId: string;
  tableName: string;
  createTable: CreateTableCommandInput;
  /** Applied with UpdateTimeToLive where the endpoint supports it. */
  timeToLive?: TimeToLiveSpecification;
}

export interface ReadTableOptions {
  /** Serverless stage used for `${opt:stage}` / `${sls:stage}`; default `local`. */
  stage?: string;
  /** Used for `${opt:region}`. */
  region?: string;
  /** Environment for `${env:X}`; default `process.env`. */
  env?: Record<string, string | undefined>;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Drops undefined keys, so inputs compare and print cleanly. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** Builds a CreateTable input from one resource's Properties; CFN-only properties are dropped. */
export function toTableDefinition(logicalId: string, properties: Json): TableDefinition {
  const tableName = properties.TableName;
  if (typeof tableName !== 'string' || tableName.includes('${')) {
    throw new Error(`serverless.yml: resource ${logicalId} needs a TableName that resolves to a string, got ${JSON.stringify(tableName)}`);
  }
  const indexes = (value: unknown): Json[] | undefined => (Array.isArray(value) ? value.filter(isObject) : undefined);
  const stream = properties.StreamSpecification;
  const ttl = properties.TimeToLiveSpecification;
  const createTable = compact<CreateTableCommandInput>({
    TableName: tableName,
    AttributeDefinitions: properties.AttributeDefinitions as AttributeDefinition[],
    KeySchema: properties.KeySchema as KeySchemaElement[],
    BillingMode: properties.BillingMode as BillingMode | undefined,
    ProvisionedThroughput: properties.ProvisionedThroughput as ProvisionedThroughput | undefined,
    GlobalSecondaryIndexes: indexes(properties.GlobalSecondaryIndexes)?.map((index) =>
      compact<GlobalSecondaryIndex>({
        IndexName: index.IndexName as string,
        KeySchema: index.KeySchema as KeySchemaElement[],
        Projection: index.Projection as Projection,
        ProvisionedThroughput: index.ProvisionedThroughput as ProvisionedThroughput | undefined,
      }),
    ),
    LocalSecondaryIndexes: indexes(properties.LocalSecondaryIndexes)?.map((index): LocalSecondaryIndex => ({
      IndexName: index.IndexName as string,
      KeySchema: index.KeySchema as KeySchemaElement[],
      Projection: index.Projection as Projection,
    })),
    // CloudFormation only names the view type; the API also wants StreamEnabled.
    StreamSpecification: isObject(stream) ? { StreamEnabled: true, StreamViewType: stream.StreamViewType as StreamViewType } : undefined,
  });
  return {
    logicalId,
    tableName,
    createTable,
    ...(isObject(ttl)
      ? { timeToLive: { AttributeName: ttl.AttributeName as string, Enabled: ttl.Enabled === true || ttl.Enabled === 'true' } }
      : {}),
  };
}

/** Table definitions from serverless.yml text (see {@link readTableDefinitions}). */
export function tableDefinitionsFromYaml(text: string, options: ReadTableOptions = {}): TableDefinition[] {
  const doc = parseServerlessYaml(text);
  const resources = isObject(doc.resources) && isObject(doc.resources.Resources) ? doc.resources.Resources : {};
  const context = { stage: options.stage ?? 'local', region: options.region, env: options.env };
  return Object.entries(resources)
    .filter(([, resource]) => isObject(resource) && resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => {
      const properties = resolveVariables((resource as Json).Properties ?? {}, doc, context);
      return toTableDefinition(logicalId, isObject(properties) ? properties : {});
    });
}

/**
 * Reads the `AWS::DynamoDB::Table` resources of a Serverless Framework file
 * (`resources.Resources`) with their names resolved for `options.stage` (default `local`).
 */
export async function readTableDefinitions(serverlessYmlPath: string | URL, options: ReadTableOptions = {}): Promise<TableDefinition[]> {
  return tableDefinitionsFromYaml(await readFile(serverlessYmlPath, 'utf8'), options);
}
