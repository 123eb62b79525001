// One browser on the shop, seen through the TLS-terminating reverse proxy a production shop sits
// behind: every request says X-Forwarded-Proto: https, so the shop's Secure cookies are issued, and
// X-Forwarded-For names the browser's own address, which the shop's rate limits count by.

/** What the proxy adds to the requests of the n-th client (a distinct address in 10.0.0.0/8). */
export function proxyHeaders(client: number): Record<string, string> {
  return { 'x-forwarded-proto': 'https', 'x-forwarded-for': `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}` };
}

export interface Page {
  status: number;
  location: string | null;
  text: string;
  /** From sending the request to its response's headers: all a browser waits for to follow a redirect. */
  headersMs: number;
}

export class Shopper {
  readonly #cookies = new Map<string, string>();

  constructor(readonly baseUrl: string, readonly client: number) {}

  /** The Cookie header this browser sends. */
  get cookie(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async get(path: string): Promise<Page> {
    return this.#send(path, { method: 'GET' });
  }

  async post(path: string, fields: Record<string, string | number>): Promise<Page> {
    const body = new URLSearchParams(Object.entries(fields).map(([name, value]) => [name, String(value)]));
    return this.#send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  async #send(path: string, init: { method: string; body?: URLSearchParams; headers?: Record<string, string> }): Promise<Page> {
    const sent = performance.now();
    const res = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      headers: { ...proxyHeaders(this.client), ...init.headers, ...(this.#cookies.size > 0 && { cookie: this.cookie }) },
      redirect: 'manual',
    });
    const headersMs = performance.now() - sent;
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const split = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, split).trim(), pair.slice(split + 1).trim());
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), headersMs };
  }
}

export function hiddenField(html: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];
  if (!value) throw new Error(`the page has no ${name} field`);
  return value;
}
