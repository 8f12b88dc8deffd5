// Every stack of the workspace, packaged as a deploy packages it (sls package, no AWS
// credentials), checked against the CloudFormation resource specification: a template that
// CloudFormation would refuse fails here, not at deploy time. The stacks come from the
// workspace (package.json "stack" fields), so a new stack or resource is checked too.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseServerlessYaml } from '@app/local-dynamodb';
import { slsPackage, type CloudFormationTemplate } from '@app/testing';
import { loadTemplateChecker, type TemplateChecker } from '../src/cfn-spec.js';
import { StackGraph } from '../src/graph.js';
import { runCommand } from '../src/process.js';
import { readWorkspace } from '../src/workspace.js';
import { PACKAGING_TIMEOUT_MS, ROOT_DIR } from './support.js';

const graph = new StackGraph(await readWorkspace(ROOT_DIR, runCommand));
// prod: where a template CloudFormation refuses costs most, and whose settings differ most
// (deletion protection). Every other deploy checks its own stage's templates before it runs,
// and the dry-run suite (cli.test.ts) packages and checks every stack for stage qa that way.
const STAGES = ['prod'];

let workDir: string;
let checker: TemplateChecker;
const templates = new Map<string, CloudFormationTemplate>();
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'templates-'));
  checker = await loadTemplateChecker();
  // One at a time: two sls processes bundling at once take as long on 2 cores, with twice the memory.
  for (const stack of graph.stacks) {
    for (const stage of STAGES) {
      const outDir = join(workDir, `${stack.name}-${stage}`);
      templates.set(`${stack.name}-${stage}`, await slsPackage({ serviceDir: stack.serviceDir, stage, outDir }));
    }
  }
}, PACKAGING_TIMEOUT_MS);
afterAll(async () => rm(workDir, { recursive: true, force: true }));

describe.each(graph.stacks.flatMap((stack) => STAGES.map((stage) => [stack.name, stage])))('the %s stack for stage %s', (name, stage) => {
  it('conforms to the CloudFormation resource specification', () => {
    expect(checker.check(templates.get(`${name}-${stage}`))).toEqual([]);
  });
});

it('fails the check of the data stack with a misspelt property name', () => {
  // Prepare: the table's BillingMode, as if written BilingMode in serverless.yml
  const template = structuredClone(templates.get('data-prod')!);
  const [tableId, table] = Object.entries(template.Resources).find(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')!;
  table.Properties.BilingMode = table.Properties.BillingMode;
  delete table.Properties.BillingMode;

  // Act
  const findings = checker.check(template);

  // Assess
  expect(findings).toEqual([
    { path: `Resources.${tableId}.Properties.BilingMode`, message: 'unknown property (did you mean BillingMode?)' },
  ]);
});

describe('the templates deployed by hand (deploy/bootstrap)', () => {
  it.each(['github-deploy-role.yml'])('%s conforms to the CloudFormation resource specification', async (file) => {
    const template = parseServerlessYaml(await readFile(join(ROOT_DIR, 'deploy/bootstrap', file), 'utf8'));

    expect(checker.check(template)).toEqual([]);
  });

  it('lists every template of the folder', async () => {
    expect((await readdir(join(ROOT_DIR, 'deploy/bootstrap'))).filter((file) => file.endsWith('.yml'))).toEqual(['github-deploy-role.yml']);
  });
});

// What an operator relies on in production (README, "Operating it"), as packaged for prod.
describe('limits and signals of the prod stage', () => {
  type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[]; Condition?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const resources = (stack: string) => Object.entries(templates.get(`${stack}-prod`)!.Resources as Record<string, Resource>);
  const ofType = (stack: string, type: string) => resources(stack).filter(([, resource]) => resource.Type === type);
  const readJson = async (path: string) => JSON.parse(await readFile(join(ROOT_DIR, path), 'utf8')) as Record<string, string>;
  const alarmTopic = { 'Fn::ImportValue': 'rest-api-data-prod-AlarmTopicArn' };
  let apiConfig: { custom: { throttling: { prod: { rate: number; burst: number; writes: { rate: number; burst: number } } } } };
  beforeAll(async () => {
    apiConfig = parseServerlessYaml(await readFile(join(ROOT_DIR, 'services/api/serverless.yml'), 'utf8')) as typeof apiConfig;
  });

  it("throttles every route of the API's stage at the stage's configured rate and burst", () => {
    const [[, stage]] = ofType('api', 'AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    const { rate, burst } = apiConfig.custom.throttling.prod;

    expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst });
  });

  it('throttles each route that writes at the tighter write limit, once the route exists', () => {
    const [[, stage]] = ofType('api', 'AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    const writeRoutes = ofType('api', 'AWS::ApiGatewayV2::Route').filter(([, route]) =>
      /^(POST|PUT|PATCH|DELETE) /.test(route.Properties.RouteKey),
    );
    const { rate, burst } = apiConfig.custom.throttling.prod.writes;

    expect(writeRoutes.length).toBeGreaterThanOrEqual(6);
    expect(stage.Properties.RouteSettings).toEqual(
      Object.fromEntries(
        writeRoutes.map(([, route]) => [route.Properties.RouteKey, { ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst }]),
      ),
    );
    expect(stage.DependsOn).toEqual(expect.arrayContaining(writeRoutes.map(([id]) => id)));
  });

  it.each(['api', 'stream-consumer'])('traces every function of the %s stack with X-Ray, the Powertools tracer on', (stack) => {
    const functions = ofType(stack, 'AWS::Lambda::Function');

    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe('true');
    }
  });

  it.each(['api', 'stream-consumer'])("lets every function of the %s stack upload its traces (its role's X-Ray statement)", (stack) => {
    const roleOf = (fn: Resource) => Object.fromEntries(resources(stack))[fn.Properties.Role['Fn::GetAtt'][0] as string]!;
    const actions = (role: Resource) =>
      (role.Properties.Policies as { PolicyDocument: { Statement: { Action: string[] }[] } }[]).flatMap((policy) =>
        policy.PolicyDocument.Statement.flatMap((statement) => statement.Action),
      );

    for (const [, fn] of ofType(stack, 'AWS::Lambda::Function')) {
      expect(actions(roleOf(fn))).toEqual(expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']));
    }
  });

  it('reserves concurrency for the stream consumer, and holds the recount to one at a time', () => {
    const reserved = Object.fromEntries(
      ofType('stream-consumer', 'AWS::Lambda::Function').map(([id, fn]) => [id, fn.Properties.ReservedConcurrentExecutions]),
    );

    expect(reserved).toEqual({ TableChangesLambdaFunction: 10, RecountLambdaFunction: 1 });
  });

  it('has one alarm topic for the stage, exported, with an email subscription only when ALARM_EMAIL is given', () => {
    const template = templates.get('data-prod')! as CloudFormationTemplate & { Conditions: Record<string, unknown> };
    const topicId = ofType('data', 'AWS::SNS::Topic')[0]![0];
    const subscription = ofType('data', 'AWS::SNS::Subscription')[0]![1];

    expect(template.Outputs.AlarmTopicArn).toEqual({ Value: { Ref: topicId }, Export: { Name: 'rest-api-data-prod-AlarmTopicArn' } });
    expect(subscription!.Condition).toBe('HasAlarmEmail');
    expect(template.Conditions.HasAlarmEmail).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['data', 'TableThrottlesAlarm', { Namespace: 'AWS/DynamoDB', MetricName: 'ThrottledRequests', Threshold: 0 }],
    ['data', 'TableSystemErrorsAlarm', { Namespace: 'AWS/DynamoDB', MetricName: 'SystemErrors', Threshold: 0 }],
    [
      'api',
      'Api5xxRateAlarm',
      {
        Threshold: 1,
        Metrics: expect.arrayContaining([expect.objectContaining({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)' })]),
      },
    ],
    ['api', 'ApiLatencyP99Alarm', { Namespace: 'AWS/ApiGateway', MetricName: 'Latency', ExtendedStatistic: 'p99', Threshold: 2000 }],
    ['api', 'ApiThrottledRequestsAlarm', { Namespace: 'AWS/ApiGateway', MetricName: '4xx', Threshold: 100 }],
    ['stream-consumer', 'IteratorAgeAlarm', { MetricName: 'IteratorAge', Threshold: 60000 }],
    ['stream-consumer', 'DeadLetterQueueAlarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0 }],
    ['stream-consumer', 'RecordsFailedAlarm', { Namespace: 'rest-api-stream-consumer-prod', MetricName: 'RecordsFailed', Threshold: 0 }],
    ['stream-consumer', 'TaskCountDriftAlarm', { Namespace: 'rest-api-stream-consumer-prod', MetricName: 'TaskCountDrift', Threshold: 0 }],
  ])('the %s stack has %s at its threshold, notifying the stage topic', (stack, id, expected) => {
    const alarm = resources(stack).find(([name]) => name === id)?.[1];
    const topic = stack === 'data' ? { Ref: ofType('data', 'AWS::SNS::Topic')[0]![0] } : alarmTopic;

    expect(alarm?.Properties).toMatchObject({ ...expected, AlarmActions: [topic] });
  });

  it.each(['api', 'stream-consumer'])('every function of the %s stack has an Errors alarm notifying the stage topic', (stack) => {
    const alarmed = ofType(stack, 'AWS::CloudWatch::Alarm')
      .filter(([, alarm]) => alarm.Properties.MetricName === 'Errors' && alarm.Properties.Namespace === 'AWS/Lambda')
      .map(([, alarm]) => alarm.Properties.Dimensions[0].Value.Ref);

    expect(
      ofType(stack, 'AWS::Lambda::Function')
        .map(([id]) => id)
        .filter((id) => !alarmed.includes(id)),
    ).toEqual(stack === 'stream-consumer' ? ['RecountLambdaFunction'] : []);
  });

  it('has a Throttles alarm for every API function', () => {
    const alarmed = ofType('api', 'AWS::CloudWatch::Alarm')
      .filter(([, alarm]) => alarm.Properties.MetricName === 'Throttles')
      .map(([, alarm]) => ({ fn: alarm.Properties.Dimensions[0].Value.Ref, actions: alarm.Properties.AlarmActions }));

    expect(alarmed).toEqual(ofType('api', 'AWS::Lambda::Function').map(([id]) => ({ fn: id, actions: [alarmTopic] })));
  });

  it("puts on the stage's dashboard the metrics the API emits, under its namespace, and the table's and the consumer's", async () => {
    // Prepare: the metric names the API's code emits (src/http/metrics.ts reads the same file)
    const emitted = Object.values(await readJson('services/api/src/http/metric-names.json'));
    const [[, dashboard]] = ofType('api', 'AWS::CloudWatch::Dashboard') as [[string, Resource]];
    const body = dashboard.Properties.DashboardBody['Fn::Sub'] as string;

    // Act
    const widgets = (JSON.parse(body) as { widgets: { properties: { title: string; metrics: unknown[][] } }[] }).widgets;
    const searched = [...body.matchAll(/SEARCH\('\{([^,]+),[^}]*\} MetricName=\\"(\w+)\\"/g)].map(([, namespace, name]) => ({
      namespace,
      name,
    }));

    // Assess
    expect(widgets.map((widget) => widget.properties.title)).toEqual([
      expect.stringMatching(/^Traffic/),
      expect.stringMatching(/^Errors/),
      expect.stringMatching(/^Latency/),
      expect.stringMatching(/^Outcomes/),
      expect.stringMatching(/^Saturation/),
      expect.stringMatching(/^Table/),
      expect.stringMatching(/^Stream consumer/),
    ]);
    expect(searched.map(({ name }) => name).sort()).toEqual([...emitted].sort());
    expect(new Set(searched.map(({ namespace }) => namespace))).toEqual(new Set(['rest-api-http-prod']));
    expect(body).toContain('"TableName","rest-api-data-prod"');
    expect(body).toContain('"FunctionName","rest-api-stream-consumer-prod-tableChanges"');
  });
});
