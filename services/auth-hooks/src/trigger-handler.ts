import { DomainError } from '@shop/domain';
import { logger } from '@shop/lambda-kit';
import type { Context } from 'aws-lambda';

/** The fields every Cognito user pool trigger event carries. */
interface CognitoTriggerEvent {
  readonly triggerSource: string;
  readonly userPoolId: string;
  readonly userName: string;
}

/**
 * What Cognito shows the user when a trigger fails unexpectedly (it shows a trigger's error message
 * as "<Trigger> failed with error <message>."), so nothing internal may be in it.
 */
export const TRIGGER_FAILED_MESSAGE = 'We could not complete this request. Please try again.';

/**
 * Wraps a Cognito trigger: the shared logger gets the Lambda context and the event's trigger source
 * and user name (never its attributes, which are personal data), and errors are made safe to show.
 * A `DomainError` carries a message written for the user: it is logged as a rejection and passed on.
 * Anything else is logged once, with its cause, and replaced by {@link TRIGGER_FAILED_MESSAGE}.
 */
export const createTriggerHandler =
  <E extends CognitoTriggerEvent>(name: string, fn: (event: E) => Promise<E>) =>
  async (event: E, context: Context): Promise<E> => {
    logger.addContext(context);
    logger.appendKeys({ trigger: name, triggerSource: event.triggerSource, userName: event.userName });
    try {
      return await fn(event);
    } catch (error) {
      if (error instanceof DomainError) {
        logger.info(`${name} rejected the request`, { code: error.code, reason: error.message });
        throw new Error(error.message);
      }
      logger.error(`${name} failed`, { error });
      throw new Error(TRIGGER_FAILED_MESSAGE);
    } finally {
      logger.resetKeys();
    }
  };
