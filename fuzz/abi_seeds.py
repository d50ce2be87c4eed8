#!/usr/bin/env python3
"""Seeds for fuzz_abi: honest encodings for each decode path (the first byte picks the path)."""
import sys, os

def w(v):
    return v.to_bytes(32, "big")

def padded(b):
    return b + bytes((32 - len(b) % 32) % 32)

out = sys.argv[1]
seeds = {
    # 0: reader operations: bytes at head 0, uint256[] at head 32
    "reader": bytes([0]) + w(64) + w(128) + w(5) + padded(b"hello") + w(2) + w(7) + w(8),
    # 1: symbol() answers: ABI string and bytes32
    "symbol": bytes([1]) + w(32) + w(4) + padded(b"USDT"),
    "symbol32": bytes([1]) + padded(b"MKR"),
    # 2: TransferBatch(ids, values)
    "batch": bytes([2]) + w(64) + w(160) + w(2) + w(11) + w(12) + w(2) + w(5) + w(6),
    # 3: THORChain Deposit(amount, memo)
    "memo": bytes([3]) + w(1000) + w(64) + w(len(b"=:BTC.BTC:bc1qxyz:0/1/0")) + padded(b"=:BTC.BTC:bc1qxyz:0/1/0"),
    # 4: Safe signatures: a contract signature with its data after the static part
    "sigs": bytes([4]) + bytes(12) + bytes.fromhex("00" * 19 + "0b") + w(65) + bytes([0]) + w(3) + padded(b"abc"),
    # 5: call data of known functions: (address, address, uint256[], uint256[], bytes)
    "call": bytes([5]) + w(1) + w(2) + w(160) + w(224) + w(288) + w(1) + w(7) + w(1) + w(8) + w(2) + padded(b"xy"),
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
