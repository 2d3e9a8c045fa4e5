// The shape of `.dev/endpoints.json` (api.md, "Local development endpoints"): written by the start
// command, read by tools and tests to find the running shop.
import type { CognitoLocal } from '../lib/cognito-local';

export interface Endpoints {
  apiUrl: string;
  /** The OpenAPI 3.1 document of the API, and its reference page (served by the front). */
  openapiUrl: string;
  apiDocsUrl: string;
  databaseUrl: string;
  redisUrl: string;
  s3: { endpoint: string; assetsBucket: string };
  kinesis: { endpoint: string; streamName: string };
  dynamodb: { endpoint: string; idempotencyTable: string };
  cognito: CognitoLocal;
  /** aws-ses-v2-local's mail viewer (`/`) and its JSON store (`/store`, `?since=<epoch s>`). */
  mailUrl: string;
  mailStoreUrl: string;
  /** The SES endpoint the notifier sends through (the same server as the viewer). */
  ses: { endpoint: string };
  /** serverless-offline-sns's SNS server and the topic inventory-stream publishes alerts to. */
  sns: { endpoint: string; stockAlertsTopicArn: string };
  /**
   * Each service's serverless-offline: `url` (HTTP routes; absent for a service without any) and
   * `lambdaUrl` (its Lambda invoke port).
   */
  services: Record<string, { url?: string; lambdaUrl: string }>;
}
