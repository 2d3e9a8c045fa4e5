import {
  AdminAddUserToGroupCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

export interface GroupMembership {
  readonly userPoolId: string;
  /** The Cognito user name (with email sign-in, a generated id rather than the address). */
  readonly username: string;
  readonly group: string;
}

/** Where users get their roles: Cognito groups. */
export interface UserGroupDirectory {
  /** Idempotent: adding a member again succeeds and changes nothing. */
  addUserToGroup(membership: GroupMembership): Promise<void>;
}

/** The Cognito adapter. The function role may call AdminAddUserToGroup on its own pool only. */
export const createCognitoUserGroupDirectory = (
  client: CognitoIdentityProviderClient,
): UserGroupDirectory => ({
  async addUserToGroup({ userPoolId, username, group }) {
    await client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: group }),
    );
  },
});
