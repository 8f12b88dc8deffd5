// `sls package` of the data stack and of every service (no AWS credentials needed), then
// assertions on the CloudFormation they would deploy.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '@app/schema';
import { ROOT_DIR } from './support/stack.js';

type Template = { Resources: Record<string, { Type: string; Properties: any }>; Outputs: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

const run = promisify(execFile);
let workDir: string;

async function slsPackage(serviceDir: string, stage: string, env: Record<string, string> = {}): Promise<Template> {
  const out = join(workDir, `${serviceDir.replaceAll('/', '_') || 'root'}-${stage}-${Object.keys(env).length}`);
  await run(join(ROOT_DIR, 'node_modules/.bin/sls'), ['package', '--stage', stage, '--package', out], {
    cwd: join(ROOT_DIR, serviceDir),
    // No credentials at all: packaging must not call AWS.
    env: { PATH: process.env.PATH, HOME: workDir, SLS_TELEMETRY_DISABLED: '1', AWS_REGION: 'eu-west-1', ...env },
    timeout: 180_000,
  });
  return JSON.parse(await readFile(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
}

const ofType = (template: Template, type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'sls-package-'));
});
afterAll(async () => rm(workDir, { recursive: true, force: true }));

describe('data stack (root serverless.yml)', () => {
  let dev: Template;
  let prod: Template;
  beforeAll(async () => {
    [dev, prod] = [await slsPackage('', 'dev'), await slsPackage('', 'prod')];
  });

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
  });

  // The DynamoDB actions each route needs, and not one more.
  const expectedActions: Record<string, string[]> = {
    // The creates also keep Idempotency-Key records (Powertools' DynamoDB persistence layer).
    CreateProject: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    ListProjects: ['dynamodb:Query'],
    GetProject: ['dynamodb:GetItem'],
    UpdateProject: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    DeleteProject: ['dynamodb:DeleteItem', 'dynamodb:GetItem'],
    CreateTask: ['dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    ListTasks: ['dynamodb:GetItem', 'dynamodb:Query'],
    GetTask: ['dynamodb:GetItem'],
    UpdateTask: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    DeleteTask: ['dynamodb:DeleteItem', 'dynamodb:GetItem'],
    // The public documentation and the catch-all route touch no table.
    OpenApiDocument: [],
    DocsPage: [],
    DocsAsset: [],
    NotFound: [],
    ListActivity: ['dynamodb:GetItem', 'dynamodb:Query'],
  };
  const tableArn = { 'Fn::ImportValue': 'rest-api-data-dev-TableArn' };
  const indexArn = { 'Fn::Join': ['', [tableArn, '/index/gsi1']] };

  it('has one function per route, each on nodejs22.x', () => {
    const functions = ofType(template, 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id.replace(/LambdaFunction$/, '')).sort()).toEqual(Object.keys(expectedActions).sort());
    for (const [, fn] of functions) expect(fn.Properties.Runtime).toBe('nodejs22.x');
  });

  it("gives each function a role naming only its own DynamoDB actions on the table's ARNs", () => {
    for (const [name, actions] of Object.entries(expectedActions)) {
      const fn = template.Resources[`${name}LambdaFunction`]!;
      const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
      const statements = template.Resources[roleId]!.Properties.Policies.flatMap(
        (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
      );
      const dynamo = statements.filter((s: { Action: string[] }) => s.Action.some((a) => a.startsWith('dynamodb:')));
      const granted = [...new Set(dynamo.flatMap((s: { Action: string[] }) => s.Action))].sort();
      expect(granted, name).toEqual(actions);
      for (const statement of dynamo) {
        const resources = [statement.Resource].flat();
        for (const resource of resources) expect([tableArn, indexArn], name).toContainEqual(resource);
        if (resources.some((r: unknown) => JSON.stringify(r) === JSON.stringify(indexArn)))
          expect(statement.Action, name).toEqual(['dynamodb:Query']);
      }
      const others = statements.filter(
        (s: { Action: string[] }) => !s.Action.every((a) => a.startsWith('dynamodb:') || a.startsWith('logs:')),
      );
      expect(others, name).toEqual([]);
    }
  });

  it("lets the creates update and delete only idempotency records, in the tenants' record partitions", () => {
    for (const name of ['CreateProject', 'CreateTask']) {
      const roleId = template.Resources[`${name}LambdaFunction`]!.Properties.Role['Fn::GetAtt'][0] as string;
      const statements = template.Resources[roleId]!.Properties.Policies.flatMap(
        (p: { PolicyDocument: { Statement: { Action: string[] }[] } }) => p.PolicyDocument.Statement,
      );
      const idempotency = statements.filter(
        (s: { Action: string[] }) => s.Action.includes('dynamodb:UpdateItem') || s.Action.includes('dynamodb:DeleteItem'),
      );
      expect(idempotency, name).toHaveLength(1);
      expect(idempotency[0].Condition, name).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*#IDEMPOTENCY'] } });
    }
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

  it('routes every path to its own function', () => {
    const routes = ofType(template, 'AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey)
      .sort();
    expect(routes).toEqual(
      [
        'DELETE /projects/{projectId}',
        'DELETE /projects/{projectId}/tasks/{taskId}',
        'GET /projects',
        'GET /projects/{projectId}',
        'GET /projects/{projectId}/activity',
        'GET /projects/{projectId}/tasks',
        'GET /projects/{projectId}/tasks/{taskId}',
        'PATCH /projects/{projectId}',
        'PATCH /projects/{projectId}/tasks/{taskId}',
        'POST /projects',
        'POST /projects/{projectId}/tasks',
        'GET /openapi.json',
        'GET /docs',
        'GET /docs/{asset}',
        '$default',
      ].sort(),
    );
  });

  it('documents every route it deploys, and deploys every route it documents', () => {
    const deployed = ofType(template, 'AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey as string)
      .filter((key) => key !== '$default');
    expect(deployed.sort()).toEqual(ROUTES.map((route) => `${route.method.toUpperCase()} ${route.path}`).sort());
  });

  it('puts the JWT authorizer (Cognito of the same stage by default) on every route but the public documentation', () => {
    const authorizers = ofType(template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    expect(authorizer.Properties).toMatchObject({
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
    const publicRoutes = ROUTES.filter((route) => 'public' in route && route.public).map((route) => `GET ${route.path}`);
    expect(publicRoutes.sort()).toEqual(['GET /docs', 'GET /docs/{asset}', 'GET /openapi.json']);
    for (const [, route] of ofType(template, 'AWS::ApiGatewayV2::Route')) {
      if (publicRoutes.includes(route.Properties.RouteKey)) {
        expect(route.Properties.AuthorizerId, route.Properties.RouteKey).toBeUndefined();
        continue;
      }
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('JWT');
      expect(route.Properties.AuthorizerId, route.Properties.RouteKey).toEqual({ Ref: authorizerId });
    }
  });

  it('takes another OIDC issuer and audience from the environment at package time, and CORS origins per stage', async () => {
    const custom = await slsPackage('services/api', 'prod', {
      AUTH_ISSUER_URL: 'https://login.example.com/',
      AUTH_AUDIENCE: 'api://tasks',
    });
    const [, authorizer] = ofType(custom, 'AWS::ApiGatewayV2::Authorizer')[0]!;
    expect(authorizer.Properties.JwtConfiguration).toEqual({ Issuer: 'https://login.example.com/', Audience: ['api://tasks'] });
    const [, api] = ofType(custom, 'AWS::ApiGatewayV2::Api')[0]!;
    expect(api.Properties.CorsConfiguration.AllowOrigins).toEqual(['https://app.example.com']);
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
