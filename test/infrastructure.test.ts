// `sls package` of the data stack and of every service (no AWS credentials needed), then
// assertions on the CloudFormation they would deploy.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { childPartition, idempotencyEntity, keyPattern, projectEntity, TABLE_INDEXES } from '@app/data';
import { ROUTES, type RouteDefinition } from '@app/schema';
import { slsPackage as packageTo, type CloudFormationTemplate as Template } from '@app/testing';
import { HOOK_TIMEOUT_MS } from './support/stack.js';

let workDir: string;

function slsPackage(serviceDir: string, stage: string, env: Record<string, string> = {}): Promise<Template> {
  const outDir = join(workDir, `${serviceDir.replaceAll('/', '_') || 'root'}-${stage}-${Object.keys(env).length}`);
  return packageTo({ serviceDir, stage, outDir, env });
}

const ofType = (template: Template, type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

const routeKeyOf = (route: (typeof ROUTES)[number]) => `${route.method.toUpperCase()} ${route.path}`;
const PUBLIC_ROUTE_KEYS = ROUTES.filter((route) => 'public' in route && route.public).map(routeKeyOf);
const PROTECTED_ROUTE_KEYS = ROUTES.filter((route) => !('public' in route && route.public)).map(routeKeyOf);

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'sls-package-'));
});
afterAll(async () => rm(workDir, { recursive: true, force: true }));

describe('data stack (root serverless.yml)', () => {
  let dev: Template;
  let prod: Template;
  beforeAll(async () => {
    [dev, prod] = [await slsPackage('', 'dev'), await slsPackage('', 'prod')];
  }, HOOK_TIMEOUT_MS);

  it('defines one on-demand table with streams, PITR, TTL and the status index', () => {
    const tables = ofType(dev, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const props = tables[0]![1].Properties;
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(props.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(props.GlobalSecondaryIndexes.map((i: { IndexName: string }) => i.IndexName)).toEqual(['gsi1']);
  });

  it('protects the table from deletion in prod only', () => {
    const protection = (t: Template) => ofType(t, 'AWS::DynamoDB::Table')[0]![1].Properties.DeletionProtectionEnabled;
    expect(protection(prod)).toBe(true);
    expect(protection(dev)).toBe(false);
  });

  it('defines the Cognito user pool whose users cannot write their own tenant', () => {
    const [, client] = ofType(dev, 'AWS::Cognito::UserPoolClient')[0]!;
    expect(client.Properties.WriteAttributes).not.toContain('custom:tenant');
    expect(client.Properties.ReadAttributes).toContain('custom:tenant');
  });

  it("exports the user pool's and its client's ids for the services", () => {
    expect(dev.Outputs.UserPoolId.Export.Name).toBe('rest-api-data-dev-UserPoolId');
    expect(dev.Outputs.UserPoolClientId.Export.Name).toBe('rest-api-data-dev-UserPoolClientId');
  });

  it('exports the table name, ARN and stream ARN for the services', () => {
    expect(dev.Outputs.TableName.Export.Name).toBe('rest-api-data-dev-TableName');
    expect(dev.Outputs.TableArn.Export.Name).toBe('rest-api-data-dev-TableArn');
    expect(dev.Outputs.TableStreamArn.Export.Name).toBe('rest-api-data-dev-TableStreamArn');
    expect(dev.Outputs.TableStreamArn.Value).toEqual({ 'Fn::GetAtt': ['Table', 'StreamArn'] });
  });
});

describe('api service (services/api/serverless.yml)', () => {
  let template: Template;
  beforeAll(async () => {
    template = await slsPackage('services/api', 'dev');
  }, HOOK_TIMEOUT_MS);

  // The DynamoDB actions each route needs, and not one more, by what the route does: every
  // route of a child reads its parent (GetItem; a ConditionCheck in the create's transaction),
  // a write that fails its condition reads the item (GetItem) to tell 404 from 412, and a create
  // also keeps Idempotency-Key records (Powertools' DynamoDB persistence layer).
  const IDEMPOTENCY_RECORDS = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
  const lists = (route: RouteDefinition) => Object.values(route.responses).some((response) => response.body && 'page' in response.body);
  function actionsOf(route: RouteDefinition): string[] {
    if (route.public) return [];
    // A create or list under a parent (a path parameter) reads the parent; item routes read the item anyway.
    const underParent = (route.pathParams ?? []).length > 0;
    const actions =
      route.method === 'post'
        ? [...IDEMPOTENCY_RECORDS, ...(underParent ? ['dynamodb:ConditionCheckItem'] : [])]
        : route.method === 'get' && lists(route)
          ? ['dynamodb:Query', ...(underParent ? ['dynamodb:GetItem'] : [])]
          : route.method === 'get'
            ? ['dynamodb:GetItem']
            : route.method === 'patch'
              ? ['dynamodb:GetItem', 'dynamodb:UpdateItem']
              : ['dynamodb:DeleteItem', 'dynamodb:GetItem'];
    return actions.sort();
  }
  const functionOf = (operationId: string) => operationId[0]!.toUpperCase() + operationId.slice(1);
  const DOCUMENTATION_FUNCTIONS: Record<string, string> = {
    getOpenApiDocument: 'OpenApiDocument',
    getDocsPage: 'DocsPage',
    getDocsAsset: 'DocsAsset',
  };
  const expectedActions: Record<string, string[]> = {
    ...Object.fromEntries(
      (ROUTES as readonly RouteDefinition[]).map((route) => [
        DOCUMENTATION_FUNCTIONS[route.operationId] ?? functionOf(route.operationId),
        actionsOf(route),
      ]),
    ),
    // The catch-all route touches no table.
    NotFound: [],
  };
  // The routes that show a project read its task counts, kept in items of their own (BatchGetItem).
  for (const name of ['GetProject', 'ListProjects', 'UpdateProject'])
    expectedActions[name] = [...expectedActions[name]!, 'dynamodb:BatchGetItem'].sort();
  const tableArn = { 'Fn::ImportValue': 'rest-api-data-dev-TableArn' };
  const indexArn = { 'Fn::Join': ['', [tableArn, `/index/${TABLE_INDEXES.byStatus.name}`]] };

  it('grants the actions of each kind of route as the table has them (a sample)', () => {
    expect(expectedActions).toMatchObject({
      CreateProject: IDEMPOTENCY_RECORDS,
      CreateTask: ['dynamodb:ConditionCheckItem', ...IDEMPOTENCY_RECORDS].sort(),
      ListProjects: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
      ListTasks: ['dynamodb:GetItem', 'dynamodb:Query'],
      ListActivity: ['dynamodb:GetItem', 'dynamodb:Query'],
      GetTask: ['dynamodb:GetItem'],
      UpdateProject: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
      DeleteTask: ['dynamodb:DeleteItem', 'dynamodb:GetItem'],
      DocsPage: [],
    });
  });

  it('has one function per route', () => {
    const functions = ofType(template, 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id.replace(/LambdaFunction$/, '')).sort()).toEqual(Object.keys(expectedActions).sort());
  });

  it('runs every function on nodejs22.x', () => {
    for (const [, fn] of ofType(template, 'AWS::Lambda::Function')) expect(fn.Properties.Runtime).toBe('nodejs22.x');
  });

  /** The statements of the policies of `name`'s role. */
  function roleStatements(name: string): { Action: string[]; Resource: unknown; Condition?: unknown }[] {
    const roleId = template.Resources[`${name}LambdaFunction`]!.Properties.Role['Fn::GetAtt'][0] as string;
    return template.Resources[roleId]!.Properties.Policies.flatMap(
      (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
    );
  }

  describe.each(Object.entries(expectedActions))("%s's role", (name, actions) => {
    const dynamoStatements = () => roleStatements(name).filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));

    it('names only its own DynamoDB actions', () => {
      expect([...new Set(dynamoStatements().flatMap((s) => s.Action))].sort()).toEqual(actions);
    });

    it("names them on the table's ARNs only, and on the index for Query only", () => {
      for (const statement of dynamoStatements()) {
        const resources = [statement.Resource].flat();
        for (const resource of resources) expect([tableArn, indexArn]).toContainEqual(resource);
        if (resources.some((r: unknown) => JSON.stringify(r) === JSON.stringify(indexArn)))
          expect(statement.Action).toEqual(['dynamodb:Query']);
      }
    });

    it('grants nothing but DynamoDB, logs and the upload of its traces', () => {
      const other = (s: { Action: string[] }) => !s.Action.every((a) => a.startsWith('dynamodb:') || a.startsWith('logs:'));
      expect(roleStatements(name).filter(other)).toEqual([
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] },
      ]);
    });
  });

  const IDEMPOTENT_CREATES = (ROUTES as readonly RouteDefinition[])
    .filter((route) => route.headers?.includes('Idempotency-Key'))
    .map((route) => functionOf(route.operationId));

  it.each(IDEMPOTENT_CREATES)("lets %s update and delete only idempotency records, in the tenants' record partitions", (name) => {
    const idempotency = roleStatements(name).filter(
      (s) => s.Action.includes('dynamodb:UpdateItem') || s.Action.includes('dynamodb:DeleteItem'),
    );
    expect(idempotency).toHaveLength(1);
    expect(idempotency[0]!.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [keyPattern(idempotencyEntity.keys.pk)] },
    });
  });

  it('sets SDK attempts and timeouts for every function', () => {
    for (const [, fn] of ofType(template, 'AWS::Lambda::Function')) {
      expect(fn.Properties.Environment.Variables).toMatchObject({ DYNAMODB_MAX_ATTEMPTS: '3', DYNAMODB_REQUEST_TIMEOUT_MS: '1000' });
      expect(fn.Properties.Timeout).toBe(10);
    }
  });

  it("allows the stage's own browser origins (CORS), the API's request headers and exposes its response headers", () => {
    const [, api] = ofType(template, 'AWS::ApiGatewayV2::Api')[0]!;
    expect(api.Properties.CorsConfiguration).toEqual({
      AllowOrigins: ['http://localhost:5173', 'https://dev.app.example.com'],
      AllowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key'],
      AllowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
      ExposeHeaders: ['ETag', 'Location', 'Retry-After', 'Idempotent-Replayed', 'WWW-Authenticate'],
      MaxAge: 600,
    });
  });

  it('routes every path to its own function, and anything else to the catch-all', () => {
    const routes = ofType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(routes.sort()).toEqual([...ROUTES.map(routeKeyOf), '$default'].sort());
    const integrations = ofType(template, 'AWS::ApiGatewayV2::Integration');
    expect(new Set(integrations.map(([, i]) => JSON.stringify(i.Properties.IntegrationUri))).size).toBe(routes.length);
  });

  it('documents every route it deploys, and deploys every route it documents', () => {
    const deployed = ofType(template, 'AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey as string)
      .filter((key) => key !== '$default');
    expect(deployed.sort()).toEqual(ROUTES.map(routeKeyOf).sort());
  });

  it('has one authorizer: JWT, from Cognito of the same stage by default', () => {
    const authorizers = ofType(template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]![1].Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ 'Fn::ImportValue': 'rest-api-data-dev-UserPoolClientId' }],
        Issuer: {
          'Fn::Join': [
            '',
            ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { 'Fn::ImportValue': 'rest-api-data-dev-UserPoolId' }],
          ],
        },
      },
    });
  });

  it('leaves only the documentation public', () => {
    expect([...PUBLIC_ROUTE_KEYS].sort()).toEqual(['GET /docs', 'GET /docs/{asset}', 'GET /openapi.json']);
  });

  /** The deployed route of `routeKey` (exactly one). */
  function deployedRoute(routeKey: string) {
    const routes = ofType(template, 'AWS::ApiGatewayV2::Route').filter(([, route]) => route.Properties.RouteKey === routeKey);
    expect(routes).toHaveLength(1);
    return routes[0]![1];
  }

  it.each(PUBLIC_ROUTE_KEYS)('puts no authorizer on the public %s', (routeKey) => {
    expect(deployedRoute(routeKey).Properties.AuthorizerId).toBeUndefined();
  });

  it.each([...PROTECTED_ROUTE_KEYS, '$default'])('puts the JWT authorizer on %s', (routeKey) => {
    const [authorizerId] = ofType(template, 'AWS::ApiGatewayV2::Authorizer')[0]!;
    const route = deployedRoute(routeKey);
    expect(route.Properties.AuthorizationType).toBe('JWT');
    expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
  });

  describe('packaged with another OIDC issuer and audience in the environment, for prod', () => {
    let custom: Template;
    beforeAll(async () => {
      custom = await slsPackage('services/api', 'prod', { AUTH_ISSUER_URL: 'https://login.example.com/', AUTH_AUDIENCE: 'api://tasks' });
    }, HOOK_TIMEOUT_MS);

    it('takes the issuer and audience from the environment at package time', () => {
      const [, authorizer] = ofType(custom, 'AWS::ApiGatewayV2::Authorizer')[0]!;
      expect(authorizer.Properties.JwtConfiguration).toEqual({ Issuer: 'https://login.example.com/', Audience: ['api://tasks'] });
    });

    it("allows prod's own browser origin (CORS)", () => {
      const [, api] = ofType(custom, 'AWS::ApiGatewayV2::Api')[0]!;
      expect(api.Properties.CorsConfiguration.AllowOrigins).toEqual(['https://app.example.com']);
    });
  });

  it('has API Gateway write the access log: one JSON line per request, ids that join the function logs, no caller IP or identity', () => {
    const stage = ofType(template, 'AWS::ApiGatewayV2::Stage')[0]![1];
    const { DestinationArn, Format } = stage.Properties.AccessLogSettings;
    const entry = JSON.parse(Format);
    expect(entry).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationRequestId: '$context.integration.requestId',
      integrationError: '$context.integrationErrorMessage',
    });
    expect(Format).not.toMatch(/sourceIp|identity|authorizer\.claims|userAgent/);
    const [logGroupId] = DestinationArn['Fn::GetAtt'];
    expect(template.Resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
  });

  it("reads the table from the data stack's exports, not from a hard-coded name", () => {
    for (const [, fn] of ofType(template, 'AWS::Lambda::Function')) {
      expect(fn.Properties.Environment.Variables.TABLE_NAME).toEqual({ 'Fn::ImportValue': 'rest-api-data-dev-TableName' });
    }
  });
});

describe('stream consumer service (services/stream-consumer/serverless.yml)', () => {
  let template: Template;
  beforeAll(async () => {
    template = await slsPackage('services/stream-consumer', 'dev');
  }, HOOK_TIMEOUT_MS);

  const tableArn = { 'Fn::ImportValue': 'rest-api-data-dev-TableArn' };
  const queueArn = { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] };
  function roleStatements(name: string): { Action: string[]; Resource: unknown; Condition?: unknown }[] {
    const roleId = template.Resources[`${name}LambdaFunction`]!.Properties.Role['Fn::GetAtt'][0] as string;
    return template.Resources[roleId]!.Properties.Policies.flatMap(
      (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
    ).filter((s: { Action: string[] }) => !s.Action.every((a) => a.startsWith('logs:')));
  }

  it('gives the stream function its on-failure destination, the queue it may send to', () => {
    const fn = template.Resources.TableChangesLambdaFunction!;
    expect(fn.Properties.Environment.Variables.ON_FAILURE_DESTINATION).toEqual({ Ref: 'DeadLetterQueue' });
    expect(roleStatements('TableChanges')).toContainEqual(expect.objectContaining({ Action: ['sqs:SendMessage'], Resource: queueArn }));
    const [, mapping] = ofType(template, 'AWS::Lambda::EventSourceMapping')[0]!;
    expect(mapping.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
  });

  it('lets the recount function read the table, list tenants, and put only entries, count shards and presence items in projects’ partitions', () => {
    expect(roleStatements('Recount')).toEqual([
      // Tracing (provider.tracing): the upload of its segments.
      { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] },
      expect.objectContaining({
        Action: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
        Resource: tableArn,
      }),
      {
        Effect: 'Allow',
        Action: ['dynamodb:PutItem'],
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [keyPattern(childPartition(projectEntity))] } },
      },
    ]);
    expect(template.Resources.RecountLambdaFunction!.Properties.Timeout).toBe(900);
  });

  it("emits metrics in a namespace of its own stage, which the drift alarm watches and reports to the alarm topic of the stage (the data stack's)", () => {
    expect(template.Resources.RecountLambdaFunction!.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe(
      'rest-api-stream-consumer-dev',
    );
    expect(template.Resources.TaskCountDriftAlarm!.Properties).toMatchObject({
      Namespace: 'rest-api-stream-consumer-dev',
      MetricName: 'TaskCountDrift',
      Dimensions: [{ Name: 'service', Value: 'stream-consumer' }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [{ 'Fn::ImportValue': 'rest-api-data-dev-AlarmTopicArn' }],
    });
  });
});
