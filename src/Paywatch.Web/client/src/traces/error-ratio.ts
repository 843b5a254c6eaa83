// How bad a service-map node or edge looks. X-Ray's own map colours by response class (fault, error, throttle), which
// the twin does not have; the ratio of failed requests is what it has, so the map colours by that.
export type ErrorLevel = 'idle' | 'ok' | 'some' | 'many';

/** At or above this share of failed requests a node is drawn as failing, below it as degraded. */
const manyErrorsRatio = 0.1;

export function classifyErrorRatio(requests: number, errors: number): ErrorLevel {
  if (!(requests > 0)) return errors > 0 ? 'many' : 'idle';
  if (!(errors > 0)) return 'ok';
  return errors / requests >= manyErrorsRatio ? 'many' : 'some';
}

/** "0", "3 (1.5%)", "120 (100%)": the share with one decimal under 10%, whole above. */
export function formatErrors(requests: number, errors: number): string {
  if (!(errors > 0)) return '0';
  if (!(requests > 0)) return String(errors);
  const percent = (100 * errors) / requests;
  const text = percent < 10 ? percent.toFixed(1) : Math.round(percent).toString();
  return `${errors} (${text}%)`;
}

/** A count short enough for an edge label: "999", "6.3k", "12k", "1.2M" (the node boxes give exact figures). */
export function formatCount(count: number): string {
  const compact = (value: number, unit: string) => `${value < 10 ? (Math.floor(value * 10) / 10).toString() : Math.floor(value).toString()}${unit}`;
  if (count < 1000) return String(count);
  if (count < 1_000_000) return compact(count / 1000, 'k');
  return compact(count / 1_000_000, 'M');
}
