// Recovery benchmark: awaited request/response calls from the benchmark to a client process over IPC.
// The child serves an object's methods; the parent calls them by name.
import { fork } from 'node:child_process';

// In the child: answer {id, method, args} with {id, result} or {id, error}; exit with the parent.
export function serve(api) {
  process.on('message', async ({ id, method, args }) => {
    try {
      if (typeof api[method] !== 'function') throw new Error(`no method ${method}`);
      process.send({ id, result: await api[method](...args) });
    } catch (err) {
      process.send({ id, error: String(err?.stack ?? err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

// In the parent: fork `file` and return { call(method, ...args), exit() }.
export function spawn(file, args = []) {
  const child = fork(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  const pending = new Map();
  let next = 0;
  let exited = null;
  child.on('message', ({ id, result, error }) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (error) p.reject(new Error(`${file} ${args.join(' ')}: ${error}`));
    else p.resolve(result);
  });
  const gone = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = new Error(`${file} ${args.join(' ')} exited (${code ?? signal})`);
    for (const p of pending.values()) p.reject(exited);
    pending.clear();
    resolve();
  }));
  return {
    call(method, ...a) {
      if (exited) return Promise.reject(exited);
      return new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        child.send({ id, method, args: a });
      });
    },
    async exit() {
      if (!exited && child.connected) child.disconnect();
      await gone;
    },
  };
}
