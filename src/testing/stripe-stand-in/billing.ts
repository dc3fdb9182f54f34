import { renderInvoice } from "./render.js";
import type { Account, InvoiceRecord, RequestRef, SubscriptionRecord } from "./state.js";

/** Bills the subscription's current period: invoice.created, .finalized, then .paid + .payment_succeeded or .payment_failed. */
export function bill(
  account: Account,
  record: SubscriptionRecord,
  reason: InvoiceRecord["billing_reason"],
  free: boolean,
  request?: RequestRef,
  invoiceId = account.id("in"),
): boolean {
  const lines = record.items.map((item) => ({ price: item.price, quantity: item.quantity }));
  const amount = free ? 0 : lines.reduce((sum, line) => sum + account.price(line.price).unit_amount * line.quantity, 0);
  const invoice: InvoiceRecord = {
    id: invoiceId,
    customer: record.customer,
    subscription: record.id,
    status: "open",
    amount_due: amount,
    amount_paid: 0,
    currency: account.price(lines[0]?.price ?? "").currency,
    billing_reason: reason,
    created: account.now(),
    period_start: record.current_period_start,
    period_end: record.current_period_end,
    lines,
  };
  account.invoices.set(invoice.id, invoice);
  record.latest_invoice = invoice.id;
  const options = request ? { request } : {};
  const emit = (type: string) => account.record(type, renderInvoice(account, invoice, account.apiVersion), options);
  emit("invoice.created");
  emit("invoice.finalized");
  if (record.payments_fail && amount > 0) {
    emit("invoice.payment_failed");
    return false;
  }
  invoice.status = "paid";
  invoice.amount_paid = amount;
  emit("invoice.paid");
  emit("invoice.payment_succeeded");
  return true;
}
