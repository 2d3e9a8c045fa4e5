// Request schemas of the orders routes (api.md). Write bodies are strict: unknown fields are 400.
// zod/mini keeps the validator small (see the catalog's schemas). Distinct products are a domain
// rule (`newBasket`), checked by the service so the rule lives in one place.

import { COUNTRY_CODE_PATTERN, FULFILMENT_STATUSES, ORDER_LIMITS, ORDER_STATUSES } from '@shop/domain';
import * as z from 'zod/mini';
import { idPath, intBetween, page, text } from './fields';

const limits = ORDER_LIMITS.address;

export const orderIdPath = idPath;

export const shippingAddressSchema = z.strictObject({
  name: text(limits.nameMaxLength),
  line1: text(limits.lineMaxLength),
  line2: z.optional(text(limits.lineMaxLength)),
  city: text(limits.cityMaxLength),
  region: z.optional(text(limits.regionMaxLength)),
  postalCode: text(limits.postalCodeMaxLength),
  country: z.string().check(z.regex(COUNTRY_CODE_PATTERN, 'must be an ISO 3166-1 alpha-2 code such as US')),
});

export const placeOrderBody = z.strictObject({
  items: z
    .array(
      z.strictObject({
        productId: z.uuid(),
        quantity: intBetween(ORDER_LIMITS.minQuantity, ORDER_LIMITS.maxQuantity),
      }),
    )
    .check(z.minLength(ORDER_LIMITS.minLines), z.maxLength(ORDER_LIMITS.maxLines)),
  shippingAddress: shippingAddressSchema,
});

export const listOrdersQuery = z.object({
  ...page,
  customerId: z.optional(z.uuid()),
  status: z.optional(z.enum(ORDER_STATUSES)),
});

export const orderStatusBody = z.strictObject({
  status: z.enum(FULFILMENT_STATUSES),
});
