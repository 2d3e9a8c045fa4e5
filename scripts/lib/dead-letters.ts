// The local stand-in for a dead-letter queue / on-failure destination: one JSON line per message
// the local event source mappings gave up on, in a file a developer can read (`.dev/dead-letters/`).
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export type DeadLetterWriter = (entry: Record<string, unknown>) => Promise<void>;

export function deadLetterFile(file: string): DeadLetterWriter {
  return async (entry) => {
    await mkdir(dirname(file), { recursive: true });
    await appendFile(file, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
  };
}
