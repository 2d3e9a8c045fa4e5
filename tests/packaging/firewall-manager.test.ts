// The Firewall Manager stack checks its prerequisites at deploy (issue 15): every policy waits for
// the check, which exists exactly when the policies can.
import { describe, expect, it } from 'vitest';
import { findPackagedStacks } from './packaged-stacks';

const stack = findPackagedStacks().find((s) => s.stack === 'stacks/firewall-manager');

describe('stacks/firewall-manager', () => {
  it('is packaged', () => {
    expect(stack, 'run `pnpm package` first').toBeDefined();
  });

  it('creates no Firewall Manager policy before the prerequisites check has passed', () => {
    const resources = stack!.template.Resources ?? {};
    const check = resources.FirewallManagerPrerequisites;
    expect(check?.Type).toBe('Custom::FirewallManagerPrerequisites');
    const policies = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::FMS::Policy');
    expect(policies.length).toBeGreaterThan(0);
    for (const [id, policy] of policies) {
      expect([policy.DependsOn].flat(), id).toContain('FirewallManagerPrerequisites');
    }
    // The check exists whenever a policy may: under the same "enabled" condition.
    expect(check?.Condition).toBe('Enabled');
  });
});
