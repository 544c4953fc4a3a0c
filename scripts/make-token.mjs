#!/usr/bin/env node
// Makes a token for execution-history and prints the line for TOKENS_FILE (docs/hardening.md).
//   node scripts/make-token.mjs <role> <name>   a new random token and its `role:name:sha256` line
//   node scripts/make-token.mjs --hash          the SHA-256 of a token read from stdin
// The token is printed once, to stdout; only its hash goes into the server's configuration.
import { createHash, randomBytes } from 'node:crypto';

const ROLES = ['viewer', 'reviewer', 'admin', 'ingest'];
const sha256 = (token) => createHash('sha256').update(token, 'utf8').digest('hex');
const [first, name] = process.argv.slice(2);

if (first === '--hash') {
  let input = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) input += chunk;
  const token = input.trim();
  if (!token) {
    process.stderr.write('no token on stdin\n');
    process.exit(2);
  }
  process.stdout.write(`${sha256(token)}\n`);
} else if (ROLES.includes(first) && /^[A-Za-z0-9_.@-]{1,64}$/.test(name ?? '')) {
  const token = randomBytes(32).toString('base64url');
  process.stdout.write(
    `token (give it to its holder; it is not stored anywhere): ${token}\n` +
      `line for TOKENS_FILE: ${first}:${name}:${sha256(token)}\n`,
  );
} else {
  process.stderr.write(
    `usage: node scripts/make-token.mjs <${ROLES.join('|')}> <name>\n` +
      '       node scripts/make-token.mjs --hash < token.txt\n' +
      'name: 1-64 letters, digits, _ . @ -\n',
  );
  process.exit(2);
}
