// Compares chainward's Safe hashes with vectors produced by real Safe contracts on a local node
// (hash_vectors.cjs). Usage: safe_vector_check VECTORS.json; exit 0 when every vector matches.
#include <fmt/core.h>
#include <simdjson.h>

#include <map>

#include "safe/safe.hpp"

using namespace chainward;
using namespace chainward::safe;

int main(int argc, char** argv) {
    if (argc != 2) {
        fmt::print(stderr, "usage: safe_vector_check VECTORS.json\n");
        return 2;
    }
    simdjson::dom::parser parser;
    simdjson::dom::array vectors;
    if (auto err = parser.load(argv[1]).get(vectors); err) {
        fmt::print(stderr, "{}: {}\n", argv[1], simdjson::error_message(err));
        return 2;
    }
    std::size_t n = 0, bad = 0;
    std::map<std::string, std::size_t> per_version;
    try {
        for (auto v : vectors) {
            auto s = [&](const char* k) { return std::string(std::string_view(v[k])); };
            SafeTx tx;
            tx.to = parse_address(s("to"));
            tx.value = parse_u256(s("value"));
            tx.data = parse_hex_bytes(s("data"));
            tx.operation = static_cast<Operation>(std::stoi(s("operation")));
            tx.safe_tx_gas = parse_u256(s("safeTxGas"));
            tx.base_gas = parse_u256(s("baseGas"));
            tx.gas_price = parse_u256(s("gasPrice"));
            tx.gas_token = parse_address(s("gasToken"));
            tx.refund_receiver = parse_address(s("refundReceiver"));
            tx.nonce = parse_u256(s("nonce"));
            const std::string version = s("version");
            TxHashes h = compute_hashes(tx, version_rules(version), parse_address(s("safe")),
                                        parse_u256(s("chainId")));
            ++n;
            ++per_version[version];
            bool ok = h.safe_tx_hash == parse_hash(s("safeTxHash")) && h.domain_hash == parse_hash(s("domainHash"));
            if (!ok) {
                ++bad;
                fmt::print(stderr, "MISMATCH {} vector {}: contract {} / {}, chainward {} / {}\n", version, n,
                           s("safeTxHash"), s("domainHash"), h.safe_tx_hash.hex(), h.domain_hash.hex());
            }
        }
    } catch (const std::exception& e) {
        fmt::print(stderr, "bad vector {}: {}\n", n + 1, e.what());
        return 2;
    }
    for (const auto& [v, count] : per_version) fmt::print("{}: {} vectors\n", v, count);
    fmt::print("{} vectors, {} mismatches\n", n, bad);
    return bad == 0 && n > 0 ? 0 : 1;
}
