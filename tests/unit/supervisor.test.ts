// The supervisor must leave no orphans: stopping a child stops everything in its process group.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { reapLeftovers, Supervisor } from '../../scripts/lib/supervisor';

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

  describe('process file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
    const processFile = join(dir, 'processes.json');

    test('records running children and forgets them once they have stopped', async () => {
      const supervisor = new Supervisor({ processFile });
      const child = supervisor.spawn('sleeper', 'sleep', ['60'], { quiet: true });

      const recorded = JSON.parse(readFileSync(processFile, 'utf8')) as { name: string; pid: number }[];
      expect(recorded.map(({ name, pid }) => ({ name, pid }))).toEqual([{ name: 'sleeper', pid: child.pid }]);

      await supervisor.stopAll();

      expect(existsSync(processFile)).toBe(false);
    });

    test('the next run reaps what a run killed before its stop left running, with its group', async () => {
      // A run that never gets to stop its children: it is simply abandoned here.
      const killedRun = new Supervisor({ processFile });
      const child = killedRun.spawn('left-behind', 'sh', ['-c', 'sleep 60 & echo started; wait'], {
        quiet: true,
      });
      await expect.poll(() => child.recentOutput()).toContain('started');
      expect(liveMembers(child.pid)).toHaveLength(2);

      expect(reapLeftovers(processFile)).toEqual([`left-behind (pid ${child.pid})`]);

      await expect.poll(() => liveMembers(child.pid)).toEqual([]);
      expect(existsSync(processFile)).toBe(false);
    });

    test('leaves alone a process that now has a recorded pid but started at another time', () => {
      // Our own pid with a start time it never had: reaping it would kill this test run.
      writeFileSync(processFile, JSON.stringify([{ name: 'recycled', pid: process.pid, startTime: '1' }]));

      expect(reapLeftovers(processFile)).toEqual([]);
      expect(existsSync(processFile)).toBe(false);
    });

    test('finds nothing to reap without a process file', () => {
      rmSync(processFile, { force: true });
      expect(reapLeftovers(processFile)).toEqual([]);
    });
  });
});
