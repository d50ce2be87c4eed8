// A JSON-RPC node as a source: batched requests over HTTP with timeouts, retries with backoff,
// and fallbacks for methods a node lacks. Part of src/eth (declared apart from eth.hpp because
// only the ingest command needs HTTP).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "eth/eth.hpp"

namespace chainward::eth {

struct RpcOptions {
    std::string url;                                  ///< http://host:port[/path]
    std::chrono::milliseconds timeout{30'000};        ///< per request
    int retries = 5;                                  ///< on connection errors, 429 and 5xx
    std::chrono::milliseconds backoff{200};           ///< doubled after each retry
    std::uint64_t blocks_per_request = 20;            ///< blocks per batch request
    bool traces = true;                               ///< fetch internal transfers
};

/// Which methods the node answered; reported to the user.
struct RpcMethods {
    std::string receipts = "eth_getBlockReceipts";  ///< or eth_getTransactionReceipt
    std::string traces = "debug_traceBlockByNumber";  ///< or trace_block, or none
};

/// The symbol in a token's symbol() answer: an ABI string (at most 64 bytes) or a bytes32 (early
/// tokens, NUL padding dropped); empty when the answer is neither.
std::string decode_symbol(std::span<const std::uint8_t> result);

class NodeSource {
public:
    explicit NodeSource(RpcOptions opt);
    ~NodeSource();
    std::uint64_t chain_id();
    std::uint64_t block_number();
    /// Fetches blocks [from, to] in batches and hands each response body (a JSON-RPC batch
    /// array) to `sink` with a name for messages; `sink` runs before the next batch is fetched.
    /// `range_done` runs after all responses of a range (blocks, receipts, traces) were handed to
    /// `sink`: only then are the range's blocks complete.
    void fetch(std::uint64_t from, std::uint64_t to,
               const std::function<void(std::string_view body, const std::string& name)>& sink,
               const std::function<void()>& range_done = {});
    const RpcMethods& methods() const { return methods_; }
    /// decimals() and symbol() of ERC-20 contracts by eth_call at the latest block; contracts
    /// that do not answer both are left out.
    std::map<Address, TokenInfo> token_metadata(const std::vector<Address>& contracts);
    /// One call; returns the raw `result` JSON text. Throws InputError with the node's message.
    std::string call(const std::string& method, const std::string& params_json);

private:
    std::string post(const std::string& body, const std::string& what);
    struct Impl;
    std::unique_ptr<Impl> impl_;
    RpcOptions opt_;
    RpcMethods methods_;
    bool methods_probed_ = false;
};

}  // namespace chainward::eth
