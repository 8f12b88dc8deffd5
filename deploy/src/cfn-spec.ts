// Checks a CloudFormation template against the AWS resource specification that aws-cdk
// publishes (@aws-cdk/aws-service-spec, generated from the CloudFormation registry schemas
// and kept current; @aws-cdk/cfnspec is frozen since 2023): every resource type exists, every
// property is one the type has, its value has the shape the specification gives (string,
// number, list, object of a given type...), required properties are there, and references
// (Ref, Fn::GetAtt, Fn::Sub, DependsOn, Condition) name something the template defines.
//
// Written here because no maintained JavaScript library does this: cfn-lint is Python, and
// the specification package is data only. What it does not do: evaluate intrinsic functions
// (their result may be anything, so they pass wherever a value may stand), check allowed
// values or patterns (the specification keeps few), or anything only AWS knows at deploy time.
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { Property, PropertyType, Resource, SpecDatabase } from '@aws-cdk/service-spec-types';
import { closest } from 'fastest-levenshtein';

export interface Finding {
  /** Where in the template, e.g. `Resources.Table.Properties.BilingMode`. */
  path: string;
  message: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const TEMPLATE_KEYS = [
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
  'Hooks',
];
const RESOURCE_KEYS = [
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
];
const OUTPUT_KEYS = ['Value', 'Description', 'Export', 'Condition'];
const POLICIES = ['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'];
const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
];
const INTRINSICS = new Set([
  'Ref',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::FindInMap',
  'Fn::ForEach',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::GetStackOutput',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Length',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::ToJsonString',
  'Fn::Transform',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
]);
/** The shape of the specification's built-in `tag` type. */
const TAG_PROPERTIES: Record<string, Property> = {
  Key: { type: { type: 'string' }, required: true },
  Value: { type: { type: 'string' }, required: true },
};

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCustom = (type: string) => type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
const describe = (value: Json) =>
  Array.isArray(value) ? 'a list' : value === null ? 'null' : isObject(value) ? 'an object' : `a ${typeof value}`;
const didYouMean = (name: string, known: string[]) => (known.length > 0 ? ` (did you mean ${closest(name, known)}?)` : '');

/** `{ "Ref": ... }` or `{ "Fn::...": ... }`: a value CloudFormation computes. */
function intrinsicName(value: Json): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::')) ? keys[0] : undefined;
}

/** One template's check: the template's names (resources, parameters, conditions) and the findings so far. */
class TemplateCheck {
  readonly findings: Finding[] = [];
  private readonly resources: JsonObject;
  private readonly parameters: JsonObject;
  private readonly conditions: JsonObject;

  constructor(
    private readonly db: SpecDatabase,
    private readonly template: JsonObject,
  ) {
    this.resources = isObject(template.Resources) ? template.Resources : {};
    this.parameters = isObject(template.Parameters) ? template.Parameters : {};
    this.conditions = isObject(template.Conditions) ? template.Conditions : {};
  }

  private report(path: string, message: string): void {
    this.findings.push({ path, message });
  }

  run(): Finding[] {
    for (const key of Object.keys(this.template)) {
      if (!TEMPLATE_KEYS.includes(key)) this.report(key, `unknown top-level section${didYouMean(key, TEMPLATE_KEYS)}`);
    }
    if (!isObject(this.template.Resources) || Object.keys(this.template.Resources).length === 0) {
      this.report('Resources', 'a template needs at least one resource');
    }
    for (const [id, resource] of Object.entries(this.resources)) this.checkResource(`Resources.${id}`, resource);
    for (const [id, output] of Object.entries(isObject(this.template.Outputs) ? this.template.Outputs : {}))
      this.checkOutput(`Outputs.${id}`, output);
    for (const [id, condition] of Object.entries(this.conditions)) this.checkReferences(`Conditions.${id}`, condition);
    return this.findings;
  }

  private checkResource(path: string, resource: Json): void {
    if (!isObject(resource)) return this.report(path, `a resource must be an object, not ${describe(resource)}`);
    for (const key of Object.keys(resource)) {
      if (!RESOURCE_KEYS.includes(key)) this.report(`${path}.${key}`, `unknown resource attribute${didYouMean(key, RESOURCE_KEYS)}`);
    }
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const value = resource[policy];
      if (value !== undefined && !POLICIES.includes(value as string))
        this.report(`${path}.${policy}`, `must be one of ${POLICIES.join(', ')}`);
    }
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      if (typeof dependency !== 'string' || !(dependency in this.resources)) {
        this.report(`${path}.DependsOn`, `${JSON.stringify(dependency)} is not a resource of this template`);
      }
    }
    if (resource.Condition !== undefined && !(typeof resource.Condition === 'string' && resource.Condition in this.conditions)) {
      this.report(`${path}.Condition`, `${JSON.stringify(resource.Condition)} is not a condition of this template`);
    }
    const type = resource.Type;
    if (typeof type !== 'string') return this.report(`${path}.Type`, 'every resource needs a Type');
    const properties = resource.Properties ?? {};
    if (isCustom(type)) {
      if (!isObject(properties) || properties.ServiceToken === undefined)
        this.report(`${path}.Properties.ServiceToken`, `required by ${type}`);
      return this.checkReferences(`${path}.Properties`, properties);
    }
    const spec = this.resourceSpec(type);
    if (!spec)
      return this.report(`${path}.Type`, `${type} is not a CloudFormation resource type${didYouMean(type, this.typesOfService(type))}`);
    if (intrinsicName(properties)) return this.checkIntrinsic(`${path}.Properties`, properties as JsonObject);
    this.checkObject(`${path}.Properties`, properties, spec.properties);
  }

  private resourceSpec(type: string): Resource | undefined {
    return this.db.lookup('resource', 'cloudFormationType', 'equals', type)[0];
  }

  /** The resource types of `type`'s service (AWS::SQS::...), to suggest the one meant. */
  private typesOfService(type: string): string[] {
    const prefix = type.split('::').slice(0, 2).join('::');
    return this.db
      .all('resource')
      .map((resource) => resource.cloudFormationType)
      .filter((known) => known.startsWith(`${prefix}::`));
  }

  private checkOutput(path: string, output: Json): void {
    if (!isObject(output)) return this.report(path, `an output must be an object, not ${describe(output)}`);
    for (const key of Object.keys(output)) {
      if (!OUTPUT_KEYS.includes(key)) this.report(`${path}.${key}`, `unknown output attribute${didYouMean(key, OUTPUT_KEYS)}`);
    }
    if (output.Value === undefined) this.report(`${path}.Value`, 'every output needs a Value');
    if (output.Export !== undefined && !(isObject(output.Export) && output.Export.Name !== undefined))
      this.report(`${path}.Export`, 'an export needs a Name');
    this.checkReferences(path, output);
  }

  private checkValue(path: string, value: Json, type: PropertyType): void {
    if (intrinsicName(value)) return this.checkIntrinsic(path, value as JsonObject);
    switch (type.type) {
      case 'string':
      case 'date-time':
        if (!['string', 'number', 'boolean'].includes(typeof value)) this.report(path, `expected a string, found ${describe(value)}`);
        return;
      case 'integer':
        if (!(Number.isInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value))))
          this.report(path, `expected an integer, found ${describe(value)}`);
        return;
      case 'number':
        if (!(typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))))) {
          this.report(path, `expected a number, found ${describe(value)}`);
        }
        return;
      case 'boolean':
        if (!(typeof value === 'boolean' || (typeof value === 'string' && /^(true|false)$/i.test(value))))
          this.report(path, `expected a boolean, found ${describe(value)}`);
        return;
      case 'null':
        if (value !== null) this.report(path, `expected null, found ${describe(value)}`);
        return;
      case 'json':
        return this.checkReferences(path, value);
      case 'tag':
        return this.checkObject(path, value, TAG_PROPERTIES);
      case 'array':
        if (!Array.isArray(value)) return this.report(path, `expected a list, found ${describe(value)}`);
        return value.forEach((element, index) => this.checkValue(`${path}[${index}]`, element, type.element));
      case 'map':
        if (!isObject(value)) return this.report(path, `expected an object (a map), found ${describe(value)}`);
        return Object.entries(value).forEach(([key, element]) => this.checkValue(`${path}.${key}`, element, type.element));
      case 'ref':
        return this.checkObject(path, value, this.db.get('typeDefinition', type.reference.$ref).properties);
      case 'union':
        return this.checkUnion(path, value, type.types);
    }
  }

  /**
   * A value that fits one of the union's types passes. Many unions pair a typed shape with
   * `json` (`KeySchema`: a list of key elements, or any JSON), kept from older schemas: a list
   * or object there is checked against the typed member of its kind, or a typo inside it
   * would pass as "any JSON"; only a value of a kind no typed member has falls to `json`.
   */
  private checkUnion(path: string, value: Json, types: PropertyType[]): void {
    const kind = (type: PropertyType) =>
      type.type === 'array' ? 'list' : ['ref', 'map', 'tag'].includes(type.type) ? 'object' : type.type;
    const valueKind = Array.isArray(value) ? 'list' : isObject(value) ? 'object' : 'scalar';
    const typed = types.filter((type) => type.type !== 'json');
    const trials = typed.map((member) => {
      const trial = new TemplateCheck(this.db, this.template);
      trial.checkValue(path, value, member);
      return { member, findings: trial.findings };
    });
    if (trials.some((trial) => trial.findings.length === 0)) return;
    const sameKind = trials.filter((trial) => kind(trial.member) === valueKind);
    if (sameKind.length === 0 && typed.length < types.length) return this.checkReferences(path, value);
    const candidates = sameKind.length > 0 ? sameKind : trials;
    this.findings.push(...candidates.reduce((best, trial) => (trial.findings.length < best.findings.length ? trial : best)).findings);
  }

  private checkObject(path: string, value: Json, properties: Record<string, Property>): void {
    if (!isObject(value)) return this.report(path, `expected an object, found ${describe(value)}`);
    const known = Object.keys(properties);
    for (const [key, element] of Object.entries(value)) {
      const property = properties[key];
      if (!property) this.report(`${path}.${key}`, `unknown property${didYouMean(key, known)}`);
      else this.checkValue(`${path}.${key}`, element, property.type);
    }
    for (const [key, property] of Object.entries(properties)) {
      if (property.required && value[key] === undefined) this.report(`${path}.${key}`, 'required property missing');
    }
  }

  private checkIntrinsic(path: string, value: JsonObject): void {
    const name = intrinsicName(value)!;
    const argument = value[name]!;
    const at = `${path}.${name}`;
    if (!INTRINSICS.has(name)) return this.report(at, `unknown intrinsic function${didYouMean(name, [...INTRINSICS])}`);
    if (name === 'Ref') return this.checkRef(at, argument);
    if (name === 'Fn::GetAtt') return this.checkGetAtt(at, argument);
    if (name === 'Fn::Sub') this.checkSub(at, argument);
    this.checkReferences(at, argument);
  }

  /** Any intrinsic function nested anywhere in `value`. */
  private checkReferences(path: string, value: Json): void {
    if (intrinsicName(value)) return this.checkIntrinsic(path, value as JsonObject);
    if (Array.isArray(value)) value.forEach((element, index) => this.checkReferences(`${path}[${index}]`, element));
    else if (isObject(value)) for (const [key, element] of Object.entries(value)) this.checkReferences(`${path}.${key}`, element);
  }

  private isReferable(name: string): boolean {
    return name in this.resources || name in this.parameters || PSEUDO_PARAMETERS.includes(name);
  }

  private checkRef(path: string, target: Json): void {
    if (typeof target !== 'string') return this.report(path, `Ref takes a name, found ${describe(target)}`);
    if (!this.isReferable(target)) this.report(path, `${target} is not a resource, parameter or pseudo parameter of this template`);
  }

  private checkGetAtt(path: string, argument: Json): void {
    const [id, attribute] =
      typeof argument === 'string'
        ? [argument.slice(0, argument.indexOf('.')), argument.slice(argument.indexOf('.') + 1)]
        : Array.isArray(argument)
          ? argument
          : [];
    if (typeof id !== 'string' || attribute === undefined) return this.report(path, 'Fn::GetAtt takes [resource, attribute]');
    const resource = this.resources[id];
    if (!isObject(resource)) return this.report(path, `${id} is not a resource of this template`);
    if (typeof attribute !== 'string') return this.checkReferences(path, attribute);
    const type = resource.Type;
    const spec = typeof type !== 'string' || isCustom(type) ? undefined : this.resourceSpec(type);
    if (spec && !(attribute in spec.attributes)) {
      this.report(path, `${type} has no attribute ${attribute}${didYouMean(attribute, Object.keys(spec.attributes))}`);
    }
  }

  /** `${Name}` and `${Resource.Attribute}` in a Fn::Sub string name something defined (`${!Literal}` is text). */
  private checkSub(path: string, argument: Json): void {
    const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (typeof text !== 'string') return;
    const local = isObject(variables) ? variables : {};
    for (const [, expression] of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
      const [name] = expression!.split('.');
      if (!(expression! in local) && !this.isReferable(name!)) this.report(path, `\${${expression}} names nothing this template defines`);
    }
  }
}

export class TemplateChecker {
  constructor(private readonly db: SpecDatabase) {}

  /** Every finding in `template`; an empty list when it conforms. */
  check(template: unknown): Finding[] {
    if (!isObject(template as Json)) return [{ path: '', message: 'a template must be a JSON object' }];
    return new TemplateCheck(this.db, template as JsonObject).run();
  }
}

let loading: Promise<TemplateChecker> | undefined;

/**
 * The checker over the specification shipped in @aws-cdk/aws-service-spec: a 2.6 MB gzip of
 * 15 MB of JSON that takes about 0.4 s to load, so it is loaded once per process.
 */
export function loadTemplateChecker(): Promise<TemplateChecker> {
  loading ??= loadAwsServiceSpec().then((db) => new TemplateChecker(db));
  return loading;
}

/** Findings as lines for an operator: `path: message`. */
export function formatFindings(findings: Finding[]): string {
  return findings.map((finding) => `  ${finding.path}: ${finding.message}`).join('\n');
}
