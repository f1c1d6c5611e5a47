// A "since" filter for the log pages: the options are absolute unix times
// computed when the page opens (the API filters on unix seconds).
export function sinceFilter(label = 'since') {
  const now = Math.floor(Date.now() / 1000);
  return { name: 'since', label, options: [{ value: '', label: 'any time' },
    ...[['last hour', 3600], ['last 24 hours', 86400], ['last 7 days', 7 * 86400], ['last 30 days', 30 * 86400]]
      .map(([l, s]) => ({ value: String(now - s), label: l }))] };
}
