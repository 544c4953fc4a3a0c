import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ownedDirectories, readDockerfile } from '../helpers/dockerfile.js';
import { freePort, ROOT, startProcess, type Proc } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * The image's layout without a Docker engine (none here, and Debian's podman cannot run
 * containers in this sandbox): the Dockerfile's user, directories and environment and the
 * compose file's volumes, reproduced under a temp root and run as the image's uid.
 */
type Service = {
  build?: string;
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  image?: string;
};
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, Service> };
const built = Object.entries(compose.services).filter(([, s]) => s.build === '.');
const image = readDockerfile();
const owned = ownedDirectories(image);
/** The official node images' `node` user. */
const NODE_UID = 1000;
const TOKEN = 'image-layout-test-token-0123';

const procs: Proc[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

describe('the image and the compose file agree (parsed)', () => {
  it('runs as the non-root user node, with every place it writes created and owned by node', () => {
    expect(image.from).toMatch(/^node:20\.\d+\.\d+-/);
    expect(image.user).toBe('node');
    expect(owned.owner).toBe('node:node');
    const places = [image.env.EXECUTIONS_DIR, image.env.MEDIA_DIR, dirname(image.env.ERASURE_LOG!)];
    for (const p of places) expect(owned.dirs, p).toContain(p);
    for (const d of owned.dirs) expect(d.startsWith(`${owned.root}/`), d).toBe(true);
  });

  it("every volume of a server is a directory the image owns (a fresh volume takes its owner), the erasure log's among them", () => {
    expect(built.map(([n]) => n).sort()).toEqual([
      'pipeline-a',
      'pipeline-b',
      'record-service-a',
      'record-service-b',
    ]);
    for (const [name, svc] of built) {
      const targets = (svc.volumes ?? []).map((v) => v.split(':')[1]!);
      for (const t of targets) expect(owned.dirs, `${name}: ${t}`).toContain(t);
      const env = { ...image.env, ...svc.environment };
      expect(targets, name).toContain(env.MEDIA_DIR);
      expect(targets, name).toContain(dirname(env.ERASURE_LOG!));
    }
  });

  it('has a healthcheck for every service whose image can run one, and the CLI inside', () => {
    expect(image.healthcheck).toMatch(/CMD \["node", "-e", .*\/health/);
    for (const name of ['jaeger', 'postgres'])
      expect(compose.services[name]!.healthcheck?.test.length, name).toBeGreaterThan(0);
    expect(image.copies).toContain('bin ./bin');
    expect(image.runs.join(' ')).toContain(
      'ln -s /app/bin/execution-history.js /usr/local/bin/execution-history',
    );
  });
});

const asRoot = process.getuid?.() === 0;

/** The compose worker's environment, its paths moved under `root`, on the file store. */
async function reproduce(root: string, mediaOwner: number) {
  for (const d of owned.dirs) {
    await mkdir(join(root, d), { recursive: true });
    await chmod(join(root, d), 0o755);
  }
  await chmod(root, 0o755);
  for (let d = join(root, owned.root); d !== root; d = dirname(d)) await chmod(d, 0o755);
  if (asRoot)
    for (const d of owned.dirs) {
      const uid = d === image.env.MEDIA_DIR ? mediaOwner : NODE_UID;
      spawnSync('chown', [`${uid}:${uid}`, join(root, d)]);
    }
  const worker = compose.services['pipeline-a']!.environment!;
  const at = (p: string) => join(root, p);
  const port = await freePort();
  return {
    port,
    env: {
      // The worker's own settings, minus what needs the other containers (PostgreSQL, the
      // collector; HOST stays on loopback outside a container).
      API_TOKEN: TOKEN,
      HOST: '127.0.0.1',
      PORT: String(port),
      OTEL_TRACES_EXPORTER: 'none',
      OTLP_CONTENT_POLICY: worker.OTLP_CONTENT_POLICY!,
      EXECUTIONS_DIR: at(image.env.EXECUTIONS_DIR!),
      MEDIA_DIR: at(worker.MEDIA_DIR!),
      ERASURE_LOG: at(worker.ERASURE_LOG!),
      UV_THREADPOOL_SIZE: image.env.UV_THREADPOOL_SIZE!,
    },
  };
}

/** `command` as the image's user: uid 1000 through setpriv when root, else as is. */
const asImageUser = (command: string[]): [string, string[]] =>
  asRoot
    ? [
        'setpriv',
        [`--reuid=${NODE_UID}`, `--regid=${NODE_UID}`, '--clear-groups', '--', ...command],
      ]
    : [command[0]!, command.slice(1)];

/** The image's `node dist/src/main.js`, here from the sources. */
const serverCommand = () => asImageUser([process.execPath, '--import', 'tsx', 'src/main.ts']);

describe(
  `the image's layout reproduced (uid ${NODE_UID} via setpriv when the tests run as root)`,
  { timeout: 60_000 },
  () => {
    it('saves media and logs an erasure on the volumes; the image healthcheck passes', async () => {
      const root = await tempDir();
      const { port, env } = await reproduce(root, NODE_UID);
      const [command, args] = serverCommand();
      const server = await startProcess('server as node', command, args, {
        env,
        ready: async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok,
      });
      procs.push(server);
      const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const run = await fetch(`http://127.0.0.1:${port}/api/schema/pipeline/execute`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          schema: 'passthrough',
          input_text: 'Eine Blume',
          output_config: 'sd35_large',
          user_id: 'layout-user',
        }),
      });
      const body = (await run.json()) as { execution_id: string; outputs: { status: string }[] };
      expect(run.status, JSON.stringify(body)).toBe(200);
      expect(body.outputs.map((o) => o.status)).toEqual(['produced']);
      const runDir = join(env.MEDIA_DIR, body.execution_id);
      const [file] = await readdir(runDir);
      if (asRoot) expect((await stat(join(runDir, file!))).uid).toBe(NODE_UID);

      const [healthCmd] = /\[.*\]/.exec(image.healthcheck!)!;
      const [, ...healthArgs] = JSON.parse(healthCmd) as string[];
      const check = spawnSync(process.execPath, healthArgs, {
        env: { ...process.env, PORT: String(port) },
      });
      expect(check.status).toBe(0);

      // The CLI runs as the same user (its path in the image: /usr/local/bin/execution-history).
      const [cliCommand, cliArgs] = asImageUser([
        process.execPath,
        'bin/execution-history.js',
        '--help',
      ]);
      // Asynchronously: a test blocked in spawnSync lets the server close its idle keep-alive
      // connection unseen, and the next fetch would reuse it.
      const cli = await promisify(execFile)(cliCommand, cliArgs, {
        cwd: ROOT,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      expect(cli.stdout + cli.stderr).toMatch(/execution-history erase/);

      const erased = await fetch(`http://127.0.0.1:${port}/api/erasure`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ user_id: 'layout-user' }),
      });
      expect(erased.status).toBe(200);
      const log = (await readFile(env.ERASURE_LOG, 'utf8')).trim().split('\n');
      expect(log.map((l) => JSON.parse(l) as { execution_ids: string[] })).toEqual([
        expect.objectContaining({ reason: 'erasure_request', execution_ids: [body.execution_id] }),
      ]);
    });

    it.runIf(asRoot)(
      'a media volume owned by root (the old image) is refused at start with one line and the fix',
      async () => {
        const root = await tempDir();
        const { env } = await reproduce(root, 0);
        const [command, args] = serverCommand();
        const out = spawnSync(command, args, {
          cwd: ROOT,
          env: { ...process.env, ...env },
          encoding: 'utf8',
          timeout: 20_000,
        });
        expect(out.status).toBe(4);
        // The name is whatever this machine calls uid 1000 (`node` in the image).
        const [before, after] = out.stderr.split(/ by user \S+ /);
        expect(before).toBe(`cannot start: MEDIA_DIR=${env.MEDIA_DIR} is not writable`);
        expect(after).toBe(
          `(uid ${NODE_UID}, gid ${NODE_UID}); fix: chown -R ${NODE_UID}:${NODE_UID} ${env.MEDIA_DIR}, or set MEDIA_DIR to a directory that user can write\n`,
        );
      },
    );
  },
);
