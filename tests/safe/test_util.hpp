// Helpers for safe tests: ABI encoding of test calls and ECDSA signing with known keys.
#pragma once

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <string>

#include "safe/safe.hpp"

namespace safe_test {

using namespace chainward;
using chainward::safe::ByteVec;

inline void put_word(ByteVec& out, const U256& v) {
    for (int i = 31; i >= 0; --i) out.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xff));
}
inline void put_address(ByteVec& out, const Address& a) {
    out.insert(out.end(), 12, 0);
    out.insert(out.end(), a.b.begin(), a.b.end());
}
inline ByteVec selector(const std::string& sig) {
    Hash32 h = keccak256(sig);
    return ByteVec(h.b.begin(), h.b.begin() + 4);
}
/// Selector + (address, uint256) arguments.
inline ByteVec call_addr_uint(const std::string& sig, const Address& a, const U256& v) {
    ByteVec d = selector(sig);
    put_address(d, a);
    put_word(d, v);
    return d;
}
/// One MultiSend item (op, to, value, len, data).
inline void put_multisend_item(ByteVec& out, std::uint8_t op, const Address& to, const U256& value,
                               const ByteVec& data) {
    out.push_back(op);
    out.insert(out.end(), to.b.begin(), to.b.end());
    put_word(out, value);
    put_word(out, data.size());
    out.insert(out.end(), data.begin(), data.end());
}
/// multiSend(bytes) calldata around packed transactions.
inline ByteVec multisend_call(const ByteVec& packed) {
    ByteVec d = selector("multiSend(bytes)");
    put_word(d, 32);
    put_word(d, packed.size());
    d.insert(d.end(), packed.begin(), packed.end());
    while ((d.size() - 4) % 32) d.push_back(0);
    return d;
}

/// A deterministic key: 32 bytes all equal to `k` (valid for 1 <= k <= 0xfe).
struct Key {
    std::array<std::uint8_t, 32> secret{};
    Address address;
};
inline const secp256k1_context* ctx() {
    static secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
    return c;
}
inline Key make_key(std::uint8_t k) {
    Key key;
    key.secret.fill(k);
    secp256k1_pubkey pub;
    if (!secp256k1_ec_pubkey_create(ctx(), &pub, key.secret.data())) throw std::runtime_error("bad key");
    std::uint8_t out[65];
    std::size_t len = 65;
    secp256k1_ec_pubkey_serialize(ctx(), out, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
    Hash32 h = keccak256(std::span<const std::uint8_t>(out + 1, 64));
    std::copy(h.b.begin() + 12, h.b.end(), key.address.b.begin());
    return key;
}
/// r||s||v with v = 27/28 (+ `v_offset`, e.g. 4 for Safe's eth_sign type).
inline ByteVec sign(const Key& key, const Hash32& digest, int v_offset = 0) {
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_ecdsa_sign_recoverable(ctx(), &sig, digest.b.data(), key.secret.data(), nullptr, nullptr);
    ByteVec out(65);
    int recid = 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx(), out.data(), &recid, &sig);
    out[64] = static_cast<std::uint8_t>(27 + recid + v_offset);
    return out;
}

}  // namespace safe_test
