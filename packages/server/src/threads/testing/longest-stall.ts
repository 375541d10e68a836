/**
 * Runs `work` while a 5 ms timer ticks on this thread, and resolves with the longest gap between
 * ticks: how long this thread's event loop was held meanwhile (a test that hosts the server in
 * its own process sees the server's stalls this way).
 */
export async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 5);
  try {
    return { result: await work(), stallMs };
  } finally {
    clearInterval(timer);
  }
}
