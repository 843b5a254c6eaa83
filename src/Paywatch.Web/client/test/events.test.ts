import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAmount, summarizeDetail } from '../src/events/event-summary';

test('the summary reads the fields the processor writes in the detail', () => {
  const detail = { transaction_id: 'txn-002', amount: 15000, type: 'PURCHASE', currency: 'USD', status: 'approved', card_id: 'card-1' };
  assert.deepEqual(summarizeDetail(detail), { transactionId: 'txn-002', amount: 15000, currency: 'USD', status: 'approved' });
});

test('missing or mistyped fields are left out rather than shown wrong', () => {
  assert.deepEqual(summarizeDetail({ transaction_id: 7, amount: '42.00', currency: '' }),
    { transactionId: null, amount: null, currency: null, status: null });
  assert.deepEqual(summarizeDetail(null), { transactionId: null, amount: null, currency: null, status: null });
  assert.deepEqual(summarizeDetail(['txn']), { transactionId: null, amount: null, currency: null, status: null });
});

test('amounts have two decimals at least, grouped thousands, and the currency when known', () => {
  assert.equal(formatAmount(15000, 'USD'), '15,000.00 USD');
  assert.equal(formatAmount(-100, null), '-100.00');
  assert.equal(formatAmount(25.5, 'EUR'), '25.50 EUR');
  assert.equal(formatAmount(0.125, 'BHD'), '0.125 BHD');
  assert.equal(formatAmount(1234567.891, null), '1,234,567.891');
  assert.equal(formatAmount(null, 'USD'), '—');
});
