// Safe signature blobs: 65-byte parts r||s||v sorted by signer, where v says the kind (Safe docs,
// "Signatures"): 0 contract (EIP-1271, r = owner, s = offset of its data), 1 approved hash
// (r = owner), 27/28 ECDSA over safeTxHash, 31/32 ECDSA over the eth_sign message of safeTxHash.
#include <fmt/core.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "safe/abi.hpp"
#include "safe/safe.hpp"

namespace chainward::safe {

namespace {

const secp256k1_context* context() {
    static secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
    return ctx;
}

Hash32 eth_signed_message_hash(const Hash32& h) {
    static constexpr std::string_view prefix = "\x19" "Ethereum Signed Message:\n32";
    ByteVec m(prefix.begin(), prefix.end());
    m.insert(m.end(), h.b.begin(), h.b.end());
    return keccak256(m);
}

}  // namespace

const char* signature_kind_name(SignatureKind k) {
    switch (k) {
        case SignatureKind::Ecdsa: return "ecdsa";
        case SignatureKind::EthSign: return "eth_sign";
        case SignatureKind::ApprovedHash: return "approved_hash";
        case SignatureKind::Contract: return "contract";
        case SignatureKind::Invalid: return "invalid";
    }
    return "invalid";
}

std::optional<Address> ecrecover(const Hash32& hash, std::span<const std::uint8_t> sig65) {
    if (sig65.size() != 65) return std::nullopt;
    int v = sig65[64];
    if (v >= 27) v -= 27;
    if (v != 0 && v != 1) return std::nullopt;
    secp256k1_ecdsa_recoverable_signature sig;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &sig, sig65.data(), v))
        return std::nullopt;
    secp256k1_pubkey pub;
    if (!secp256k1_ecdsa_recover(context(), &pub, &sig, hash.b.data())) return std::nullopt;
    std::uint8_t out[65];
    std::size_t len = sizeof out;
    secp256k1_ec_pubkey_serialize(context(), out, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
    Hash32 h = keccak256(std::span<const std::uint8_t>(out + 1, 64));
    Address a;
    std::copy(h.b.begin() + 12, h.b.end(), a.b.begin());
    return a;
}

std::vector<SignatureInfo> parse_signatures(std::span<const std::uint8_t> blob,
                                            const Hash32& safe_tx_hash) {
    std::vector<SignatureInfo> out;
    // Contract signatures keep their data after the static parts; the smallest such offset ends
    // the static area.
    std::size_t static_end = blob.size();
    for (std::size_t i = 0; (i + 1) * 65 <= static_end; ++i) {
        auto part = blob.subspan(i * 65, 65);
        SignatureInfo s;
        s.index = i;
        s.v = part[64];
        const U256 r = u256_from_be(part.first(32));
        const U256 soff = u256_from_be(part.subspan(32, 32));
        auto owner_from_r = [&]() -> std::optional<Address> {
            if (r >> 160 != 0) return std::nullopt;
            return address_from_word(part.first(32));
        };
        if (s.v == 0) {
            s.kind = SignatureKind::Contract;
            s.signer = owner_from_r();
            if (!s.signer) {
                s.kind = SignatureKind::Invalid;
                s.note = "contract signature whose r is not an address";
            } else if (soff < 65 * (i + 1)) {
                s.kind = SignatureKind::Invalid;
                s.note = fmt::format("contract signature data offset {} points into the static parts",
                                     to_decimal(soff));
            } else {
                try {
                    abi::Reader(blob, "signatures").bytes_from(soff);  // throws unless inside
                    static_end = std::min(static_end, static_cast<std::size_t>(soff));
                    s.note = "EIP-1271 contract signature: the Safe asks the contract when executing; "
                             "not checkable offline";
                } catch (const InputError& e) {
                    s.kind = SignatureKind::Invalid;
                    s.note = fmt::format("contract signature data is outside the blob ({})", e.what());
                }
            }
        } else if (s.v == 1) {
            s.kind = SignatureKind::ApprovedHash;
            s.signer = owner_from_r();
            if (!s.signer) {
                s.kind = SignatureKind::Invalid;
                s.note = "approved-hash signature whose r is not an address";
            } else {
                s.note = "approved hash: valid only if this owner called approveHash on-chain or "
                         "executes the transaction";
            }
        } else if (s.v == 27 || s.v == 28 || s.v == 31 || s.v == 32) {
            const bool eth_sign = s.v > 30;
            s.kind = eth_sign ? SignatureKind::EthSign : SignatureKind::Ecdsa;
            std::array<std::uint8_t, 65> sig;
            std::copy(part.begin(), part.end(), sig.begin());
            sig[64] = static_cast<std::uint8_t>(eth_sign ? s.v - 4 : s.v);
            s.signer = ecrecover(eth_sign ? eth_signed_message_hash(safe_tx_hash) : safe_tx_hash, sig);
            s.verified_offline = s.signer.has_value();
            if (!s.signer) {
                s.kind = SignatureKind::Invalid;
                s.note = "ECDSA signature that recovers no public key";
            } else if (eth_sign) {
                s.note = "eth_sign: the owner signed the prefixed message of safeTxHash";
            }
        } else {
            s.kind = SignatureKind::Invalid;
            s.note = fmt::format("v = {} is no Safe signature type", s.v);
        }
        out.push_back(std::move(s));
    }
    if (out.empty() && !blob.empty())
        throw InputError(fmt::format("signatures: {} bytes is shorter than one 65-byte signature",
                                     blob.size()));
    if (static_end == blob.size() && blob.size() % 65 != 0)
        throw InputError(fmt::format(
            "signatures: {} bytes is not a whole number of 65-byte signatures", blob.size()));
    return out;
}

}  // namespace chainward::safe
