// What the order and result pages compare to learn that they are out of date: a short string that
// changes whenever the order's status, or its latest attempt or that attempt's status, does.
export function statusState(order: { status: string; payments: readonly { id: string; status: string }[] }): string {
  const latest = order.payments.at(-1);
  return `${order.status}/${latest ? `${latest.id}:${latest.status}` : '-'}`;
}
