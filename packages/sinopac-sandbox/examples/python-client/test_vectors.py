"""sinopac.py against the known answers in vectors.json (a copy of the one beside PROTOCOL.md).

Run from this directory: /usr/bin/python3 -m unittest test_vectors
"""

import json
import os
import unittest

import sinopac

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "vectors.json"), encoding="utf-8") as handle:
    VECTORS = json.load(handle)


def keys_of(case):
    keys = case["inputs"]["hash_keys"]
    return sinopac.hash_id(keys["A1"], keys["A2"], keys["B1"], keys["B2"])


def request_message(case):
    inputs = case["inputs"]
    if "message_json" in inputs:
        return sinopac.decode_message(inputs["message_json"])
    return inputs["message_built_by_sdk_fields"]


class RequestCases(unittest.TestCase):
    def test_there_are_cases(self):
        self.assertGreaterEqual(len(VECTORS["request_cases"]), 6)

    def test_hash_id_iv_and_sign(self):
        for case in VECTORS["request_cases"]:
            with self.subTest(case["id"]):
                out, nonce = case["outputs"], case["inputs"]["nonce"]
                hashid = keys_of(case)
                self.assertEqual(hashid, out["hash_id"])
                self.assertEqual(sinopac.iv(nonce).decode("ascii"), out["iv"])
                self.assertTrue(out["sha256_nonce_upper"].endswith(out["iv"]))
                message = request_message(case)
                self.assertEqual(sinopac.sign_string(message), out["sign_string"])
                self.assertEqual(sinopac.sign(message, nonce, hashid), out["sign"])
                self.assertEqual(out["sign_preimage"], out["sign_string"] + nonce + hashid)

    def test_ciphertexts_of_both_plaintexts(self):
        for case in VECTORS["request_cases"]:
            for variant in ("sdk", "compact_utf8"):
                with self.subTest(case["id"], variant=variant):
                    out, nonce = case["outputs"], case["inputs"]["nonce"]
                    hashid = keys_of(case)
                    plaintext = out[f"plaintext_{variant}"]
                    self.assertEqual(sinopac.encrypt(plaintext, hashid, nonce), out[f"message_hex_{variant}"])
                    self.assertEqual(sinopac.decrypt(out[f"message_hex_{variant}"], hashid, nonce), out[f"decrypted_{variant}"])

    def test_compact_encoding_and_whole_envelope(self):
        for case in VECTORS["request_cases"]:
            with self.subTest(case["id"]):
                out, inputs = case["outputs"], case["inputs"]
                message = request_message(case)
                self.assertEqual(sinopac.encode_message(message), out["plaintext_compact_utf8"])
                envelope = sinopac.request_envelope(
                    inputs["api_service"], inputs["shop_no"], inputs["nonce"], message, keys_of(case))
                self.assertEqual(envelope, out["request_envelope_compact_utf8"])


class ResponseCases(unittest.TestCase):
    def test_bank_answers_decrypt_and_verify(self):
        self.assertGreaterEqual(len(VECTORS["response_cases"]), 2)
        for case in VECTORS["response_cases"]:
            with self.subTest(case["id"]):
                out, envelope = case["outputs"], case["inputs"]["response_envelope"]
                hashid = keys_of(case)
                self.assertEqual(hashid, out["hash_id"])
                self.assertEqual(sinopac.iv(envelope["Nonce"]).decode("ascii"), out["iv_from_response_nonce"])
                message = sinopac.open_envelope(envelope, hashid, service=envelope["APIService"])
                self.assertEqual(message, json.loads(out["decrypted_message"]))
                self.assertEqual(sinopac.sign_string(message), out["sign_string"])
                self.assertEqual(sinopac.sign(message, envelope["Nonce"], hashid), out["computed_sign"])
                self.assertTrue(out["sign_matches_envelope"])

    def test_synthetic_pay_query_answer(self):
        for case in VECTORS["synthetic_response_cases"]:
            with self.subTest(case["id"]):
                out, inputs = case["outputs"], case["inputs"]
                hashid = keys_of(case)
                message = sinopac.decode_message(inputs["message_json"])
                self.assertEqual(sinopac.iv(inputs["nonce"]).decode("ascii"), out["iv"])
                self.assertEqual(sinopac.sign_string(message), out["sign_string"])
                self.assertEqual(sinopac.sign(message, inputs["nonce"], hashid), out["sign"])
                self.assertEqual(sinopac.encrypt(out["plaintext_compact_utf8"], hashid, inputs["nonce"]), out["message_hex_compact_utf8"])
                opened = sinopac.open_envelope(out["response_envelope"], hashid, service=inputs["api_service"])
                self.assertEqual(opened, message)

    def test_a_spoiled_sign_is_refused(self):
        case = VECTORS["response_cases"][0]
        envelope = dict(case["inputs"]["response_envelope"])
        envelope["Sign"] = envelope["Sign"][:-1] + ("0" if envelope["Sign"][-1] != "0" else "1")
        with self.assertRaisesRegex(sinopac.ProtocolError, "Sign does not verify"):
            sinopac.open_envelope(envelope, keys_of(case), service=envelope["APIService"])


class Edges(unittest.TestCase):
    """§2.1's leading-zero pitfall and §3's edge-case table (the CS rule)."""

    def test_hash_id_keeps_leading_zeros(self):
        hashid = sinopac.hash_id("1111111111111111", "111E11E111111116", "2222222222222222", "2222222222222223")
        self.assertEqual(hashid, "000F00F0000000070000000000000001")

    def test_keys_are_case_insensitive(self):
        self.assertEqual(sinopac.hash_id("4d9709d699ca40ee", "5a4fef83140c4e9e", "bc74301945134cb4", "961f67f8fca44ab9"),
                         "17D8E6558DC60E702A6B57E1B9B7060D")

    def test_sign_string_edges(self):
        message = {"b": None, "C": "", "d": "  ", "e": 0, "F": "0", "g": {"x": 1}, "h": [], "a": "x+y"}
        self.assertEqual(sinopac.sign_string(message), "a=x+y&e=0&F=0")


if __name__ == "__main__":
    unittest.main()
