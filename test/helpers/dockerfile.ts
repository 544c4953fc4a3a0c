import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

/** What a test reads from the Dockerfile: its instructions, continuation lines joined. */
export interface DockerfileFacts {
  from: string;
  user: string | null;
  env: Record<string, string>;
  /** Every `RUN` command line. */
  runs: string[];
  copies: string[];
  healthcheck: string | null;
  cmd: string | null;
}

/** Reads the project's Dockerfile (a small parser for the instructions it uses). */
export function readDockerfile(file = 'Dockerfile'): DockerfileFacts {
  const lines = readFileSync(join(ROOT, file), 'utf8')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const facts: DockerfileFacts = {
    from: '',
    user: null,
    env: {},
    runs: [],
    copies: [],
    healthcheck: null,
    cmd: null,
  };
  for (const line of lines) {
    const [op, ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    if (op === 'FROM') facts.from = arg;
    else if (op === 'USER') facts.user = arg;
    else if (op === 'RUN') facts.runs.push(arg);
    else if (op === 'COPY') facts.copies.push(arg);
    else if (op === 'HEALTHCHECK') facts.healthcheck = arg;
    else if (op === 'CMD') facts.cmd = arg;
    else if (op === 'ENV') for (const [, k, v] of arg.matchAll(/(\w+)=(\S+)/g)) facts.env[k!] = v!;
  }
  return facts;
}

/** The directories a `RUN mkdir -p … && chown -R user:group root` creates, and who owns them. */
export function ownedDirectories(facts: DockerfileFacts): {
  dirs: string[];
  owner: string;
  root: string;
} {
  for (const run of facts.runs) {
    const m = /mkdir -p ((?:\/\S+ ?)+)&& chown -R (\S+) (\/\S+)/.exec(run);
    if (m) return { dirs: m[1]!.trim().split(/\s+/), owner: m[2]!, root: m[3]! };
  }
  throw new Error('the Dockerfile creates no directories owned by its user');
}
