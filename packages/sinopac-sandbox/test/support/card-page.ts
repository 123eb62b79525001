// Drives the sandbox's card page with plain HTTP, the way a browser without JavaScript would.
export interface Page {
  url: string;
  status: number;
  headers: Headers;
  text: string;
}

export interface ParsedForm {
  action: string;
  method: string;
  fields: Record<string, string>;
}

export const APPROVED_CARD = { CardNo: '4999-3700-0002-3145', CardExpiry: '12/30', CardCVV: '880' };
export const DECLINED_CARD = { CardNo: '4000 0000 0000 0002', CardExpiry: '11/29', CardCVV: '123' };

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
export const decodeEntities = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!);

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decodeEntities(match[1]!) : undefined;
}

/** The first form of the page (or the one with the given id), with its hidden and text inputs' values. */
export function parseForm(html: string, id?: string): ParsedForm {
  const forms = [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]);
  const form = id ? forms.find((f) => attribute(f.slice(0, f.indexOf('>') + 1), 'id') === id) : forms[0];
  if (!form) throw new Error(`no form${id ? ` #${id}` : ''} in page`);
  const open = form.slice(0, form.indexOf('>') + 1);
  const fields: Record<string, string> = {};
  for (const [input] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attribute(input, 'name');
    if (name) fields[name] = attribute(input, 'value') ?? '';
  }
  return { action: attribute(open, 'action') ?? '', method: attribute(open, 'method') ?? 'get', fields };
}

export async function getPage(url: string): Promise<Page> {
  const response = await fetch(url, { redirect: 'manual' });
  return { url, status: response.status, headers: response.headers, text: await response.text() };
}

/** Fills the card form found on `page` and submits it to the form's own action. */
export async function submitCardForm(page: Page, card: Record<string, string>): Promise<Page> {
  const form = parseForm(page.text);
  const target = new URL(form.action, page.url).toString();
  const response = await fetch(target, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form.fields, ...card }).toString(),
  });
  return { url: target, status: response.status, headers: response.headers, text: await response.text() };
}
