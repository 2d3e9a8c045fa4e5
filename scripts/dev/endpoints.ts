// The shape of `.dev/endpoints.json` (api.md, "Local development endpoints"): written by the start
// command, read by tools and tests to find the running shop.
import type { CognitoLocal } from '../lib/cognito-local';

export interface Endpoints {
  apiUrl: string;
  databaseUrl: string;
  redisUrl: string;
  s3: { endpoint: string; assetsBucket: string };
  kinesis: { endpoint: string; streamName: string };
  dynamodb: { endpoint: string; idempotencyTable: string };
  cognito: CognitoLocal;
  services: Record<string, { url: string; lambdaUrl: string }>;
}
