// Reads a Safe's facts from a JSON-RPC node: chain id, VERSION(), getOwners(), getThreshold(),
// nonce(), each a plain eth_call.
#include <fmt/core.h>
#include <httplib.h>
#include <simdjson.h>

#include "safe/abi.hpp"
#include "safe/rpc_internal.hpp"

namespace chainward::safe {

namespace detail {

RpcClient::RpcClient(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) throw InputError(fmt::format("rpc: URL '{}' has no scheme", url));
    auto slash = url.find('/', scheme + 3);
    base_ = url.substr(0, slash);
    path_ = slash == std::string::npos ? "/" : url.substr(slash);
    client_ = std::make_unique<httplib::Client>(base_);
    client_->set_connection_timeout(10);
    client_->set_read_timeout(60);
}

RpcClient::~RpcClient() = default;

std::string RpcClient::call_json(const std::string& method, const std::string& params) {
    std::string body =
        fmt::format(R"({{"jsonrpc":"2.0","id":{},"method":"{}","params":{}}})", ++id_, method, params);
    auto res = client_->Post(path_, body, "application/json");
    if (!res) throw InputError(fmt::format("rpc: {} {}: {}", base_, method, httplib::to_string(res.error())));
    if (res->status != 200) throw InputError(fmt::format("rpc: {} {}: HTTP {}", base_, method, res->status));
    simdjson::dom::parser parser;
    simdjson::padded_string padded(res->body);
    simdjson::dom::element doc;
    if (parser.parse(padded).get(doc) != simdjson::SUCCESS)
        throw InputError(fmt::format("rpc: {}: answer is not JSON", method));
    simdjson::dom::element err;
    if (doc["error"].get(err) == simdjson::SUCCESS && !err.is_null())
        throw InputError(fmt::format("rpc: {}: node error {}", method, simdjson::to_string(err)));
    simdjson::dom::element result;
    if (doc["result"].get(result) != simdjson::SUCCESS)
        throw InputError(fmt::format("rpc: {}: answer has no result", method));
    return simdjson::to_string(result);
}

std::string RpcClient::call(const std::string& method, const std::string& params) {
    std::string json = call_json(method, params);
    if (json.size() < 2 || json.front() != '"' || json.back() != '"')
        throw InputError(fmt::format("rpc: {}: result is not a string", method));
    return json.substr(1, json.size() - 2);
}

ByteVec RpcClient::eth_call(const Address& to, std::string_view signature) {
    auto params = fmt::format(R"([{{"to":"{}","data":"{}"}},"latest"])", to.hex(), abi::selector_hex(signature));
    std::string r = call("eth_call", params);
    try {
        return parse_hex_bytes(r);
    } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("rpc: eth_call {}: {}", signature, e.what()));
    }
}

}  // namespace detail

SafeState read_safe_state(const std::string& rpc_url, const Address& safe) {
    detail::RpcClient rpc(rpc_url);
    SafeState s;
    try {
        s.chain_id = parse_u256(rpc.call("eth_chainId", "[]"));
    } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("rpc: eth_chainId: {}", e.what()));
    }
    ByteVec version = rpc.eth_call(safe, "VERSION()");
    if (version.empty())
        throw InputError(fmt::format("rpc: {} answers no VERSION(): is it a Safe?", safe.checksum()));
    {
        abi::Reader r(version, "VERSION() result");
        auto b = r.bytes_at(0);  // a string is encoded like bytes
        s.version = std::string(b.begin(), b.end());
    }
    {
        ByteVec owners = rpc.eth_call(safe, "getOwners()");
        abi::Reader r(owners, "getOwners() result");
        auto a = r.array_at(0);
        if (a.count > 1000) throw InputError("rpc: getOwners() returned an implausible owner count");
        std::vector<Address> list;
        for (std::size_t i = 0; i < a.count; ++i) list.push_back(r.address_at(a.first + 32 * i));
        s.owners = std::move(list);
    }
    ByteVec t = rpc.eth_call(safe, "getThreshold()");
    s.threshold = abi::Reader(t, "getThreshold() result").uint_at(0);
    ByteVec n = rpc.eth_call(safe, "nonce()");
    s.nonce = abi::Reader(n, "nonce() result").uint_at(0);
    return s;
}

}  // namespace chainward::safe
