// Cognito trigger events from the JSON fixtures, as fresh copies the tests may change freely.
import type {
  PostConfirmationTriggerEvent,
  PreSignUpTriggerEvent,
  PreTokenGenerationTriggerEvent,
} from 'aws-lambda';
import postConfirmation from '../fixtures/post-confirmation.json';
import postConfirmationForgotPassword from '../fixtures/post-confirmation-forgot-password.json';
import preSignUp from '../fixtures/pre-sign-up.json';
import preSignUpAdminCreateUser from '../fixtures/pre-sign-up-admin-create-user.json';
import preTokenGeneration from '../fixtures/pre-token-generation.json';
import preTokenGenerationCognitoLocal from '../fixtures/pre-token-generation-cognito-local.json';

const copy = <T>(fixture: unknown): T => structuredClone(fixture) as T;

export const events = {
  preSignUp: () => copy<PreSignUpTriggerEvent>(preSignUp),
  preSignUpAdminCreateUser: () => copy<PreSignUpTriggerEvent>(preSignUpAdminCreateUser),
  postConfirmation: () => copy<PostConfirmationTriggerEvent>(postConfirmation),
  postConfirmationForgotPassword: () => copy<PostConfirmationTriggerEvent>(postConfirmationForgotPassword),
  preTokenGeneration: () => copy<PreTokenGenerationTriggerEvent>(preTokenGeneration),
  preTokenGenerationCognitoLocal: () => copy<PreTokenGenerationTriggerEvent>(preTokenGenerationCognitoLocal),
};
