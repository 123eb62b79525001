// The Ministry of Finance's 統一編號 checksum (PROTOCOL.md rule 7), as in force since 2023-04-01.
const WEIGHTS = [1, 2, 1, 2, 1, 2, 4, 1];

/** True when `taxId` is 8 digits whose weighted digit sum passes the ÷5 rule (or its 7th-digit-7 case). */
export function isValidTaxId(taxId: string): boolean {
  if (!/^\d{8}$/.test(taxId)) return false;
  const digits = [...taxId].map(Number);
  const sum = digits.reduce((total, digit, i) => {
    const product = digit * WEIGHTS[i]!;
    return total + Math.floor(product / 10) + (product % 10);
  }, 0);
  return sum % 5 === 0 || (digits[6] === 7 && (sum + 1) % 5 === 0);
}
