// Values that scripts/test/global-setup.ts hands to integration tests through `inject(...)`.
// Integration tests see these types when their tsconfig includes this file.
declare module 'vitest' {
  export interface ProvidedContext {
    /** A database created for this run and migrated to the latest schema. */
    databaseUrl: string;
    /** A running Redis (redis://host:port). */
    redisUrl: string;
    /** Path of redis-server, for tests that start and stop a private Redis. */
    redisServerBin: string;
    /** s3rver (or S3-compatible) endpoint; use forcePathStyle. */
    s3Endpoint: string;
    /** A bucket that exists on `s3Endpoint`. */
    assetsBucket: string;
    /** kinesalite endpoint; clients need `requestHandler: new NodeHttpHandler()`. */
    kinesisEndpoint: string;
    /** An ACTIVE stream (2 shards) on `kinesisEndpoint`, this project's own. */
    streamName: string;
    /**
     * SNS stand-in (serverless-offline-sns's server): create a topic of your own with a unique name
     * (scripts/lib/sns-local.ts `ensureTopic`) and subscribe an http sink to see what is published.
     */
    snsEndpoint: string;
    /**
     * aws-ses-v2-local, shared by every project: sent mail at `<endpoint>/store`
     * (scripts/lib/ses-local.ts `readSentEmails`); filter by unique recipients, never clear it.
     */
    sesEndpoint: string;
  }
}

export {};
