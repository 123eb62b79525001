"""Bank SinoPac 豐收款 (QPay) Web API client: HashID, IV, Sign, AES-256-CBC and the Nonce/Order calls.

Follows the protocol description (PROTOCOL.md), whose section numbers (§) the comments cite.
Standard library plus `cryptography`.
"""

import hashlib
import json
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

VERSION = "1.0.0"


class ProtocolError(Exception):
    """An answer that does not follow the protocol: bad HTTP status, not an envelope, or a wrong Sign."""


def hash_id(a1: str, a2: str, b1: str, b2: str) -> str:
    """§2.1: (A1 XOR A2) then (B1 XOR B2), byte-wise, two hex digits per byte, upper case."""

    def xor(left: str, right: str) -> str:
        return bytes(x ^ y for x, y in zip(bytes.fromhex(left), bytes.fromhex(right))).hex()

    return (xor(a1, a2) + xor(b1, b2)).upper()


def iv_of(nonce: str) -> bytes:
    """§2.2: the last 16 characters of the upper-case hex SHA-256 of the nonce, as ASCII bytes."""
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest().upper()[-16:].encode("ascii")


def _sign_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sign(message: dict, nonce: str, hid: str) -> str:
    """§3: top-level members that are not objects, arrays, null, empty or blank, sorted case-insensitively."""
    kept = [
        (name, value)
        for name, value in message.items()
        if not isinstance(value, (dict, list))
        and value is not None
        and not (isinstance(value, str) and value.strip() == "")
    ]
    kept.sort(key=lambda pair: pair[0].upper())
    text = "&".join(f"{name}={_sign_value(value)}" for name, value in kept)
    return hashlib.sha256((text + nonce + hid).encode("utf-8")).hexdigest().upper()


def encrypt(plaintext: str, hid: str, nonce: str) -> str:
    """§2.3: AES-256-CBC, key = the HashID's 32 ASCII bytes, PKCS#7, upper-case hex."""
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(hid.encode("ascii")), modes.CBC(iv_of(nonce))).encryptor()
    return (encryptor.update(data) + encryptor.finalize()).hex().upper()


def decrypt(message_hex: str, hid: str, nonce: str) -> str:
    """§2.4: the reverse of encrypt, with the nonce of the envelope the Message came in."""
    decryptor = Cipher(algorithms.AES(hid.encode("ascii")), modes.CBC(iv_of(nonce))).decryptor()
    data = decryptor.update(bytes.fromhex(message_hex)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")


def post_json(url: str, body, headers=None, timeout: float = 15.0):
    """POSTs JSON; returns (HTTP status, parsed JSON answer or the text when it is not JSON)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, text = response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode("utf-8", "replace")
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


class Client:
    """One shop's client. `call` returns the answer Message after checking its Sign (§2.4)."""

    def __init__(self, api_url: str, shop_no: str, keys, key_id: str = ""):
        self.api_url = api_url.rstrip("/")
        self.shop_no = shop_no
        self.hash_id = hash_id(*keys)
        self.key_id = key_id

    def _headers(self):
        return {"X-KeyID": self.key_id} if self.key_id else {}

    def nonce(self) -> str:
        """§1.1"""
        status, body = post_json(f"{self.api_url}/Nonce", {"ShopNo": self.shop_no}, self._headers())
        if status != 200 or not isinstance(body, dict) or not isinstance(body.get("Nonce"), str):
            raise ProtocolError(f"Nonce call answered HTTP {status}: {body}")
        return body["Nonce"]

    def call(self, service: str, message: dict) -> dict:
        """§1.2, §1.3: one Order call with a fresh nonce; the answer decrypted and its Sign verified."""
        nonce = self.nonce()
        plaintext = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
        envelope = {
            "Version": VERSION,
            "ShopNo": self.shop_no,
            "APIService": service,
            "Nonce": nonce,
            "Sign": sign(message, nonce, self.hash_id),
            "Message": encrypt(plaintext, self.hash_id, nonce),
        }
        status, answer = post_json(f"{self.api_url}/Order", envelope, self._headers())
        if status != 200 or not isinstance(answer, dict):
            raise ProtocolError(f"{service} answered HTTP {status}: {answer}")
        for member in ("Version", "ShopNo", "APIService", "Nonce", "Sign", "Message"):
            if not isinstance(answer.get(member), str):
                raise ProtocolError(f"{service} answer lacks the envelope member {member}: {answer}")
        if answer["APIService"] != service or answer["ShopNo"] != self.shop_no:
            raise ProtocolError(f"{service} answer is for {answer['APIService']} of {answer['ShopNo']}")
        reply = json.loads(decrypt(answer["Message"], self.hash_id, answer["Nonce"]))
        if sign(reply, answer["Nonce"], self.hash_id) != answer["Sign"].upper():
            raise ProtocolError(f"{service} answer's Sign does not verify")
        return reply
