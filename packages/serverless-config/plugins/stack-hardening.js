// osls plugin used by every stack: brings the resources osls generates itself (the deployment bucket
// and its policy, one log group per function) up to what our own resources do and what the AWS
// Control Tower proactive controls ask (tests/packaging/cfn-guard.test.ts). osls has no settings
// for most of it (its deploymentBucket.serverSideEncryption only applies to the objects it uploads),
// so it is done here, on the compiled template, before osls writes it.
//
// The deployment bucket is hardened in BOTH templates osls writes: the create template
// (cloudformation-template-create-stack.json, the only one a stack's first deploy creates) and the
// update template. Some of these properties replace the bucket when they change (ObjectLockEnabled:
// the CloudFormation spec says so); set in the update template only, the first update replaced the
// bucket, looked the functions' code up in the new empty one and rolled back, on every retry.
// tests/packaging/create-update.test.ts fails on any such difference.
//
// Values come from the stage's SSM parameters (/shop/<stage>/..., written by stacks/security and
// stacks/storage), as dynamic references resolved by CloudFormation at deploy time: packaging stays
// offline. `custom.stackHardening.deploymentBucketAccessLogs: false` leaves out the deployment
// bucket's access logging in the stacks that deploy before the logs bucket exists (or in another
// region than it).
'use strict';

const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ssm = (stage, name) => `{{resolve:ssm:/shop/${stage}/${name}}}`;

class StackHardening {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      // osls writes the create template in package:initialize; its resources are then copied
      // into the update template, so hardening both right after keeps them identical.
      'after:package:initialize': () => this.hardenDeploymentBucket(),
      'before:package:finalize': () => this.hardenLogGroups(),
    };
  }

  hardenDeploymentBucket() {
    const service = this.serverless.service;
    const stage = service.provider.stage;
    // `npm start` runs `--stage local`, where nothing is deployed and no SSM parameter exists.
    if (stage === 'local') return;
    const settings = service.custom?.stackHardening ?? {};
    const core = service.provider.coreCloudFormationTemplate;
    for (const template of [service.provider.compiledCloudFormationTemplate, core]) {
      if (template) hardenBucket(template.Resources ?? {}, stage, service.service, settings);
    }
    if (core) {
      writeFileSync(
        join(this.serverless.serviceDir, '.serverless', 'cloudformation-template-create-stack.json'),
        JSON.stringify(core, null, 2),
      );
    }
  }

  hardenLogGroups() {
    const service = this.serverless.service;
    const stage = service.provider.stage;
    if (stage === 'local') return;
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    for (const resource of Object.values(resources)) {
      // Function log groups: encrypted with the stage's logs key (resources/kms.yml LogsKey, whose
      // policy lets CloudWatch Logs use it for this account's log groups).
      if (resource.Type === 'AWS::Logs::LogGroup') {
        resource.Properties = resource.Properties || {};
        if (resource.Properties.KmsKeyId === undefined) {
          resource.Properties.KmsKeyId = ssm(stage, 'kms/logs-key-arn');
        }
      }
    }
  }
}

/** The deployment bucket and its policy in one template's resources (create or update). */
function hardenBucket(resources, stage, serviceName, settings) {
  const bucket = resources.ServerlessDeploymentBucket;
  if (bucket) {
    bucket.Properties = bucket.Properties || {};
    const properties = bucket.Properties;
    // SSE-KMS with the account's AWS managed S3 key: the stage's own keys do not exist yet when
    // the first stack (security, which creates them) deploys, nor in us-east-1 for the edge stack.
    properties.BucketEncryption = {
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true },
      ],
    };
    properties.PublicAccessBlockConfiguration = {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    };
    properties.VersioningConfiguration = { Status: 'Enabled' };
    // Artifacts are replaced on every deploy: old versions go after 30 days.
    properties.LifecycleConfiguration = {
      Rules: [
        {
          Id: 'OldArtifacts',
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        },
      ],
    };
    // Object Lock without a default retention: nothing is locked unless a release process asks
    // for it, but the bucket can hold locked artifacts (and cannot be switched on later).
    properties.ObjectLockEnabled = true;
    // Uploads and deletions reach EventBridge, where a deployment audit rule can pick them up.
    properties.NotificationConfiguration = { EventBridgeConfiguration: { EventBridgeEnabled: true } };
    if (settings.deploymentBucketAccessLogs !== false) {
      properties.LoggingConfiguration = {
        DestinationBucketName: ssm(stage, 's3/logs-bucket-name'),
        LogFilePrefix: `s3-access/deployments/${serviceName}/`,
      };
    }
  }

  // osls denies non-TLS access with ARNs joined from the bucket's name; the same ARNs from its
  // `Arn` attribute let the check see that the statement covers this bucket.
  const policy = resources.ServerlessDeploymentBucketPolicy;
  const statements = policy?.Properties?.PolicyDocument?.Statement ?? [];
  for (const statement of statements) {
    if (statement.Effect === 'Deny' && statement.Condition?.Bool?.['aws:SecureTransport'] === false) {
      statement.Condition.Bool['aws:SecureTransport'] = 'false';
    }
    if (statement.Effect === 'Deny' && statement.Condition?.Bool?.['aws:SecureTransport'] === 'false') {
      statement.Resource = [
        { 'Fn::GetAtt': ['ServerlessDeploymentBucket', 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ServerlessDeploymentBucket', 'Arn'] }, '/*']] },
      ];
    }
  }
}

module.exports = StackHardening;
