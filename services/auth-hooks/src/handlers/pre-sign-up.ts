// Cognito pre sign-up trigger: refuses malformed emails and blocked domains, with a message Cognito
// shows the person signing up. It cannot rewrite attributes: the email is compared in lower case,
// the pool signs in case-insensitively, and the customer row stores it lower-cased.
import { assertSignUpAllowed } from '@shop/domain';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import type { SignUpConfig } from '../config';
import { signUpConfig } from '../dependencies';
import { preSignUpEvent } from '../trigger-events';
import { createTriggerHandler } from '../trigger-handler';

export const preSignUpHandler = (config: () => SignUpConfig = signUpConfig) =>
  createTriggerHandler<PreSignUpTriggerEvent>('pre sign-up', async (event) => {
    const { email } = preSignUpEvent.parse(event).request.userAttributes;
    assertSignUpAllowed(email ?? '', config().blockedDomains);
    // Returned unchanged: no auto-confirmation, the email is verified by the code Cognito sends.
    return event;
  });

export const handler = preSignUpHandler();
