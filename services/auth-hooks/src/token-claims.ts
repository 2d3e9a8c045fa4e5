import type { GroupConfiguration } from './trigger-events';

/** The V1_0 pre token generation response: changes to the ID token's claims. */
export interface ClaimsOverrideDetails {
  groupOverrideDetails?: {
    groupsToOverride: string[];
    iamRolesToOverride?: string[];
    preferredRole?: string;
  };
}

/**
 * Puts the user's groups in the ID token as `cognito:groups`, which the API authorises from.
 *
 * AWS passes the groups it is about to write in `groupConfiguration.groupsToOverride`; handing them
 * back in `groupOverrideDetails` makes them the token's `cognito:groups` (deduplicated; IAM roles
 * are passed through unchanged). cognito-local sends an empty `groupConfiguration` and ignores
 * `groupOverrideDetails`, but writes `cognito:groups` into both tokens itself from the user's groups;
 * so without groups to hand back the response changes nothing, rather than clearing the claim (or
 * adding a `cognito:groups` claim that would replace the real one).
 */
export const claimsOverrideFor = (groups: GroupConfiguration | null | undefined): ClaimsOverrideDetails => {
  if (groups?.groupsToOverride === undefined) return {};
  return {
    groupOverrideDetails: {
      groupsToOverride: [...new Set(groups.groupsToOverride)],
      ...(groups.iamRolesToOverride === undefined
        ? {}
        : { iamRolesToOverride: [...groups.iamRolesToOverride] }),
      ...(typeof groups.preferredRole === 'string' ? { preferredRole: groups.preferredRole } : {}),
    },
  };
};
