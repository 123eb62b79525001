#!/usr/bin/env python3
"""A shop's payment flows against a SinoPac 豐收款 API, run as an outside integrator would.

Written from PROTOCOL.md (§ numbers below) and the sandbox's public documentation (the package README,
CONTROL-API.md, /openapi.json). Prints `ok <n> <step>: ...` per step and exits 1 at the first failure.
"""

import argparse
import datetime
import html.parser
import http.cookiejar
import http.server
import json
import queue
import random
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

import sinopac

TEST_CARD = {"CardNo": "4999-3700-0002-3145", "CardExpiry": "12/30", "CardCVV": "880"}  # PROTOCOL.md §7
CARD_AMOUNT = 120000  # NT$1,200 × 100 (§6)
ATM_AMOUNT = 50000
WAIT_SECONDS = 20


class StepFailed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise StepFailed(what)


# --- The shop's own server: ReturnURL (browser form post, §5.2) and BackendURL (JSON push, §5.1) ---

class Inbox:
    def __init__(self):
        self.returns = queue.Queue()
        self.notifications = queue.Queue()

    @staticmethod
    def take(box, what):
        try:
            return box.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            raise StepFailed(f"no {what} within {WAIT_SECONDS} s") from None


def make_handler(inbox):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass  # the output is the step lines only

        def _reply(self, status, content_type, body):
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace")
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            path = urllib.parse.urlsplit(self.path).path
            if path == "/return":
                fields = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
                inbox.returns.put({"content_type": content_type, "fields": fields})
                self._reply(200, "text/html; charset=utf-8", "<!doctype html><title>Thanks</title><p>Thank you.</p>")
            elif path == "/notify":
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = None
                inbox.notifications.put({"content_type": content_type, "payload": payload})
                # §5.1: the bank counts only {"Status":"S"} as delivered; the token is checked by OrderPayQuery.
                self._reply(200, "application/json", json.dumps({"Status": "S"}))
            else:
                self._reply(404, "text/plain", "not found")

    return Handler


# --- The browser's part: an HTML form reader (html.parser) and a cookie-keeping opener ---

class FormReader(html.parser.HTMLParser):
    """Collects every form with its attributes and named fields."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value or "") for name, value in attrs}
        if tag == "form":
            self._current = {"attrs": attributes, "fields": [], "ids": set()}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "button", "select", "textarea"):
            if "id" in attributes:
                self._current["ids"].add(attributes["id"])
            kind = attributes.get("type", "submit" if tag == "button" else "text").lower()
            if "name" in attributes and kind not in ("submit", "button", "reset", "image"):
                self._current["fields"].append((attributes["name"], attributes.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def read_forms(page):
    reader = FormReader()
    reader.feed(page)
    reader.close()
    return reader.forms


class Browser:
    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, url, fields=None):
        data = urllib.parse.urlencode(fields).encode("utf-8") if fields is not None else None
        request = urllib.request.Request(url, data=data)
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with self.opener.open(request, timeout=WAIT_SECONDS) as response:
                return response.status, response.geturl(), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode("utf-8", "replace")

    def submit(self, page_url, form, values):
        fields = dict(form["fields"])
        fields.update(values)
        action = urllib.parse.urljoin(page_url, form["attrs"].get("action", ""))
        check(form["attrs"].get("method", "get").lower() == "post", "the form does not POST")
        return action, self.open(action, fields)


# --- The control API (CONTROL-API.md): only what a bank's sandbox would do by itself ---

class Control:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def request(self, method, path, body=None):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise StepFailed(f"control API {method} {path} answered HTTP {error.code}: {error.read()[:200]!r}") from None


# --- The flows ---

def succeeded(answer, what):
    check(answer.get("Status") == "S", f"{what} Status is {answer.get('Status')!r}: {answer.get('Description')!r}")
    description = answer.get("Description") or ""
    check(description.startswith("S0000") or description.startswith("S0001"), f"{what} Description {description!r}")


def order_no(prefix):
    # Unique per run, at most 50 bytes (§4.1), and never ending in 9, which a sandbox never pays (§7).
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    return f"{prefix}{stamp}{random.randint(0, 9999):04d}{random.choice('12345678')}"


def expect_pay_result(answer, token, order, pay_type, amount, what):
    succeeded(answer, what)
    check(answer.get("ShopNo") == order["ShopNo"], f"{what} ShopNo {answer.get('ShopNo')!r}")
    check(answer.get("PayToken") == token, f"{what} PayToken is not the one asked about")
    result = answer.get("TSResultContent")
    check(isinstance(result, dict), f"{what} has no TSResultContent")
    # §4.4: paid = Status S and APType PayOut, with matching OrderNo, ShopNo and Amount (a string).
    check(result.get("APType") == "PayOut", f"{what} APType {result.get('APType')!r}")
    check(result.get("Status") == "S", f"{what} payment Status {result.get('Status')!r}")
    check(result.get("OrderNo") == order["OrderNo"], f"{what} OrderNo {result.get('OrderNo')!r}")
    check(result.get("ShopNo") == order["ShopNo"], f"{what} inner ShopNo {result.get('ShopNo')!r}")
    check(result.get("PayType") == pay_type, f"{what} PayType {result.get('PayType')!r}")
    check(result.get("Amount") == str(amount), f"{what} Amount {result.get('Amount')!r}, expected the string {str(amount)!r}")
    return result


def run(args, say):
    keys = {"A1": args.a1, "A2": args.a2, "B1": args.b1, "B2": args.b2}
    api = sinopac.Client(args.api, args.shop, keys, key_id=args.key_id)
    api_parts = urllib.parse.urlsplit(args.api)
    control = Control(args.control or f"{api_parts.scheme}://{api_parts.netloc}/__sandbox")
    today = control.request("GET", "/clock")["taipeiDate"]  # the bank's "today", Taipei time (§6)

    inbox = Inbox()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(inbox))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    shop_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        run_flows(api, control, inbox, shop_url, today, args.shop, say)
    finally:
        server.shutdown()
        server.server_close()


def run_flows(api, control, inbox, shop_url, today, shop_no, say):
    # 1. Card OrderCreate (§4.1, §4.2).
    card = {
        "ShopNo": shop_no, "OrderNo": order_no("C"), "Amount": CARD_AMOUNT, "CurrencyID": "TWD", "PayType": "C",
        "PrdtName": "豐收禮盒 Harvest box", "ReturnURL": f"{shop_url}/return", "BackendURL": f"{shop_url}/notify",
        "CardParam": {"AutoBilling": "Y", "ExpMinutes": 10},
    }
    created = api.call("OrderCreate", card)
    succeeded(created, "card OrderCreate")
    for name in ("OrderNo", "ShopNo", "PayType", "Amount"):
        check(created.get(name) == card[name], f"card OrderCreate {name} is {created.get(name)!r}")
    check(isinstance(created.get("TSNo"), str) and created["TSNo"], "card OrderCreate has no TSNo")
    pay_url = (created.get("CardParam") or {}).get("CardPayURL")
    check(isinstance(pay_url, str) and pay_url.startswith("http"), "card OrderCreate has no CardParam.CardPayURL")
    say("card OrderCreate", f"{card['OrderNo']} TSNo {created['TSNo']}")

    # 2. The card page: the shopper's browser fills in the test card and submits.
    browser = Browser()
    status, page_url, page = browser.open(pay_url)
    check(status == 200, f"card page answered HTTP {status}")
    forms = [form for form in read_forms(page) if {"CardNo", "CardExpiry", "CardCVV"} <= form["ids"]]
    check(len(forms) == 1, "card page has no form with #CardNo, #CardExpiry and #CardCVV")
    _, (status, result_url, result_page) = browser.submit(page_url, forms[0], TEST_CARD)
    check(status == 200, f"card form submission answered HTTP {status}")
    return_forms = [form for form in read_forms(result_page) if form["attrs"].get("id") == "return-form"]
    check(len(return_forms) == 1, "the page after the card form has no #return-form")
    return_form = return_forms[0]
    action = urllib.parse.urljoin(result_url, return_form["attrs"].get("action", ""))
    check(action == card["ReturnURL"], f"#return-form posts to {action!r}, not the ReturnURL")
    say("card page form", f"submitted, #return-form posts {sorted(dict(return_form['fields']))}")

    # 3. ReturnURL: the browser posts the form as urlencoded ShopNo and PayToken (§5.2).
    browser.submit(result_url, return_form, {})
    returned = Inbox.take(inbox.returns, "ReturnURL POST")
    check(returned["content_type"] == "application/x-www-form-urlencoded", f"ReturnURL POST is {returned['content_type']!r}")
    check(set(returned["fields"]) == {"ShopNo", "PayToken"}, f"ReturnURL POST fields {sorted(returned['fields'])}")
    check(returned["fields"]["ShopNo"] == shop_no, "ReturnURL POST names another shop")
    card_token = returned["fields"]["PayToken"]
    check(bool(card_token), "ReturnURL POST has an empty PayToken")
    say("ReturnURL POST", f"PayToken {card_token[:8]}…")

    # 4. BackendURL: JSON {ShopNo, PayToken}, answered {"Status":"S"} (§5.1).
    notified = Inbox.take(inbox.notifications, "BackendURL POST")
    check(notified["content_type"] == "application/json", f"BackendURL POST is {notified['content_type']!r}")
    check(notified["payload"] == {"ShopNo": shop_no, "PayToken": card_token},
          f"BackendURL POST body {notified['payload']!r} is not the ReturnURL's ShopNo and PayToken")
    say("BackendURL POST", "same PayToken, acknowledged with {\"Status\":\"S\"}")

    # 5. OrderPayQuery with the pushed message as it came (§4.4).
    paid = api.call("OrderPayQuery", notified["payload"])
    result = expect_pay_result(paid, card_token, card, "C", CARD_AMOUNT, "card OrderPayQuery")
    check(result.get("TSNo") == created["TSNo"], f"card OrderPayQuery TSNo {result.get('TSNo')!r}")
    check(result.get("LeftCCNo") == "499937" and result.get("RightCCNo") == "3145",
          f"card OrderPayQuery card digits {result.get('LeftCCNo')!r}…{result.get('RightCCNo')!r}")
    say("card OrderPayQuery", f"PayOut S, card 499937…3145, PayDate {result.get('PayDate')}")

    # 6. ATM OrderCreate (§4.1, §4.2): the account lives until the ExpireDate, a few days ahead.
    expire = (datetime.datetime.strptime(today, "%Y%m%d") + datetime.timedelta(days=3)).strftime("%Y%m%d")
    atm = {
        "ShopNo": shop_no, "OrderNo": order_no("A"), "Amount": ATM_AMOUNT, "CurrencyID": "TWD", "PayType": "A",
        "PrdtName": "Rice 10 kg", "ReturnURL": f"{shop_url}/return", "BackendURL": f"{shop_url}/notify",
        "ATMParam": {"ExpireDate": expire},
    }
    atm_created = api.call("OrderCreate", atm)
    succeeded(atm_created, "ATM OrderCreate")
    for name in ("OrderNo", "ShopNo", "PayType", "Amount"):
        check(atm_created.get(name) == atm[name], f"ATM OrderCreate {name} is {atm_created.get(name)!r}")
    account = (atm_created.get("ATMParam") or {}).get("AtmPayNo")
    check(isinstance(account, str) and len(account) == 14 and account.isdigit(), f"ATM OrderCreate AtmPayNo {account!r}")
    say("ATM OrderCreate", f"{atm['OrderNo']} account {account}, expires {expire}")

    # 7. The payer's transfer, which the bank's sandbox makes by itself (§7), made now through the control API.
    payment = control.request("POST", f"/orders/{urllib.parse.quote(atm['OrderNo'])}/pay?shopNo={urllib.parse.quote(shop_no)}", {})
    atm_token = (payment.get("payment") or {}).get("payToken")
    check(isinstance(atm_token, str) and atm_token, "control API pay gave no payToken")
    say("ATM paid via control API", f"PayToken {atm_token[:8]}…")

    # 8. The ATM payment's BackendURL notification.
    notified = Inbox.take(inbox.notifications, "ATM BackendURL POST")
    check(notified["payload"] == {"ShopNo": shop_no, "PayToken": atm_token},
          f"ATM BackendURL POST body {notified['payload']!r}")
    say("ATM BackendURL POST", "acknowledged")

    # 9. OrderPayQuery for the ATM payment.
    atm_paid = api.call("OrderPayQuery", notified["payload"])
    expect_pay_result(atm_paid, atm_token, atm, "A", ATM_AMOUNT, "ATM OrderPayQuery")
    say("ATM OrderPayQuery", "PayOut S")

    # 10. OrderQuery by OrderNo for both orders (§4.3).
    def query(order):
        answer = api.call("OrderQuery", {"ShopNo": shop_no, "OrderNo": order["OrderNo"]})
        succeeded(answer, "OrderQuery")
        rows = answer.get("OrderList")
        check(isinstance(rows, list) and len(rows) == 1, f"OrderQuery for {order['OrderNo']} gave {rows!r}")
        row = rows[0]
        check(row.get("OrderNo") == order["OrderNo"] and row.get("Amount") == order["Amount"],
              f"OrderQuery row {row.get('OrderNo')!r} Amount {row.get('Amount')!r}")
        return row

    card_row, atm_row = query(card), query(atm)
    check(card_row.get("PayStatus") == "1C400", f"card PayStatus {card_row.get('PayStatus')!r}, expected 1C400 (§6)")
    check(atm_row.get("PayStatus") == "1A400", f"ATM PayStatus {atm_row.get('PayStatus')!r}, expected 1A400 (§6)")
    card_param = card_row.get("CardParam") or {}
    check(card_param.get("LeftCCNo") == "499937" and card_param.get("RightCCNo") == "3145",
          "OrderQuery card digits are not the test card's")
    say("OrderQuery", "card 1C400, ATM 1A400")

    # 11. A full refund of the card order: OrderMaintain Command R without Amount (§4.5).
    refund = api.call("OrderMaintain", {"ShopNo": shop_no, "OrderNo": card["OrderNo"], "Command": "R"})
    succeeded(refund, "OrderMaintain")
    check(refund.get("OrderNo") == card["OrderNo"] and refund.get("Command") == "R",
          f"OrderMaintain answered for {refund.get('OrderNo')!r} Command {refund.get('Command')!r}")
    refunded = query(card)
    check(refunded.get("RefundFlag") == "Y", f"RefundFlag after the refund is {refunded.get('RefundFlag')!r}")
    check(refunded.get("RefundStatus") in ("2C200", "2C400", "2C900"), f"RefundStatus {refunded.get('RefundStatus')!r}")
    say("OrderMaintain refund", f"RefundFlag Y, RefundStatus {refunded.get('RefundStatus')}")

    # 12. BillQuery for today: both payments and the refund (§4.5).
    bill = api.call("BillQuery", {"ShopNo": shop_no, "BillDate": today})
    succeeded(bill, "BillQuery")
    check(bill.get("BillDate") == today, f"BillQuery BillDate {bill.get('BillDate')!r}")
    lines = [line for line in bill.get("OrderList") or [] if line.get("OrderNo") in (card["OrderNo"], atm["OrderNo"])]
    seen = sorted((line.get("OrderNo"), line.get("TSType"), line.get("Amount")) for line in lines)
    wanted = sorted([(card["OrderNo"], "P", CARD_AMOUNT), (card["OrderNo"], "R", CARD_AMOUNT), (atm["OrderNo"], "P", ATM_AMOUNT)])
    check(seen == wanted, f"BillQuery lines {seen}, expected {wanted}")
    say("BillQuery", f"{today}: 2 payments and 1 refund")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True, help="API base URL, ending in /QPay.WebAPI/api")
    parser.add_argument("--shop", required=True, help="ShopNo")
    for key in ("a1", "a2", "b1", "b2"):
        parser.add_argument(f"--{key}", required=True, help=f"hash key {key.upper()}")
    parser.add_argument("--key-id", help="X-KeyID, for a shop that has one")
    parser.add_argument("--control", help="control API base (default: the API's origin + /__sandbox)")
    args = parser.parse_args(argv)

    count = 0

    def say(step, detail):
        nonlocal count
        count += 1
        print(f"ok {count} {step}: {detail}", flush=True)

    try:
        run(args, say)
    except (StepFailed, sinopac.ProtocolError, urllib.error.URLError, OSError, ValueError) as error:
        print(f"FAIL after {count} steps: {error}", flush=True)
        return 1
    print(f"all {count} steps passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
