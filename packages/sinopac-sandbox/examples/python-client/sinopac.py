"""Bank SinoPac 豐收款 (QPay) Web API: the protocol, written from PROTOCOL.md alone.

Section numbers (§) refer to PROTOCOL.md. Standard library plus `cryptography` (AES only).
"""

import decimal
import hashlib
import hmac
import json
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

VERSION = "1.0.0"


class ProtocolError(Exception):
    """An answer that breaks the protocol: bad HTTP status, bad envelope, or a Sign that does not verify."""


def hash_id(a1, a2, b1, b2):
    """§2.1: (A1 XOR A2) then (B1 XOR B2), two upper-case hex digits per byte, so leading zeros stay."""
    def xor(left, right):
        x, y = bytes.fromhex(_key_hex(left)), bytes.fromhex(_key_hex(right))
        return bytes(p ^ q for p, q in zip(x, y)).hex().upper()
    return xor(a1, a2) + xor(b1, b2)


def _key_hex(key):
    text = key.replace("-", "").strip()
    if len(text) != 16 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise ValueError("a hash key must be 16 hex characters")
    return text


def iv(nonce):
    """§2.2: the last 16 characters of the upper-case hex SHA-256 of the nonce, used as ASCII bytes."""
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest().upper()[-16:].encode("ascii")


def _scalar_text(value):
    # §3.4: values go in raw; numbers in decimal as sent. Strings are kept as they are.
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sign_string(message):
    """§3 steps 1-4: top-level scalars only, empty ones dropped, names sorted case-insensitively."""
    pairs = []
    for name, value in message.items():
        if value is None or isinstance(value, (dict, list)):
            continue
        if isinstance(value, str) and value.strip() == "":
            continue
        pairs.append((name, _scalar_text(value)))
    pairs.sort(key=lambda pair: (pair[0].upper(), pair[0]))
    return "&".join(f"{name}={value}" for name, value in pairs)


def sign(message, nonce, hashid):
    """§3 step 5: SHA-256 over sign string + nonce + HashID, upper-case hex."""
    return hashlib.sha256((sign_string(message) + nonce + hashid).encode("utf-8")).hexdigest().upper()


def _cipher(hashid, nonce):
    # §2.3: AES-256-CBC, key = the 32 ASCII characters of the HashID, IV from the nonce.
    return Cipher(algorithms.AES(hashid.encode("ascii")), modes.CBC(iv(nonce)))


def encrypt(plaintext, hashid, nonce):
    """§2.3: PKCS#7, then upper-case hex of the ciphertext."""
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext.encode("utf-8")) + padder.finalize()
    encryptor = _cipher(hashid, nonce).encryptor()
    return (encryptor.update(data) + encryptor.finalize()).hex().upper()


def decrypt(message_hex, hashid, nonce):
    """§2.4 step 2: hex-decode, AES-256-CBC decrypt, strip PKCS#7, UTF-8 text."""
    decryptor = _cipher(hashid, nonce).decryptor()
    data = decryptor.update(bytes.fromhex(message_hex)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")


def encode_message(message):
    """Compact JSON with raw UTF-8 and unescaped '/', as in the spec's example (§2.3)."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def decode_message(text):
    # Non-integers are kept as Decimal so the Sign sees the digits the bank sent.
    return json.loads(text, parse_float=decimal.Decimal)


def request_envelope(service, shop_no, nonce, message, hashid):
    """§1.2: the six string members of an Order call."""
    return {
        "Version": VERSION,
        "ShopNo": shop_no,
        "APIService": service,
        "Nonce": nonce,
        "Sign": sign(message, nonce, hashid),
        "Message": encrypt(encode_message(message), hashid, nonce),
    }


def open_envelope(envelope, hashid, service=None, shop_no=None):
    """§1.3 and §2.4: decrypt with the answer's own nonce and verify its Sign; returns the message."""
    label = service or "Order"
    for member in ("Version", "ShopNo", "APIService", "Nonce", "Sign", "Message"):
        if not isinstance(envelope.get(member), str):
            raise ProtocolError(f"{label} answer's envelope has no string {member}")
    if envelope["Version"] != VERSION:
        raise ProtocolError(f"{label} answer's Version is {envelope['Version']!r}, not {VERSION}")
    if service is not None and envelope["APIService"] != service:
        raise ProtocolError(f"{label} answer's APIService is {envelope['APIService']!r}")
    if shop_no is not None and envelope["ShopNo"] != shop_no:
        raise ProtocolError(f"{label} answer's ShopNo is {envelope['ShopNo']!r}")
    try:
        message = decode_message(decrypt(envelope["Message"], hashid, envelope["Nonce"]))
    except ValueError as error:
        raise ProtocolError(f"{label} answer's Message does not decrypt: {error}") from None
    if not isinstance(message, dict):
        raise ProtocolError(f"{label} answer's Message is not a JSON object")
    expected = sign(message, envelope["Nonce"], hashid)
    if not hmac.compare_digest(expected, envelope["Sign"].upper()):
        raise ProtocolError(f"{label} answer's Sign does not verify")
    return message


class Client:
    """A shop's side of the API: one fresh Nonce per Order call (§1.1, §8.1), every answer verified."""

    def __init__(self, api_url, shop_no, keys, key_id=None, timeout=15):
        self.api_url = api_url.rstrip("/")
        self.shop_no = shop_no
        self.hash_id = hash_id(keys["A1"], keys["A2"], keys["B1"], keys["B2"])
        self.key_id = key_id
        self.timeout = timeout

    def _post(self, endpoint, body, label):
        headers = {"Content-Type": "application/json"}
        if self.key_id:
            headers["X-KeyID"] = self.key_id  # §1: on both the Nonce and the Order call
        request = urllib.request.Request(
            f"{self.api_url}/{endpoint}", data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode("utf-8", "replace")
            raise ProtocolError(f"{label} answered HTTP {error.code}: {detail}") from None
        try:
            answer = json.loads(raw.decode("utf-8"))
        except ValueError:
            raise ProtocolError(f"{label} answer is not JSON") from None
        if not isinstance(answer, dict):
            raise ProtocolError(f"{label} answer is not a JSON object")
        return answer

    def nonce(self):
        """§1.1: POST {ShopNo} to /Nonce."""
        answer = self._post("Nonce", {"ShopNo": self.shop_no}, "Nonce")
        value = answer.get("Nonce")
        if not isinstance(value, str) or not value:
            raise ProtocolError(f"Nonce answer has no Nonce: {answer}")
        return value

    def call(self, service, message):
        """Sends one service message (§1.2) and returns the verified answer message (§2.4)."""
        envelope = request_envelope(service, self.shop_no, self.nonce(), message, self.hash_id)
        answer = self._post("Order", envelope, service)
        if answer.get("Nonce") == envelope["Nonce"]:
            raise ProtocolError(f"{service} answer reuses the request's Nonce instead of a new one (§1.3)")
        return open_envelope(answer, self.hash_id, service=service, shop_no=self.shop_no)
