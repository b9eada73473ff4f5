/** Things to close when the process stops (pools, connections), run in reverse order of opening. */
const hooks: Array<() => Promise<void> | void> = [];

export function onShutdown(hook: () => Promise<void> | void): void {
  hooks.push(hook);
}

export async function runShutdownHooks(): Promise<void> {
  for (const hook of hooks.splice(0).reverse()) {
    try {
      await hook();
    } catch {
      // a connection that fails to close politely is closed anyway when the process ends
    }
  }
}

/** A child of the local runtime stops when the runtime dies, however it dies (no orphan holding a port). */
export function exitWithParent(stop: () => void): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1000).unref();
}
