import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { parseServerlessYaml, resolveVariables } from './serverless-yaml.js';
import { readTableDefinitions, tableDefinitionsFromYaml } from './table-definition.js';

const rootServerlessYml = fileURLToPath(new URL('../../../serverless.yml', import.meta.url));

describe('readTableDefinitions on the root serverless.yml', () => {
  it('gives the local table with its keys, index, stream and TTL, without CloudFormation-only properties', async () => {
    // Act
    const definitions = await readTableDefinitions(rootServerlessYml);

    // Assess
    expect(definitions).toHaveLength(1);
    const [table] = definitions;
    expect(table?.logicalId).toBe('Table');
    expect(table?.tableName).toBe('rest-api-data-local');
    expect(table?.createTable).toEqual({
      TableName: 'rest-api-data-local',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(table?.timeToLive).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('resolves the table name for another stage', async () => {
    // Act
    const [table] = await readTableDefinitions(rootServerlessYml, { stage: 'pr-42' });

    // Assess
    expect(table?.tableName).toBe('rest-api-data-pr-42');
  });
});

describe('tableDefinitionsFromYaml', () => {
  // Prepare
  const yaml = `
service: shop
provider:
  stage: \${opt:stage, 'dev'}
  prefix: \${env:TABLE_PREFIX, 'p'}
custom:
  names: { local: from-map, other: fallback }
  missing: \${ssm:/some/param}
resources:
  Conditions:
    IsProd: !Equals [!Ref Stage, prod]
  Resources:
    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: \${self:provider.prefix}-\${self:custom.names.\${self:provider.stage}, self:custom.names.other}
        BillingMode: !If [IsProd, PAY_PER_REQUEST, PROVISIONED]
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }
        AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
        KeySchema: [{ AttributeName: id, KeyType: HASH }]
        Tags: [{ Key: arn, Value: !GetAtt Queue.Arn }, { Key: secret, Value: '\${self:custom.missing}' }]
    Queue:
      Type: AWS::SQS::Queue
  Outputs:
    Name: { Value: !Sub '\${Orders}' }
`;

  it('resolves self, opt, env and fallbacks, nested, and parses CloudFormation short tags', () => {
    // Act
    const [orders, ...others] = tableDefinitionsFromYaml(yaml, { stage: 'local', env: { TABLE_PREFIX: 'acme' } });

    // Assess
    expect(others).toEqual([]);
    expect(orders?.tableName).toBe('acme-from-map');
    // The intrinsic is kept as its long form, not evaluated: the local create gets it as is.
    expect(orders?.createTable.BillingMode).toEqual({ 'Fn::If': ['IsProd', 'PAY_PER_REQUEST', 'PROVISIONED'] });
    expect(orders?.createTable.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 1, WriteCapacityUnits: 1 });
    expect(orders?.timeToLive).toBeUndefined();
  });

  it('uses the fallbacks when a stage or env value is missing', () => {
    // Act
    const [orders] = tableDefinitionsFromYaml(yaml, { stage: 'qa', env: {} });

    // Assess
    expect(orders?.tableName).toBe('p-fallback');
  });

  it('refuses a table name it cannot resolve instead of creating a table named ${...}', () => {
    // Prepare
    const unresolvable = yaml.replace(/TableName: .*/, 'TableName: ${cf:other-stack.TableName}');

    // Act
    const read = (): unknown => tableDefinitionsFromYaml(unresolvable, { env: {} });

    // Assess
    expect(read).toThrow(/Orders needs a TableName that resolves to a string, got "\$\{cf:other-stack\.TableName\}"/);
  });

  it('parses every short tag form and leaves variables it does not know as strings', () => {
    // Prepare
    const doc = parseServerlessYaml(yaml);
    const resources = doc.resources as Record<string, Record<string, Record<string, unknown>>>;

    // Act
    const unknown = resolveVariables('${self:custom.missing}', doc, { stage: 'local' });
    const mixed = resolveVariables({ list: ['${self:service}-${opt:stage}', 1, true] }, doc, { stage: 'qa' });

    // Assess
    expect(unknown).toBe('${self:custom.missing}');
    expect(mixed).toEqual({ list: ['shop-qa', 1, true] });
    expect(resources.Conditions?.IsProd).toEqual({ 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] });
    expect(resources.Outputs?.Name).toEqual({ Value: { 'Fn::Sub': '${Orders}' } });
    expect(resources.Resources?.Orders).toMatchObject({
      Properties: {
        Tags: [
          { Key: 'arn', Value: { 'Fn::GetAtt': ['Queue', 'Arn'] } },
          { Key: 'secret', Value: '${self:custom.missing}' },
        ],
      },
    });
  });
});
