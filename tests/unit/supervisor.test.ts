// The supervisor must leave no orphans: stopping a child stops everything in its process group.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Supervisor } from '../../scripts/lib/supervisor';

/** Live (non-zombie) processes in process group `pgid`, read from /proc. */
function liveMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may contain spaces, so split after ')'.
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(group) === pgid && state !== 'Z') members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

describe('Supervisor', () => {
  test('stopAll stops a child together with the processes it started', async () => {
    const supervisor = new Supervisor();
    // The shell starts a grandchild that ignores nothing; only a group kill reaches it.
    const child = supervisor.spawn('sh', 'sh', ['-c', 'sleep 60 & echo started; wait'], { quiet: true });
    await expect.poll(() => child.recentOutput()).toContain('started');
    expect(liveMembers(child.pid)).toHaveLength(2);

    await supervisor.stopAll();

    expect(child.running()).toBe(false);
    await expect.poll(() => liveMembers(child.pid)).toEqual([]);
  });

  test('kills a child that ignores SIGTERM once the stop timeout passes', async () => {
    const supervisor = new Supervisor();
    const child = supervisor.spawn(
      'stubborn',
      'sh',
      ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done'],
      {
        quiet: true,
        stopTimeoutMs: 300,
      },
    );
    await expect.poll(() => child.recentOutput()).toContain('ready');

    await child.stop();

    expect(await child.exited).toBeNull();
  });

  test('stops deferred resources newest first', async () => {
    const supervisor = new Supervisor();
    const order: string[] = [];
    supervisor.defer('database', async () => void order.push('database'));
    supervisor.defer('service', async () => void order.push('service'));

    await supervisor.stopAll();

    expect(order).toEqual(['service', 'database']);
  });

  test('reports a missing binary as exit code 127', async () => {
    const supervisor = new Supervisor();

    const child = supervisor.spawn('missing', '/nonexistent/binary', [], { quiet: true });

    expect(await child.exited).toBe(127);
    await supervisor.stopAll();
  });
});
