// The route in the URL's hash: "#/<page id>/<params...>?<query>", e.g. "#/traces/abc" or "#/dashboard?range=15m".

export interface Route {
  id: string;
  params: string[];
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const queryAt = path.indexOf('?');
  const parts = (queryAt >= 0 ? path.slice(0, queryAt) : path).split('/').filter(part => part !== '').map(safeDecode);
  return { id: parts[0] ?? '', params: parts.slice(1), query: new URLSearchParams(queryAt >= 0 ? path.slice(queryAt + 1) : '') };
}

/** The hash for a page, its params and query: formatRoute('dashboard', [], { range: '15m' }) is "#/dashboard?range=15m". */
export function formatRoute(id: string, params: readonly string[] = [], query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `#/${[id, ...params].map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
}

/** Whether two routes show the same page with the same params (only the query differs): no remount needed. */
export const samePage = (a: Route, b: Route) => a.id === b.id && a.params.join('/') === b.params.join('/');

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Seconds between live refreshes from "?refresh=N" in the page's URL: 10 by default, never under 1. */
export function refreshSecondsFrom(search: string): number {
  const value = Number(new URLSearchParams(search).get('refresh'));
  if (!Number.isFinite(value) || value <= 0) return 10;
  return Math.max(1, value);
}
