// Reads a Tandem node's Prometheus metrics. prom-client resets its event-loop delay histogram on
// every scrape, so a scrape before and one after a window give the delays within that window.
export async function scrape(baseUrl) {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const values = new Map();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z0-9_:]+)(\{[^}]*\})? ([0-9.e+-]+|NaN)$/.exec(line);
    if (m && !values.has(m[1])) values.set(m[1], Number(m[3]));
  }
  return {
    get: (name) => values.get(name) ?? Number.NaN,
    eventLoopP99Ms: (values.get('tandem_nodejs_eventloop_lag_p99_seconds') ?? Number.NaN) * 1000,
    eventLoopMaxMs: (values.get('tandem_nodejs_eventloop_lag_max_seconds') ?? Number.NaN) * 1000,
    heapUsed: values.get('tandem_nodejs_heap_size_used_bytes') ?? Number.NaN,
  };
}
