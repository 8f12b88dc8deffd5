// The template check on small templates, one rule at a time (test/templates.test.ts runs it on
// the templates that `sls package` makes).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadTemplateChecker, type TemplateChecker } from '../src/cfn-spec.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Template = Record<string, any>;

/** A small template that conforms: a queue, a table and a topic, with references between them. */
function conforming(): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: { Stage: { Type: 'String' } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true } },
      Table: {
        Type: 'AWS::DynamoDB::Table',
        DeletionPolicy: 'Retain',
        DependsOn: ['Queue'],
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          DeletionProtectionEnabled: { 'Fn::If': ['IsProd', true, false] },
          Tags: [{ Key: 'stage', Value: { Ref: 'Stage' } }],
        },
      },
      Topic: {
        Type: 'AWS::SNS::Topic',
        Condition: 'IsProd',
        Properties: { TopicName: { 'Fn::Sub': '${AWS::StackName}-${Stage}-alarms' } },
      },
    },
    Outputs: {
      QueueArn: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-QueueArn' } } },
      StreamArn: { Value: { 'Fn::GetAtt': 'Table.StreamArn' } },
    },
  };
}

let checker: TemplateChecker;
beforeAll(async () => {
  checker = await loadTemplateChecker();
});

it('finds nothing wrong in a template that conforms', () => {
  expect(checker.check(conforming())).toEqual([]);
});

describe('findings', () => {
  it.each<[string, (template: Template) => void, string, RegExp]>([
    [
      'a misspelt property',
      (t) => ((t.Resources.Table.Properties.BilingMode = 'PAY_PER_REQUEST'), delete t.Resources.Table.Properties.BillingMode),
      'Resources.Table.Properties.BilingMode',
      /unknown property \(did you mean BillingMode\?\)/,
    ],
    [
      'a required property left out',
      (t) => delete t.Resources.Table.Properties.KeySchema[0].KeyType,
      'Resources.Table.Properties.KeySchema[0].KeyType',
      /required property missing/,
    ],
    [
      'a string where a list goes',
      (t) => (t.Resources.Table.Properties.AttributeDefinitions = 'pk'),
      'Resources.Table.Properties.AttributeDefinitions',
      /expected a list, found a string/,
    ],
    [
      'a list where an integer goes',
      (t) => (t.Resources.Queue.Properties.MessageRetentionPeriod = [1]),
      'Resources.Queue.Properties.MessageRetentionPeriod',
      /expected an integer, found a list/,
    ],
    [
      'words where a boolean goes',
      (t) => (t.Resources.Queue.Properties.SqsManagedSseEnabled = 'yes'),
      'Resources.Queue.Properties.SqsManagedSseEnabled',
      /expected a boolean/,
    ],
    [
      'an object where a string goes',
      (t) => (t.Resources.Topic.Properties.TopicName = { name: 'x' }),
      'Resources.Topic.Properties.TopicName',
      /expected a string, found an object/,
    ],
    [
      'a tag without its value',
      (t) => (t.Resources.Table.Properties.Tags = [{ Key: 'stage' }]),
      'Resources.Table.Properties.Tags[0].Value',
      /required property missing/,
    ],
    [
      'a resource type that does not exist',
      (t) => (t.Resources.Queue.Type = 'AWS::SQS::Queu'),
      'Resources.Queue.Type',
      /AWS::SQS::Queu is not a CloudFormation resource type \(did you mean AWS::SQS::Queue\?\)/,
    ],
    [
      'a misspelt resource attribute',
      (t) => (t.Resources.Queue.DeletionPolcy = 'Retain'),
      'Resources.Queue.DeletionPolcy',
      /unknown resource attribute \(did you mean DeletionPolicy\?\)/,
    ],
    [
      'a deletion policy that does not exist',
      (t) => (t.Resources.Table.DeletionPolicy = 'Keep'),
      'Resources.Table.DeletionPolicy',
      /must be one of Delete, Retain/,
    ],
    ['a DependsOn on nothing', (t) => (t.Resources.Table.DependsOn = ['Queu']), 'Resources.Table.DependsOn', /"Queu" is not a resource/],
    [
      'a condition that is not defined',
      (t) => (t.Resources.Topic.Condition = 'IsProduction'),
      'Resources.Topic.Condition',
      /is not a condition/,
    ],
    [
      'a Ref to nothing',
      (t) => (t.Resources.Table.Properties.Tags[0].Value = { Ref: 'Stag' }),
      'Resources.Table.Properties.Tags[0].Value.Ref',
      /Stag is not a resource, parameter or pseudo parameter/,
    ],
    [
      'a Fn::GetAtt of an attribute the type lacks',
      (t) => (t.Outputs.QueueArn.Value = { 'Fn::GetAtt': ['Queue', 'Arm'] }),
      'Outputs.QueueArn.Value.Fn::GetAtt',
      /AWS::SQS::Queue has no attribute Arm \(did you mean Arn\?\)/,
    ],
    [
      'a Fn::GetAtt of a resource not there',
      (t) => (t.Outputs.StreamArn.Value = { 'Fn::GetAtt': 'Tables.StreamArn' }),
      'Outputs.StreamArn.Value.Fn::GetAtt',
      /Tables is not a resource/,
    ],
    [
      'a Fn::Sub of a name not defined',
      (t) => (t.Resources.Topic.Properties.TopicName = { 'Fn::Sub': '${Stages}-alarms' }),
      'Resources.Topic.Properties.TopicName.Fn::Sub',
      /\$\{Stages\} names nothing/,
    ],
    [
      'an intrinsic function that does not exist',
      (t) => (t.Resources.Topic.Properties.TopicName = { 'Fn::Concat': ['a', 'b'] }),
      'Resources.Topic.Properties.TopicName.Fn::Concat',
      /unknown intrinsic function/,
    ],
    [
      'an output without a value',
      (t) => (t.Outputs.QueueArn = { Export: { Name: 'x' } }),
      'Outputs.QueueArn.Value',
      /every output needs a Value/,
    ],
    ['an export without a name', (t) => (t.Outputs.QueueArn.Export = {}), 'Outputs.QueueArn.Export', /an export needs a Name/],
    [
      'a custom resource without its service token',
      (t) => (t.Resources.Custom = { Type: 'Custom::Seed', Properties: { Rows: 3 } }),
      'Resources.Custom.Properties.ServiceToken',
      /required by Custom::Seed/,
    ],
    [
      'a misspelt top-level section',
      (t) => ((t.Output = t.Outputs), delete t.Outputs),
      'Output',
      /unknown top-level section \(did you mean Outputs\?\)/,
    ],
    ['a resource without a type', (t) => delete t.Resources.Queue.Type, 'Resources.Queue.Type', /every resource needs a Type/],
  ])('%s', (_, change, path, message) => {
    // Prepare
    const template = conforming();
    change(template);

    // Act
    const findings = checker.check(template);

    // Assess
    expect(findings).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('finds a misspelt property of a nested type, and the required one it stands for', () => {
    const template = conforming();
    template.Resources.Table.Properties.KeySchema = [{ AttributeName: 'pk', KeyTyp: 'HASH' }];

    expect(checker.check(template)).toEqual([
      { path: 'Resources.Table.Properties.KeySchema[0].KeyTyp', message: 'unknown property (did you mean KeyType?)' },
      { path: 'Resources.Table.Properties.KeySchema[0].KeyType', message: 'required property missing' },
    ]);
  });

  it('refuses a template that is not an object', () => {
    expect(checker.check([])).toEqual([{ path: '', message: 'a template must be a JSON object' }]);
  });

  it('refuses a template without resources', () => {
    expect(checker.check({ Outputs: {} })).toEqual([{ path: 'Resources', message: 'a template needs at least one resource' }]);
  });
});

describe('intrinsic functions stand wherever a value may', () => {
  const INTRINSICS: [string, unknown][] = [
    ['Ref', { Ref: 'Stage' }],
    ['Fn::GetAtt', { 'Fn::GetAtt': ['Queue', 'Arn'] }],
    ['Fn::Join', { 'Fn::Join': ['', ['a', { Ref: 'AWS::Region' }]] }],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'rest-api-data-dev-TableArn' }],
    ['Fn::Sub', { 'Fn::Sub': ['${Name}-x', { Name: { Ref: 'Stage' } }] }],
    ['Fn::If', { 'Fn::If': ['IsProd', 'a', { Ref: 'AWS::NoValue' }] }],
    ['Fn::Select', { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] }],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Map', 'Key', 'Value'] }],
    ['Fn::GetStackOutput', { 'Fn::GetStackOutput': { StackName: 'rest-api-data-dev', OutputName: 'TableArn' } }],
  ];
  const PLACES: [string, (t: Template, value: unknown) => void][] = [
    ['a string', (t, v) => (t.Resources.Topic.Properties.TopicName = v)],
    ['an integer', (t, v) => (t.Resources.Queue.Properties.MessageRetentionPeriod = v)],
    ['a boolean', (t, v) => (t.Resources.Queue.Properties.SqsManagedSseEnabled = v)],
    ['a list', (t, v) => (t.Resources.Table.Properties.AttributeDefinitions = v)],
    ['an element of a list', (t, v) => (t.Resources.Table.Properties.KeySchema = [v])],
    ['an object', (t, v) => (t.Resources.Table.Properties.SSESpecification = v)],
  ];

  it.each(INTRINSICS.flatMap(([name, value]) => PLACES.map(([place, put]) => [name, place, value, put] as const)))(
    '%s as %s',
    (_, __, value, put) => {
      const template = conforming();
      put(template, value);

      expect(checker.check(template)).toEqual([]);
    },
  );
});

it('loads the specification once per process', async () => {
  expect(await loadTemplateChecker()).toBe(checker);
});
