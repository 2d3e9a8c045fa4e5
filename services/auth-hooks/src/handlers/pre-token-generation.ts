// Cognito pre token generation trigger (V1_0): the user's groups go into the ID token as
// `cognito:groups`, so the API authorises from the token's claims alone.
import { logger } from '@shop/lambda-kit';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { claimsOverrideFor } from '../token-claims';
import { preTokenGenerationEvent } from '../trigger-events';
import { createTriggerHandler } from '../trigger-handler';

export const handler = createTriggerHandler<PreTokenGenerationTriggerEvent>(
  'pre token generation',
  async (event) => {
    const parsed = preTokenGenerationEvent.safeParse(event);
    if (!parsed.success) {
      // Cognito already writes the user's groups into the token: an event this trigger does not
      // understand must not stop the user from signing in.
      logger.warn('unexpected group configuration; token left as Cognito made it', {
        issues: parsed.error.issues.map(({ path, message }) => ({ path: path.join('.'), message })),
      });
      return event;
    }
    const { groupConfiguration } = parsed.data.request;
    event.response = { ...event.response, claimsOverrideDetails: claimsOverrideFor(groupConfiguration) };
    return event;
  },
);
