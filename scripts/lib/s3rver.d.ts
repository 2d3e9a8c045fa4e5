// s3rver ships no types; this covers the part of its API the local stack uses.
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface BucketConfig {
    name: string;
    /** XML documents: CORSConfiguration or WebsiteConfiguration. */
    configs?: Array<string | Buffer>;
  }

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: BucketConfig[];
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
