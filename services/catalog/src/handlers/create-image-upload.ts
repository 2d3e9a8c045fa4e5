// POST /products/{id}/image-uploads (admin): a presigned S3 PUT URL — API Gateway REST.

import { imageUploadBody, productIdPath } from '@shop/contracts';
import { createHttpHandler } from '@shop/lambda-kit';
import { type IdempotencyOptions, idempotent } from '@shop/lambda-kit/idempotency';
import type { CatalogService } from '../catalog.service';
import { catalogServiceWithImages } from '../dependencies';

export const createImageUploadHandler = (
  service: () => CatalogService = catalogServiceWithImages,
  idempotency: IdempotencyOptions = {},
) =>
  createHttpHandler(
    // Idempotency-Key (api.md): a retried POST with the same key and body replays the first upload.
    { access: 'admin', path: productIdPath, body: imageUploadBody, idempotency: idempotent(idempotency) },
    async (req) => {
      const upload = await service().createImageUpload(req.path.id, req.body);
      return { statusCode: 201, body: upload };
    },
  );

export const handler = createImageUploadHandler();
