#!/usr/bin/env python3
"""Runs the flows a shop needs against the SinoPac sandbox, as a shop in another language would.

  card: OrderCreate -> the card page's form, filled with the test card -> the ReturnURL POST and the
        BackendURL POST, received by this script's own HTTP server -> OrderPayQuery with the PayToken
  ATM:  OrderCreate -> paid through the sandbox's control API -> BackendURL POST -> OrderPayQuery
  then OrderQuery, an OrderMaintain refund (R) of the card order, and BillQuery for the day.

Prints a line per step; exits 1 at the first mismatch, including an answer whose Sign does not verify.
"""

import argparse
import datetime
import json
import queue
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sinopac import Client, ProtocolError, post_json

# The sandbox's approved test card (the bank's published one, PROTOCOL.md §7).
TEST_CARD = {"CardNo": "4999-3700-0002-3145", "CardExpiry": "12/30", "CardCVV": "880"}
WAIT_SECONDS = 15


class Mismatch(Exception):
    pass


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Mismatch(what)


# --- The shop's side: ReturnURL and BackendURL on a small HTTP server of its own -----------------

class Receiver:
    """Collects the ReturnURL form posts (§5.2) and the BackendURL notifications (§5.1)."""

    def __init__(self):
        self.returns = queue.Queue()
        self.notifications = queue.Queue()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                if self.path == "/return":
                    fields = dict(urllib.parse.parse_qsl(body))
                    receiver.returns.put((self.headers.get("Content-Type", ""), fields))
                    self._answer(200, "text/html; charset=utf-8", "<!doctype html><title>Thank you</title><p>Thank you.</p>")
                elif self.path == "/notify":
                    receiver.notifications.put((self.headers.get("Content-Type", ""), body))
                    # The only acknowledgement the bank accepts (§5.1).
                    self._answer(200, "application/json", '{"Status":"S"}')
                else:
                    self._answer(404, "text/plain", "not found")

            def _answer(self, status, content_type, text):
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next_return(self):
        try:
            return self.returns.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            raise Mismatch(f"no ReturnURL POST within {WAIT_SECONDS} s") from None

    def next_notification(self):
        try:
            content_type, body = self.notifications.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            raise Mismatch(f"no BackendURL POST within {WAIT_SECONDS} s") from None
        expect(content_type.startswith("application/json"), f"BackendURL POST is {content_type}, not JSON")
        return json.loads(body)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# --- A browser without JavaScript: pages, forms and their submission --------------------------------

class FormParser(HTMLParser):
    """The page's forms: each with its attributes and its named fields (with id, type and value)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attributes, "fields": []})
        elif tag in ("input", "select", "textarea") and self.forms and attributes.get("name"):
            self.forms[-1]["fields"].append(attributes)


def fetch_page(url, form=None):
    """GETs the page, or POSTs the form fields to it; returns (status, final URL, HTML)."""
    data = urllib.parse.urlencode(form).encode("ascii") if form is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if form is not None else "GET")
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
            return response.status, response.url, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, url, error.read().decode("utf-8", "replace")


def forms_of(html):
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def submit(page_url, form, values):
    """Fills the named or id'd fields with `values`, keeps the others' values, and submits the form."""
    fields = {}
    for field in form["fields"]:
        key = next((k for k in (field.get("name"), field.get("id")) if k in values), None)
        fields[field["name"]] = values[key] if key else field.get("value", "")
    missing = [name for name in values if name not in {f.get("name") for f in form["fields"]} | {f.get("id") for f in form["fields"]}]
    expect(not missing, f"the form has no field {', '.join(missing)}")
    method = form["attrs"].get("method", "get").lower()
    expect(method == "post", f"the form is submitted with {method}, not post")
    return urllib.parse.urljoin(page_url, form["attrs"].get("action", "")), fields


# --- The flows ----------------------------------------------------------------------------------------

class Run:
    def __init__(self, client, control_url, receiver):
        self.client = client
        self.control_url = control_url
        self.receiver = receiver
        self.steps = 0

    def step(self, name, detail):
        self.steps += 1
        print(f"ok {self.steps:2} {name}: {detail}", flush=True)

    def control(self, method, path, body=None):
        if method == "GET":
            with urllib.request.urlopen(f"{self.control_url}{path}", timeout=WAIT_SECONDS) as response:
                return json.loads(response.read().decode("utf-8"))
        status, answer = post_json(f"{self.control_url}{path}", body or {})
        expect(status == 200, f"control API {path} answered HTTP {status}: {answer}")
        return answer

    def call(self, service, message, expect_code="S0000"):
        reply = self.client.call(service, message)
        expect(reply.get("Status") == "S", f"{service} Status {reply.get('Status')}: {reply.get('Description')}")
        description = str(reply.get("Description", ""))
        expect(description.startswith(f"{expect_code} \u2013 "), f"{service} Description {description!r}, expected {expect_code}")
        return reply

    def base_order(self, order_no, pay_type, amount, product):
        return {
            "ShopNo": self.client.shop_no,
            "OrderNo": order_no,
            "Amount": amount,
            "CurrencyID": "TWD",
            "PayType": pay_type,
            "PrdtName": product,
            "ReturnURL": f"{self.receiver.origin}/return",
            "BackendURL": f"{self.receiver.origin}/notify",
        }

    def pay_query(self, pay_token, order_no, pay_type, amount):
        reply = self.call("OrderPayQuery", {"ShopNo": self.client.shop_no, "PayToken": pay_token})
        content = reply.get("TSResultContent") or {}
        expect(reply.get("PayToken") == pay_token, "OrderPayQuery answered about another PayToken")
        expect(content.get("Status") == "S", f"payment Status {content.get('Status')}: {content.get('Description')}")
        expect(content.get("APType") in ("PayOut", "CaptureOut"), f"APType {content.get('APType')}")
        expect(content.get("OrderNo") == order_no, f"OrderNo {content.get('OrderNo')}, expected {order_no}")
        expect(content.get("ShopNo") == self.client.shop_no, f"ShopNo {content.get('ShopNo')}")
        expect(content.get("PayType") == pay_type, f"PayType {content.get('PayType')}")
        expect(str(content.get("Amount")) == str(amount), f"Amount {content.get('Amount')}, expected {amount}")
        return content

    def card(self, order_no, amount):
        order = {**self.base_order(order_no, "C", amount, "Python client card order"),
                 "CardParam": {"AutoBilling": "Y", "ExpMinutes": 10}}
        created = self.call("OrderCreate", order)
        expect(created.get("OrderNo") == order_no and created.get("Amount") == amount, f"OrderCreate echoed {created}")
        pay_url = (created.get("CardParam") or {}).get("CardPayURL")
        expect(isinstance(pay_url, str) and pay_url.startswith("http"), "no CardParam.CardPayURL")
        self.step("card OrderCreate", f"TSNo {created.get('TSNo')}, CardPayURL {pay_url}")

        status, url, html = fetch_page(pay_url)
        expect(status == 200, f"card page answered HTTP {status}")
        card_forms = [f for f in forms_of(html) if any(field.get("name") == "CardNo" or field.get("id") == "CardNo" for field in f["fields"])]
        expect(len(card_forms) == 1, "the card page has no form with a CardNo field")
        action, fields = submit(url, card_forms[0], TEST_CARD)
        status, url, html = fetch_page(action, fields)
        expect(status == 200, f"the card form's submission answered HTTP {status}")
        self.step("card page form", f"submitted {len(fields)} fields to {urllib.parse.urlsplit(action).path}")

        # The answer page carries the shopper back: a form to the ReturnURL, which a browser submits.
        back = [f for f in forms_of(html) if f["attrs"].get("action") == order["ReturnURL"]]
        expect(len(back) == 1, "the page after payment has no form to the ReturnURL")
        action, fields = submit(url, back[0], {})
        status, _, _ = fetch_page(action, fields)
        expect(status == 200, f"ReturnURL answered HTTP {status}")
        content_type, returned = self.receiver.next_return()
        expect(content_type.startswith("application/x-www-form-urlencoded"), f"ReturnURL POST is {content_type}")
        expect(returned.get("ShopNo") == self.client.shop_no, f"ReturnURL ShopNo {returned.get('ShopNo')}")
        pay_token = returned.get("PayToken", "")
        expect(len(pay_token) > 0, "ReturnURL POST has no PayToken")
        self.step("ReturnURL POST", f"ShopNo and PayToken {pay_token[:12]}…")

        notified = self.receiver.next_notification()
        expect(notified == {"ShopNo": self.client.shop_no, "PayToken": pay_token}, f"BackendURL received {notified}")
        self.step("BackendURL POST", "the same PayToken, acknowledged with {\"Status\":\"S\"}")

        content = self.pay_query(pay_token, order_no, "C", amount)
        expect(content.get("LeftCCNo") == "499937" and content.get("RightCCNo") == "3145",
               f"card digits {content.get('LeftCCNo')}…{content.get('RightCCNo')}")
        self.step("card OrderPayQuery", f"Status S, {content.get('APType')}, Amount {content.get('Amount')}, card {content.get('LeftCCNo')}…{content.get('RightCCNo')}")

    def atm(self, order_no, amount, today):
        expire = (datetime.datetime.strptime(today, "%Y%m%d") + datetime.timedelta(days=3)).strftime("%Y%m%d")
        order = {**self.base_order(order_no, "A", amount, "Python client ATM order"), "ATMParam": {"ExpireDate": expire}}
        created = self.call("OrderCreate", order)
        account = (created.get("ATMParam") or {}).get("AtmPayNo")
        expect(isinstance(account, str) and account.isdigit(), "no ATMParam.AtmPayNo")
        self.step("ATM OrderCreate", f"AtmPayNo {account}, ExpireDate {expire}")

        shop = urllib.parse.quote(self.client.shop_no)
        paid = self.control("POST", f"/orders/{urllib.parse.quote(order_no)}/pay?shopNo={shop}")
        pay_token = paid["payment"]["payToken"]
        expect(paid["order"]["payStatus"] == "1A400", f"control API says {paid['order']['payStatus']}")
        self.step("ATM paid via control API", f"PayToken {pay_token[:12]}…")

        notified = self.receiver.next_notification()
        expect(notified == {"ShopNo": self.client.shop_no, "PayToken": pay_token}, f"BackendURL received {notified}")
        self.step("ATM BackendURL POST", "the control API's PayToken")

        content = self.pay_query(pay_token, order_no, "A", amount)
        self.step("ATM OrderPayQuery", f"Status S, {content.get('APType')}, Amount {content.get('Amount')}")

    def order_query(self, card_no, atm_no):
        statuses = {}
        for order_no in (card_no, atm_no):
            reply = self.call("OrderQuery", {"ShopNo": self.client.shop_no, "OrderNo": order_no})
            found = reply.get("OrderList") or []
            expect(len(found) == 1 and found[0].get("OrderNo") == order_no, f"OrderQuery for {order_no} found {len(found)}")
            statuses[order_no] = found[0].get("PayStatus")
        expect(statuses[card_no] == "1C400", f"card order PayStatus {statuses[card_no]}, expected 1C400 (captured)")
        expect(statuses[atm_no] == "1A400", f"ATM order PayStatus {statuses[atm_no]}, expected 1A400 (paid)")
        self.step("OrderQuery", f"card {statuses[card_no]}, ATM {statuses[atm_no]}")

    def refund(self, order_no, amount):
        reply = self.call("OrderMaintain", {"ShopNo": self.client.shop_no, "OrderNo": order_no, "Command": "R"})
        expect(reply.get("Command") == "R" and reply.get("OrderNo") == order_no, f"OrderMaintain echoed {reply}")
        expect(reply.get("Amount") == amount, f"refunded {reply.get('Amount')}, expected {amount}")
        listed = self.call("OrderQuery", {"ShopNo": self.client.shop_no, "OrderNo": order_no})["OrderList"][0]
        expect(listed.get("RefundFlag") == "Y", f"RefundFlag {listed.get('RefundFlag')}")
        self.step("OrderMaintain refund", f"Amount {reply.get('Amount')}, RefundFlag Y, RefundStatus {listed.get('RefundStatus')}")

    def bill(self, today, card_no, atm_no, card_amount, atm_amount):
        reply = self.call("BillQuery", {"ShopNo": self.client.shop_no, "BillDate": today})
        lines = {(line.get("OrderNo"), line.get("TSType")): line for line in reply.get("OrderList") or []}
        for key, amount in (((card_no, "P"), card_amount), ((atm_no, "P"), atm_amount), ((card_no, "R"), card_amount)):
            expect(key in lines, f"BillQuery has no {key[1]} line for {key[0]}")
            expect(str(lines[key].get("Amount")) == str(amount), f"BillQuery {key} Amount {lines[key].get('Amount')}")
        self.step("BillQuery", f"{today}: {len(reply.get('OrderList') or [])} lines, both payments and the refund")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", required=True, help="API base URL, e.g. http://127.0.0.1:4010/funBIZ/QPay.WebAPI/api")
    parser.add_argument("--control", help="control API URL (default: the API's origin + /__sandbox)")
    parser.add_argument("--shop", required=True, help="ShopNo")
    for key in ("a1", "a2", "b1", "b2"):
        parser.add_argument(f"--{key}", required=True, help=f"hash key {key.upper()} (16 hex characters)")
    parser.add_argument("--key-id", default="", help="X-KeyID, when the shop has one")
    args = parser.parse_args(argv)

    origin = urllib.parse.urlsplit(args.api)
    control_url = (args.control or f"{origin.scheme}://{origin.netloc}/__sandbox").rstrip("/")
    client = Client(args.api, args.shop, (args.a1, args.a2, args.b1, args.b2), args.key_id)
    receiver = Receiver()
    run = Run(client, control_url, receiver)
    stamp = time.strftime("%H%M%S") + f"{int(time.time() * 1000) % 1000:03d}"
    card_no, atm_no = f"PY{stamp}C", f"PY{stamp}A"
    card_amount, atm_amount = 120000, 50000
    try:
        # The sandbox's own today, which its control API may have moved (ATM ExpireDate, BillDate).
        today = run.control("GET", "/clock")["taipeiDate"]
        run.card(card_no, card_amount)
        run.atm(atm_no, atm_amount, today)
        run.order_query(card_no, atm_no)
        run.refund(card_no, card_amount)
        run.bill(today, card_no, atm_no, card_amount, atm_amount)
    except (Mismatch, ProtocolError) as error:
        print(f"FAIL after {run.steps} steps: {error}", flush=True)
        return 1
    finally:
        receiver.close()
    print(f"all {run.steps} steps passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
