// What a routed event's row shows from its detail: the transaction's id, amount, currency and status, when the
// detail has them with the types the processor writes (see TransactionDetailWriter: snake_case, amount a number).
export interface EventSummary {
  transactionId: string | null;
  amount: number | null;
  currency: string | null;
  status: string | null;
}

export function summarizeDetail(detail: unknown): EventSummary {
  const record = detail !== null && typeof detail === 'object' && !Array.isArray(detail) ? (detail as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);
  const amount = record['amount'];
  return {
    transactionId: text(record['transaction_id']),
    amount: typeof amount === 'number' && Number.isFinite(amount) ? amount : null,
    currency: text(record['currency']),
    status: text(record['status']),
  };
}

/** "1,500.00 USD", "-100.00" (no currency), "—" (no amount). Two decimals at least, more when the amount has them. */
export function formatAmount(amount: number | null, currency: string | null): string {
  if (amount === null) return '—';
  const decimals = Math.min(Math.max(2, fractionDigits(amount)), 6);
  const sign = amount < 0 ? '-' : '';
  const [whole = '0', fraction] = Math.abs(amount).toFixed(decimals).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const number = `${sign}${grouped}.${fraction}`;
  return currency ? `${number} ${currency}` : number;
}

function fractionDigits(value: number): number {
  const text = String(value);
  if (text.includes('e')) return 2;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}
