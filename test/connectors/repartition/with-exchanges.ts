/** Runs `fn` with SLUICE_EXCHANGES set to `exchanges` ('local' or 'kafka'), then puts the variable back as it was. */
export async function withExchanges<T>(exchanges: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.SLUICE_EXCHANGES;
  process.env.SLUICE_EXCHANGES = exchanges;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.SLUICE_EXCHANGES;
    else process.env.SLUICE_EXCHANGES = saved;
  }
}
