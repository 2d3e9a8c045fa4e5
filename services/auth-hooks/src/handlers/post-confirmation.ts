// Cognito post confirmation trigger: a confirmed sign-up becomes a customer (row + `customer` group),
// exactly once however often Cognito retries. Password-reset confirmations change nothing.
import { logger } from '@shop/lambda-kit';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import type { CustomerService } from '../customer.service';
import { customerServiceWithCognito } from '../dependencies';
import { postConfirmationEvent } from '../trigger-events';
import { createTriggerHandler } from '../trigger-handler';

export const postConfirmationHandler = (service: () => CustomerService = customerServiceWithCognito) =>
  createTriggerHandler<PostConfirmationTriggerEvent>('post confirmation', async (event) => {
    if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return event;
    const { userPoolId, userName, request } = postConfirmationEvent.parse(event);
    const { sub, email, name } = request.userAttributes;
    const { created } = await service().registerConfirmedUser({
      userPoolId,
      username: userName,
      sub,
      email,
      name,
    });
    logger.info(created ? 'customer created' : 'customer already existed', { customerId: sub });
    return event;
  });

export const handler = postConfirmationHandler();
