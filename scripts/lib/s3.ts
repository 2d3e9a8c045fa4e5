// S3 stand-in: s3rver, in-process, storing objects on local disk (toolchain.md).
import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';
import { LOCAL_HOST } from './ports';
import type { Supervisor } from './supervisor';

export interface S3Server {
  endpoint: string;
  bucket: string;
}

export interface StartS3Options {
  port: number;
  dir: string;
  bucket: string;
  supervisor: Supervisor;
}

// Browsers upload product images straight to the presigned URL, from any local front-end origin.
const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/** Starts s3rver on `port` with `bucket` created (existing objects in `dir` are kept). */
export async function startS3(options: StartS3Options): Promise<S3Server> {
  const { port, dir, bucket, supervisor } = options;
  mkdirSync(dir, { recursive: true });
  const server = new S3rver({
    address: LOCAL_HOST,
    port,
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [CORS] }],
  });
  await server.run();
  supervisor.defer('s3', () => server.close());
  const endpoint = `http://${LOCAL_HOST}:${port}`;
  supervisor.log('s3', `s3rver ready on ${endpoint}, bucket ${bucket}`);
  return { endpoint, bucket };
}
