// Rows the payment tests start from, written straight to the database (checkout has its own tests).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/prisma';
import type { Order, PaymentStatus, PayType, Product } from '../../src/generated/prisma/client';
import { reserveStock } from '../../src/orders/stock-reservation';

export async function createProduct(db: Database, fields: { priceTwd: number; stock: number; nameZh?: string }): Promise<Product> {
  const slug = `p-${randomBytes(4).toString('hex')}`;
  return db.product.create({
    data: {
      slug,
      nameZh: fields.nameZh ?? `測試商品 ${slug}`,
      nameEn: `Test product ${slug}`,
      descriptionZh: '測試用',
      descriptionEn: 'For tests',
      priceTwd: fields.priceTwd,
      stock: fields.stock,
    },
  });
}

/** `reserve`: takes the lines' stock, as placing the order at checkout does. */
export async function createOrder(
  db: Database,
  input: { lines: Array<{ product: Product; quantity: number }>; payType: PayType; ownerToken?: string; reserve?: boolean },
): Promise<Order> {
  const totalTwd = input.lines.reduce((sum, line) => sum + line.product.priceTwd * line.quantity, 0);
  if (input.reserve) await db.$transaction((tx) => reserveStock(tx, input.lines.map(({ product, quantity }) => ({ productId: product.id, quantity }))));
  return db.order.create({
    data: {
      number: `T${randomBytes(6).toString('hex').toUpperCase()}`,
      ownerToken: input.ownerToken ?? randomUUID(),
      customerName: '王小明',
      email: 'shopper@example.com',
      phone: '0912345678',
      payType: input.payType,
      totalTwd,
      lines: {
        create: input.lines.map(({ product, quantity }) => ({
          productId: product.id,
          nameZh: product.nameZh,
          nameEn: product.nameEn,
          unitPriceTwd: product.priceTwd,
          quantity,
        })),
      },
    },
  });
}

/** An attempt already in `status`, as if the bank had been called. */
export async function createPayment(db: Database, order: Order, status: PaymentStatus = 'pending') {
  return db.payment.create({
    data: {
      orderId: order.id,
      orderNo: `TEST${randomBytes(8).toString('hex').toUpperCase()}A`,
      payType: order.payType,
      amount: order.totalTwd * 100,
      status,
    },
  });
}
