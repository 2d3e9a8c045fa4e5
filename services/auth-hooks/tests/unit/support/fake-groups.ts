import type { GroupMembership, UserGroupDirectory } from '../../../src/user-group.directory';

export interface FakeGroups extends UserGroupDirectory {
  readonly calls: GroupMembership[];
}

/** A Cognito stand-in that writes `addUserToGroup <group>` to the journal, or fails with `failWith`. */
export const fakeGroups = (journal: string[], failWith?: Error): FakeGroups => {
  const calls: GroupMembership[] = [];
  return {
    calls,
    async addUserToGroup(membership) {
      calls.push(membership);
      journal.push(`addUserToGroup ${membership.group}`);
      if (failWith) throw failWith;
    },
  };
};
