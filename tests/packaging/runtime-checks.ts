// How the packaged functions will behave once deployed: IAM resources are scoped, stream and queue
// mappings cannot loop forever on a poison record, every function is traced, keeps its logs for a
// bounded time and times out before whatever invokes it gives up.
import { isIntrinsic } from './cfn-spec';
import {
  asArray,
  type Finding,
  policyDocuments,
  type Resource,
  resolveString,
  type Template,
} from './template-checks';

/**
 * Actions that do not support resource-level permissions (the Service Authorization Reference lists
 * no resource type for them), so `Resource: "*"` is the only way to grant them. Anything else with
 * `"*"` must name its resources.
 */
export const RESOURCE_STAR_ACTIONS = new Set([
  // X-Ray: traces and sampling rules are not resources.
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:GetSamplingStatisticSummaries',
  // Lambda in a VPC: the function's role creates and cleans up its network interfaces in subnets
  // Lambda picks; the Describe actions have no resource-level permissions, and AWS's own
  // AWSLambdaVPCAccessExecutionRole grants all of these on "*".
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVpcs',
  // Metrics are scoped by a condition on cloudwatch:namespace, not by resource.
  'cloudwatch:PutMetricData',
  // Secrets Manager rotation functions generate passwords; no secret is involved.
  'secretsmanager:GetRandomPassword',
  'ssm:DescribeParameters',
  'sts:GetCallerIdentity',
  // The Firewall Manager stack's deploy-time check of its prerequisites (resources/firewall-manager.yml).
  'fms:GetAdminAccount',
  'config:DescribeConfigurationRecorderStatus',
]);

/** API Gateway REST gives up on an integration after 29 s (HTTP APIs after 30 s). */
export const REST_API_TIMEOUT = 29;
export const HTTP_API_TIMEOUT = 30;
/** Cognito waits 5 s for a user pool trigger, then fails the sign-up or sign-in. */
export const COGNITO_TRIGGER_TIMEOUT = 5;
export const LAMBDA_MAX_TIMEOUT = 900;
const LAMBDA_DEFAULT_TIMEOUT = 3;
const SQS_DEFAULT_VISIBILITY_TIMEOUT = 30;

export function checkRuntime(template: Template): Finding[] {
  return [
    ...checkIamResources(template),
    ...checkLambdaPermissions(template),
    ...checkEventSourceMappings(template),
    ...checkFunctions(template),
    ...checkFunctionsInVpc(template),
  ];
}

/** `Resource: "*"` (or an ARN whose resource part is `*`) only for actions in RESOURCE_STAR_ACTIONS. */
export function checkIamResources(template: Template): Finding[] {
  const findings: Finding[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    for (const { where, document } of policyDocuments(resource.Type, resource.Properties ?? {})) {
      if (where === 'trust policy') continue;
      const statements = asArray((document as { Statement?: unknown } | undefined)?.Statement);
      statements.forEach((statement, index) => {
        const body = (statement ?? {}) as {
          Effect?: unknown;
          Action?: unknown;
          Resource?: unknown;
          NotResource?: unknown;
        };
        if (body.Effect === 'Deny') return;
        const at = `${where} statement ${index}`;
        if (body.NotResource !== undefined) {
          findings.push({
            resource: id,
            problem: `${at} uses NotResource, which grants every other resource`,
          });
        }
        if (!asArray(body.Resource).some((value) => isUnscoped(value, template))) return;
        const unscoped = asArray(body.Action).filter(
          (action) => typeof action !== 'string' || !RESOURCE_STAR_ACTIONS.has(action),
        );
        if (unscoped.length > 0) {
          findings.push({
            resource: id,
            problem: `${at} grants ${unscoped.map((a) => JSON.stringify(a)).join(', ')} on every resource ("*"); name the resources`,
          });
        }
      });
    }
  }
  return findings;
}

function isUnscoped(value: unknown, template: Template): boolean {
  let text: string;
  try {
    text = resolveString(value, template);
  } catch {
    return false; // built from references: names something specific
  }
  if (text === '*') return true;
  const parts = text.split(':');
  return parts.length >= 6 && parts.slice(5).join(':') === '*';
}

/**
 * Lambda resource policies name who may invoke: never anyone, and a service principal only for
 * one source. (Control Tower's CT.LAMBDA.PR.2 asks the same but only accepts a literal or a local
 * Ref/GetAtt as SourceArn; this one accepts the Fn::Join ARNs the Serverless Framework writes.)
 */
export function checkLambdaPermissions(template: Template): Finding[] {
  const findings: Finding[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Permission') continue;
    const p = resource.Properties ?? {};
    if (p.FunctionUrlAuthType === 'NONE') {
      findings.push({ resource: id, problem: 'opens a function URL without authentication' });
    }
    const scoped = p.SourceArn !== undefined || p.SourceAccount !== undefined;
    if (p.Principal === '*' && !scoped && p.PrincipalOrgID === undefined) {
      findings.push({ resource: id, problem: 'lets any principal invoke the function' });
    } else if (typeof p.Principal === 'string' && p.Principal.endsWith('.amazonaws.com') && !scoped) {
      findings.push({
        resource: id,
        problem: `lets ${p.Principal} invoke the function for any source (no SourceArn or SourceAccount)`,
      });
    }
  }
  return findings;
}

type SourceKind = 'kinesis' | 'dynamodb' | 'sqs' | 'other';

/** What an event source mapping reads, from the resource it points at or the ARN it names. */
export function eventSourceKind(mapping: Resource, template: Template): SourceKind {
  const arn = mapping.Properties?.EventSourceArn;
  const target = referencedResource(arn);
  const type = target ? template.Resources?.[target]?.Type : undefined;
  if (type === 'AWS::Kinesis::Stream' || type === 'AWS::Kinesis::StreamConsumer') return 'kinesis';
  if (type === 'AWS::SQS::Queue') return 'sqs';
  if (type === 'AWS::DynamoDB::Table' || type === 'AWS::DynamoDB::GlobalTable') return 'dynamodb';
  // An ARN from a parameter or a literal: look at its service part (defaults included).
  const text = JSON.stringify(arn) + JSON.stringify(parameterDefaults(arn, template));
  if (/:kinesis:/.test(text)) return 'kinesis';
  if (/:sqs:/.test(text)) return 'sqs';
  if (/:dynamodb:/.test(text)) return 'dynamodb';
  // Only streams have a starting position: treat an unknown one as a stream, the stricter case.
  return mapping.Properties?.StartingPosition !== undefined ? 'kinesis' : 'other';
}

/**
 * Kinesis (and DynamoDB stream) mappings split a failing batch, retry a bounded number of times
 * for a bounded age, then send the record to a failure destination, and let the handler report
 * partial failures; an SQS mapping reports partial failures so one bad message does not return
 * the whole batch to the queue.
 */
export function checkEventSourceMappings(template: Template): Finding[] {
  const findings: Finding[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const p = resource.Properties ?? {};
    const kind = eventSourceKind(resource, template);
    const reportsItemFailures = asArray(p.FunctionResponseTypes).includes('ReportBatchItemFailures');
    if (kind === 'kinesis' || kind === 'dynamodb') {
      if (p.BisectBatchOnFunctionError !== true) {
        findings.push({
          resource: id,
          problem: `${kind} mapping does not set BisectBatchOnFunctionError: true`,
        });
      }
      if (!isFiniteSetting(p.MaximumRetryAttempts)) {
        findings.push({
          resource: id,
          problem: `${kind} mapping retries forever (MaximumRetryAttempts unset or -1)`,
        });
      }
      if (!isFiniteSetting(p.MaximumRecordAgeInSeconds)) {
        findings.push({
          resource: id,
          problem: `${kind} mapping keeps records forever (MaximumRecordAgeInSeconds unset or -1)`,
        });
      }
      const destination = (p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
        ?.OnFailure?.Destination;
      if (destination === undefined) {
        findings.push({
          resource: id,
          problem: `${kind} mapping has no DestinationConfig.OnFailure.Destination`,
        });
      }
      if (!reportsItemFailures) {
        findings.push({
          resource: id,
          problem: `${kind} mapping lacks FunctionResponseTypes: [ReportBatchItemFailures]`,
        });
      }
    } else if (kind === 'sqs' && !reportsItemFailures) {
      findings.push({
        resource: id,
        problem: 'SQS mapping lacks FunctionResponseTypes: [ReportBatchItemFailures]',
      });
    }
  }
  return findings;
}

function isFiniteSetting(value: unknown): boolean {
  if (value === undefined) return false;
  if (isIntrinsic(value)) return true; // a stage parameter: the template cannot know; -1 is a literal choice
  return Number(value) >= 0;
}

/** Every function is traced, has a log group with a retention, and times out before its caller. */
export function checkFunctions(template: Template): Finding[] {
  const findings: Finding[] = [];
  const resources = template.Resources ?? {};
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const p = resource.Properties ?? {};
    if ((p.TracingConfig as { Mode?: unknown } | undefined)?.Mode !== 'Active') {
      findings.push({ resource: id, problem: 'has no TracingConfig Mode Active (X-Ray)' });
    }

    const logGroup = findLogGroup(id, resource, template);
    if (!logGroup) {
      findings.push({
        resource: id,
        problem: 'has no AWS::Logs::LogGroup in the template: Lambda would create one that never expires',
      });
    } else if (resources[logGroup]?.Properties?.RetentionInDays === undefined) {
      findings.push({ resource: id, problem: `log group ${logGroup} has no RetentionInDays` });
    }

    let timeout: number;
    try {
      timeout = p.Timeout === undefined ? LAMBDA_DEFAULT_TIMEOUT : resolveNumber(p.Timeout, template);
    } catch {
      findings.push({ resource: id, problem: `Timeout ${JSON.stringify(p.Timeout)} cannot be resolved` });
      continue;
    }
    for (const trigger of triggersOf(id, template)) {
      if (trigger.maxTimeout !== undefined && timeout > trigger.maxTimeout) {
        findings.push({
          resource: id,
          problem: `Timeout ${timeout} s exceeds ${trigger.maxTimeout} s allowed by ${trigger.what}`,
        });
      }
    }
    if (timeout > LAMBDA_MAX_TIMEOUT) {
      findings.push({
        resource: id,
        problem: `Timeout ${timeout} s exceeds Lambda's ${LAMBDA_MAX_TIMEOUT} s`,
      });
    }
  }
  return findings;
}

/**
 * Every function runs in the stage's VPC: subnets and security groups are set. They may be
 * parameters (the resource stacks publish them), which Control Tower's CT.LAMBDA.PR.3 does not
 * accept (it wants literal ids or resources of the same template); this check accepts them.
 */
/**
 * Functions that run outside a VPC on purpose, by logical id, each with its reason. Only the edge
 * stack's deploy-time helper: it runs in us-east-1, where the stage has no VPC when its region is
 * another one, and it only calls SSM's public API (resources/dns-edge.yml).
 */
export const NO_VPC_FUNCTIONS: Record<string, string> = {
  StageRegionParametersFunction:
    'deploy-time custom resource of the us-east-1 edge stack; calls only the SSM API, no data of the shop',
  FirewallManagerPrerequisitesFunction:
    'deploy-time check of the Firewall Manager stack, in the organisation administrator account (no shop VPC there); calls only the FMS and Config APIs',
};

export function checkFunctionsInVpc(template: Template): Finding[] {
  const findings: Finding[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function' || id in NO_VPC_FUNCTIONS) continue;
    const vpc = resource.Properties?.VpcConfig as
      | { SubnetIds?: unknown; SecurityGroupIds?: unknown }
      | undefined;
    for (const key of ['SubnetIds', 'SecurityGroupIds'] as const) {
      const value = vpc?.[key];
      const empty = value === undefined || (Array.isArray(value) && value.length === 0);
      if (empty) findings.push({ resource: id, problem: `runs outside the VPC (no VpcConfig.${key})` });
    }
  }
  return findings;
}

interface Trigger {
  what: string;
  /** The largest function timeout (seconds) that still answers within the trigger's limit. */
  maxTimeout?: number;
}

function triggersOf(functionId: string, template: Template): Trigger[] {
  const triggers: Trigger[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::ApiGateway::Method':
        if (mentions(p.Integration, functionId)) {
          triggers.push({
            what: `API Gateway REST method ${id} (29 s integration timeout)`,
            maxTimeout: REST_API_TIMEOUT - 1,
          });
        }
        break;
      case 'AWS::ApiGatewayV2::Integration':
        if (mentions(p.IntegrationUri, functionId)) {
          triggers.push({
            what: `API Gateway HTTP integration ${id} (30 s)`,
            maxTimeout: HTTP_API_TIMEOUT - 1,
          });
        }
        break;
      case 'AWS::Cognito::UserPool':
        if (mentions(p.LambdaConfig, functionId)) {
          triggers.push({
            what: `Cognito user pool trigger on ${id} (5 s)`,
            maxTimeout: COGNITO_TRIGGER_TIMEOUT,
          });
        }
        break;
      case 'AWS::Lambda::EventSourceMapping': {
        if (!mentions(p.FunctionName, functionId)) break;
        const kind = eventSourceKind(resource, template);
        if (kind !== 'sqs') {
          triggers.push({ what: `${kind} mapping ${id}`, maxTimeout: LAMBDA_MAX_TIMEOUT });
          break;
        }
        const queue = referencedResource(p.EventSourceArn);
        const queueResource = queue ? template.Resources?.[queue] : undefined;
        // A queue from another stack: its visibility timeout is not in this template.
        if (queueResource?.Type !== 'AWS::SQS::Queue') break;
        const visibility = queueResource.Properties?.VisibilityTimeout;
        let seconds: number;
        try {
          seconds =
            visibility === undefined ? SQS_DEFAULT_VISIBILITY_TIMEOUT : resolveNumber(visibility, template);
        } catch {
          break;
        }
        // AWS recommends six times the function timeout; below the timeout itself a message is
        // handed to a second invocation while the first is still working on it.
        triggers.push({
          what: `SQS queue ${queue} (VisibilityTimeout ${seconds} s)`,
          maxTimeout: seconds - 1,
        });
        break;
      }
      case 'AWS::Events::Rule':
      case 'AWS::Scheduler::Schedule':
        if (mentions(p.Targets ?? p.Target, functionId)) {
          triggers.push({ what: `schedule/event rule ${id}`, maxTimeout: LAMBDA_MAX_TIMEOUT });
        }
        break;
      default:
        break;
    }
  }
  return triggers;
}

function findLogGroup(functionId: string, fn: Resource, template: Template): string | undefined {
  const resources = template.Resources ?? {};
  const configured = referencedResource(
    (fn.Properties?.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup,
  );
  if (configured && resources[configured]?.Type === 'AWS::Logs::LogGroup') return configured;
  let expected: string | undefined;
  try {
    expected = `/aws/lambda/${resolveString(fn.Properties?.FunctionName, template)}`;
  } catch {
    expected = undefined;
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Logs::LogGroup') continue;
    const name = resource.Properties?.LogGroupName;
    try {
      if (expected !== undefined && resolveString(name, template) === expected) return id;
    } catch {
      // A name built from references: matched below by the function it mentions.
    }
    if (mentions(name, functionId)) return id;
  }
  return undefined;
}

/** The logical id a `Ref` or `Fn::GetAtt` value points at. */
function referencedResource(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** Whether a value refers to a resource anywhere inside it (Ref, GetAtt or `${Id...}` in Fn::Sub). */
export function mentions(value: unknown, id: string): boolean {
  if (Array.isArray(value)) return value.some((item) => mentions(item, id));
  if (!value || typeof value !== 'object') return false;
  if (referencedResource(value) === id) return true;
  const sub = (value as { 'Fn::Sub'?: unknown })['Fn::Sub'];
  const text = typeof sub === 'string' ? sub : Array.isArray(sub) ? sub[0] : undefined;
  if (typeof text === 'string' && (text.includes(`\${${id}}`) || text.includes(`\${${id}.`))) return true;
  return Object.values(value).some((child) => mentions(child, id));
}

function parameterDefaults(value: unknown, template: Template): unknown[] {
  const refs: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const ref = (v as { Ref?: unknown }).Ref;
    if (typeof ref === 'string') refs.push(template.Parameters?.[ref]?.Default);
    Object.values(v).forEach(walk);
  };
  walk(value);
  return refs;
}

function resolveNumber(value: unknown, template: Template): number {
  const number = typeof value === 'number' ? value : Number(resolveString(value, template));
  if (!Number.isFinite(number)) throw new Error(`not a number: ${JSON.stringify(value)}`);
  return number;
}
