// kinesalite ships no types; this covers the part of its API the local stack uses.
declare module 'kinesalite' {
  import type { Server } from 'node:http';

  interface KinesaliteOptions {
    /** LevelDB folder; in memory when absent. */
    path?: string;
    ssl?: boolean;
    /** How long a new stream stays CREATING (default 500). */
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    /** Shards the whole server may hold, all streams together (default 10). */
    shardLimit?: number;
  }

  export default function kinesalite(options?: KinesaliteOptions): Server;
}
