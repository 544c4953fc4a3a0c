/** Waits for `work` or until `deadline` (epoch ms, capped by it), whichever comes first. */
export async function until(work: Promise<unknown>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  try {
    await Promise.race([work.then(() => undefined), limit]);
  } finally {
    clearTimeout(timer);
  }
}
