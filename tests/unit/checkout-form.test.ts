import { describe, expect, it } from 'vitest';
import { normalisePhone, readCheckoutForm } from '../../src/checkout/checkout-form';

const VALID = {
  name: '王小明', email: 'xiaoming@example.tw', phone: '0912345678',
  postcode: '106', city: '臺北市', district: '大安區', street: '復興南路一段 390 號', payType: 'card',
};

describe('the checkout form', () => {
  it.each([
    ['0912345678', '0912345678'],
    ['0912-345-678', '0912345678'],
    ['0912 345 678', '0912345678'],
    ['+886 912 345 678', '0912345678'],
    ['+886-912-345-678', '0912345678'],
    ['886912345678', '0912345678'],
    ['+886 0912 345 678', '0912345678'],
    ['０９１２－３４５－６７８', '0912345678'],
    ['＋８８６　９１２３４５６７８', '0912345678'],
  ])('reads the mobile number %s as %s', (typed, stored) => {
    expect(normalisePhone(typed)).toBe(stored);
    expect(readCheckoutForm({ ...VALID, phone: typed })).toMatchObject({ form: { phone: stored } });
  });

  it.each(['02-2345-6789', '+81 90 1234 5678', '091234567', ''])('refuses %j as a mobile number', (typed) => {
    expect(readCheckoutForm({ ...VALID, phone: typed })).toEqual({ errors: { phone: 'checkout.error.phone' } });
  });

  it('accepts 3, 5 and 6 digit postcodes and refuses others', () => {
    for (const postcode of ['106', '10609', '106 090', '１０６']) expect(readCheckoutForm({ ...VALID, postcode })).toHaveProperty('form');
    for (const postcode of ['10', '1060', 'ABC']) expect(readCheckoutForm({ ...VALID, postcode })).toEqual({ errors: { postcode: 'checkout.error.postcode' } });
  });

  it('takes only one of the 22 counties and cities', () => {
    expect(readCheckoutForm({ ...VALID, city: 'Taipei' })).toEqual({ errors: { city: 'checkout.error.city' } });
  });

  it('sends to the buyer unless another recipient is named', () => {
    expect(readCheckoutForm({ ...VALID, recipientName: '  ', recipientPhone: '' })).toMatchObject({
      form: { delivery: { recipientName: '王小明', recipientPhone: '0912345678', postcode: '106', city: '臺北市' } },
    });
    expect(readCheckoutForm({ ...VALID, recipientName: '陳美玲', recipientPhone: '0987 654 321' })).toMatchObject({
      form: { delivery: { recipientName: '陳美玲', recipientPhone: '0987654321' } },
    });
  });
});
