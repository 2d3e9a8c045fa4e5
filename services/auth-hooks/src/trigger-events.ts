import * as z from 'zod/mini';

// The parts of Cognito's trigger events that the handlers read (the events carry more, and each
// handler returns the event it was given). Shapes: docs.aws.amazon.com/cognito, "Lambda triggers".

const nonEmpty = z.string().check(z.minLength(1));

/** Pre sign-up: the address the person signs up with; a missing one is a rejection, not a crash. */
export const preSignUpEvent = z.object({
  request: z.object({ userAttributes: z.looseObject({ email: z.optional(z.string()) }) }),
});

/** Post confirmation: who was confirmed. */
export const postConfirmationEvent = z.object({
  userPoolId: nonEmpty,
  userName: nonEmpty,
  request: z.object({
    userAttributes: z.looseObject({ sub: z.guid(), email: nonEmpty, name: z.optional(z.string()) }),
  }),
});

/**
 * Pre token generation (V1_0): the groups Cognito is about to put in the ID token. cognito-local
 * sends an empty `groupConfiguration`; AWS sends all three fields, `preferredRole` as null.
 */
export const groupConfiguration = z.object({
  groupsToOverride: z.optional(z.array(z.string())),
  iamRolesToOverride: z.optional(z.array(z.string())),
  preferredRole: z.optional(z.nullable(z.string())),
});

export type GroupConfiguration = z.infer<typeof groupConfiguration>;

export const preTokenGenerationEvent = z.object({
  request: z.object({ groupConfiguration: z.optional(z.nullable(groupConfiguration)) }),
});
