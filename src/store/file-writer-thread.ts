import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { replaceFile } from './group-commit.js';

/**
 * The thread's code (plain JavaScript, so it loads the same from the sources and the build):
 * each message is one file to replace atomically (temp file, then rename), done with
 * synchronous calls; the answers of one turn go back in one message.
 */
const CODE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
let answers = [];
let flushing = false;
function flush() {
  flushing = false;
  const batch = answers;
  answers = [];
  parentPort.postMessage(batch);
}
parentPort.on('message', ([seq, temp, target, bytes]) => {
  let fd = -1;
  try {
    fd = fs.openSync(temp, 'wx');
    let at = 0;
    while (at < bytes.length) at += fs.writeSync(fd, bytes, at, bytes.length - at);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(temp, target);
    answers.push([seq, null]);
  } catch (error) {
    if (fd >= 0) try { fs.closeSync(fd); } catch {}
    try { fs.rmSync(temp, { force: true }); } catch {}
    answers.push([seq, { message: String(error && error.message), code: error && error.code }]);
  }
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
});
`;

type Answer = [number, { message: string; code?: string } | null];

interface Waiting {
  resolve: () => void;
  reject: (error: Error) => void;
  /** To do it on this thread instead, should the writer thread stop. */
  fallback: () => Promise<void>;
}

/**
 * The process's file writer thread: record files replaced (temp file, write, close, rename)
 * with synchronous calls on a thread of their own, in place of four calls through libuv's pool
 * and their callbacks on the main thread. One thread for every store of the process, started
 * at the first write, held (ref'd) only while a write is awaited. Should it ever stop, the
 * writes waiting on it and every later one are done on the main thread's event loop.
 */
class FileWriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private seq = 0;
  stopped = false;

  constructor() {
    this.worker = new Worker(CODE, { eval: true, name: 'record-file-writer' });
    this.worker.unref();
    this.worker.on('message', (answers: Answer[]) => this.receive(answers));
    this.worker.on('error', () => this.stop());
    this.worker.on('exit', () => this.stop());
  }

  write(temp: string, target: string, bytes: Buffer): Promise<void> {
    const seq = (this.seq += 1);
    return new Promise<void>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(seq, {
        resolve,
        reject,
        // The thread may have stopped between its create and rename: the temp file goes first.
        fallback: () => rm(temp, { force: true }).then(() => replaceFile(temp, target, bytes)),
      });
      this.worker.postMessage([seq, temp, target, bytes]);
    });
  }

  private receive(answers: Answer[]): void {
    for (const [seq, error] of answers) {
      const w = this.waiting.get(seq);
      if (!w) continue;
      this.waiting.delete(seq);
      if (error) w.reject(Object.assign(new Error(error.message), { code: error.code }));
      else w.resolve();
    }
    if (this.waiting.size === 0) this.worker.unref();
  }

  /** Ends the thread; what waits on it is done here. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
    this.stop();
  }

  /** The thread stopped (never expected): what waits on it is done here. */
  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    failed = true;
    for (const w of this.waiting.values()) w.fallback().then(w.resolve, w.reject);
    this.waiting.clear();
  }
}

let thread: FileWriterThread | null = null;
/** The thread stopped once: files are written on the main thread's event loop from then on. */
let failed = false;

/**
 * `replaceFile` (atomic, no fsync) on the process's file writer thread: `bytes` are copied to
 * it; resolves once the file is renamed into place, rejects (the temp file removed) when not.
 */
export function replaceFileOffThread(temp: string, target: string, bytes: Buffer): Promise<void> {
  if (failed) return replaceFile(temp, target, bytes);
  thread ??= new FileWriterThread();
  return thread.write(temp, target, bytes);
}

/**
 * Stops the file writer thread as a crash would (tests): writes waiting on it are done on the
 * main thread, and so is every later one. Resolves once it has stopped.
 */
export async function stopFileWriterThread(): Promise<void> {
  const t = thread;
  failed = true;
  if (t) await t.terminate();
}
