// An Issue request's Data from the shop's invoice (docs/einvoice.md, "Where the invoice goes"):
// where the invoice goes becomes ECPay's Print, Donation, CarrierType, CarrierNum, LoveCode and
// CustomerIdentifier, by the rules ECPay enforces (5000015, 5000028, 5000022):
// - member carrier: CarrierType 1 (ECPay's carrier, kept for the buyer's e-mail), Print 0;
// - mobile barcode: CarrierType 3, CarrierNum the barcode, Print 0;
// - citizen certificate: CarrierType 2, CarrierNum the certificate, Print 0;
// - company: CustomerIdentifier the 統編 and the company as CustomerName; with a delivery address
//   a printed invoice (Print 1, no carrier, the address as CustomerAddr) goes with the parcel;
//   without one it is kept on the member carrier (Print 0), which the rules allow with a 統編;
// - donation: Donation 1 and LoveCode, Print 0, no 統編, no carrier.
// Items are the order's lines with prices tax included (vat 1, TaxType 1), and SalesAmount their sum.
import type { IssueRequest } from '../provider';

/** ECPay's lengths (ECPay's field table): longer text is cut, by characters. */
const CUSTOMER_NAME_LENGTH = 60;
const CUSTOMER_ADDR_LENGTH = 100;
const CUSTOMER_EMAIL_LENGTH = 80;
const CUSTOMER_PHONE_LENGTH = 20;
const ITEM_NAME_LENGTH = 100;
const ITEM_WORD_LENGTH = 6;

const cut = (text: string, length: number) => Array.from(text).slice(0, length).join('');

type RecipientFields = {
  Print: '0' | '1';
  Donation: '0' | '1';
  CarrierType: '' | '1' | '2' | '3';
  CarrierNum: string;
  LoveCode?: string;
  CustomerIdentifier?: string;
  CustomerName?: string;
  CustomerAddr?: string;
};

function recipientFields(request: IssueRequest): RecipientFields {
  const { recipient, buyer } = request;
  switch (recipient.kind) {
    case 'member_carrier':
      return { Print: '0', Donation: '0', CarrierType: '1', CarrierNum: '' };
    case 'mobile_barcode':
      return { Print: '0', Donation: '0', CarrierType: '3', CarrierNum: recipient.barcode };
    case 'citizen_certificate':
      return { Print: '0', Donation: '0', CarrierType: '2', CarrierNum: recipient.certificate };
    case 'company': {
      const company = { CustomerIdentifier: recipient.taxId, CustomerName: cut(recipient.companyName, CUSTOMER_NAME_LENGTH) };
      if (buyer.address) return { ...company, Print: '1', Donation: '0', CarrierType: '', CarrierNum: '', CustomerAddr: cut(buyer.address, CUSTOMER_ADDR_LENGTH) };
      return { ...company, Print: '0', Donation: '0', CarrierType: '1', CarrierNum: '' };
    }
    case 'donation':
      return { Print: '0', Donation: '1', CarrierType: '', CarrierNum: '', LoveCode: recipient.donationCode };
  }
}

export function issueData(request: IssueRequest): Record<string, unknown> {
  const fields = recipientFields(request);
  const items = request.lines.map((line, index) => ({
    ItemSeq: index + 1,
    ItemName: cut(line.name, ITEM_NAME_LENGTH),
    ItemCount: line.quantity,
    ItemWord: cut(line.unit, ITEM_WORD_LENGTH),
    ItemPrice: line.unitPriceTwd,
    ItemTaxType: '1',
    ItemAmount: line.amountTwd,
  }));
  return {
    RelateNumber: request.reference,
    CustomerName: cut(request.buyer.name, CUSTOMER_NAME_LENGTH),
    CustomerEmail: cut(request.buyer.email, CUSTOMER_EMAIL_LENGTH),
    CustomerPhone: cut(request.buyer.phone, CUSTOMER_PHONE_LENGTH),
    ...fields,
    TaxType: '1',
    SalesAmount: items.reduce((sum, item) => sum + item.ItemAmount, 0),
    Items: items,
    InvType: '07',
    vat: '1',
  };
}
