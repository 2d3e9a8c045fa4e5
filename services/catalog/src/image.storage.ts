import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface PresignedUpload {
  readonly uploadUrl: string;
  readonly method: 'PUT';
  readonly headers: Record<string, string>;
  readonly key: string;
  readonly expiresAt: string;
}

export interface ImageStorage {
  presignUpload(input: { key: string; contentType: string; contentLength: number }): Promise<PresignedUpload>;
  /** Keys that were never uploaded (or were deleted). One HEAD per key, in parallel. */
  findMissing(keys: readonly string[]): Promise<string[]>;
}

export const UPLOAD_URL_TTL_SECONDS = 300;

export const createS3ImageStorage = (
  s3: S3Client,
  bucket: string,
  now: () => Date = () => new Date(),
): ImageStorage => ({
  async presignUpload({ key, contentType, contentLength }) {
    // Content type and length are signed: the upload must match what the admin declared.
    const command = new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      ContentType: contentType,
      ContentLength: contentLength,
    });
    const uploadUrl = await getSignedUrl(s3, command, {
      expiresIn: UPLOAD_URL_TTL_SECONDS,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    return {
      uploadUrl,
      method: 'PUT',
      headers: { 'content-type': contentType, 'content-length': String(contentLength) },
      key,
      expiresAt: new Date(now().getTime() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString(),
    };
  },
  async findMissing(keys) {
    const found = await Promise.all(
      keys.map(async (key) => {
        try {
          await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
          return true;
        } catch (error) {
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          if (status === 404 || status === 403) return false;
          throw error;
        }
      }),
    );
    return keys.filter((_, i) => !found[i]);
  },
});
