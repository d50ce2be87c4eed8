#include "eth/rpc.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <simdjson.h>

#include <thread>

#include "core/abi.hpp"
#include "core/core.hpp"

namespace chainward::eth {

struct NodeSource::Impl {
    std::string host_port, path;
    std::unique_ptr<httplib::Client> client;
};

NodeSource::NodeSource(RpcOptions opt) : impl_(std::make_unique<Impl>()), opt_(std::move(opt)) {
    const std::string& u = opt_.url;
    if (u.rfind("http://", 0) != 0)
        throw InputError("--rpc " + u + ": only http:// URLs are supported (run the node or a proxy on loopback)");
    auto rest = u.substr(7);
    auto slash = rest.find('/');
    impl_->host_port = "http://" + rest.substr(0, slash);
    impl_->path = slash == std::string::npos ? "/" : rest.substr(slash);
    impl_->client = std::make_unique<httplib::Client>(impl_->host_port);
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(opt_.timeout).count();
    auto usecs = std::chrono::duration_cast<std::chrono::microseconds>(opt_.timeout).count() % 1'000'000;
    impl_->client->set_connection_timeout(secs, usecs);
    impl_->client->set_read_timeout(secs, usecs);
    impl_->client->set_write_timeout(secs, usecs);
    impl_->client->set_keep_alive(true);
}

NodeSource::~NodeSource() = default;

std::string NodeSource::post(const std::string& body, const std::string& what) {
    auto wait = opt_.backoff;
    for (int attempt = 0;; ++attempt) {
        auto res = impl_->client->Post(impl_->path, body, "application/json");
        std::string problem;
        if (!res)
            problem = "connection failed (" + httplib::to_string(res.error()) + ")";
        else if (res->status == 429 || res->status >= 500)
            problem = fmt::format("HTTP {}", res->status);
        else if (res->status != 200)
            throw InputError(fmt::format("{} {}: HTTP {}: {}", opt_.url, what, res->status, res->body.substr(0, 200)));
        else
            return res->body;
        if (attempt >= opt_.retries)
            throw InputError(fmt::format("{} {}: {} after {} attempts", opt_.url, what, problem, attempt + 1));
        std::this_thread::sleep_for(wait);
        wait *= 2;
    }
}

std::string NodeSource::call(const std::string& method, const std::string& params_json) {
    std::string body = fmt::format(R"({{"jsonrpc":"2.0","id":1,"method":"{}","params":{}}})", method, params_json);
    std::string resp = post(body, method);
    simdjson::dom::parser p;
    simdjson::dom::element doc;
    if (p.parse(resp).get(doc)) throw InputError(opt_.url + " " + method + ": malformed JSON response");
    simdjson::dom::element err;
    if (doc["error"].get(err) == simdjson::SUCCESS && !err.is_null()) {
        std::string_view msg = "error";
        if (err["message"].get(msg)) msg = "error";
        throw InputError(fmt::format("{} {}: the node returned an error: {}", opt_.url, method, msg));
    }
    simdjson::dom::element r;
    if (doc["result"].get(r)) throw InputError(opt_.url + " " + method + ": response without result");
    return simdjson::minify(r);
}

std::uint64_t NodeSource::chain_id() {
    auto r = call("eth_chainId", "[]");
    return parse_u64(std::string_view(r).substr(1, r.size() - 2));
}

std::uint64_t NodeSource::block_number() {
    auto r = call("eth_blockNumber", "[]");
    return parse_u64(std::string_view(r).substr(1, r.size() - 2));
}

namespace {

bool method_missing(const std::string& resp) {
    // -32601 is "method not found"; nodes also answer "not supported"/"not available".
    simdjson::dom::parser p;
    simdjson::dom::element doc;
    if (p.parse(resp).get(doc)) return false;
    auto check = [](simdjson::dom::element e) {
        simdjson::dom::element err;
        if (e["error"].get(err) || err.is_null()) return false;
        int64_t code = 0;
        std::string_view msg;
        if (err["code"].get(code)) code = 0;
        if (err["message"].get(msg)) msg = "";
        bool unsupported = msg.find("not supported") != msg.npos || msg.find("not available") != msg.npos;
        bool method_not_found = msg.find("not found") != msg.npos && msg.find("method") != msg.npos;
        return code == -32601 || (code == -32000 && unsupported) || msg.find("does not exist") != msg.npos || method_not_found;
    };
    simdjson::dom::array a;
    if (doc.get(a) == simdjson::SUCCESS) {
        for (auto e : a)
            if (check(e)) return true;
        return false;
    }
    return check(doc);
}

std::string batch(const std::vector<std::pair<std::string, std::string>>& calls, int& id) {
    std::string b = "[";
    for (std::size_t i = 0; i < calls.size(); ++i)
        b += fmt::format(R"({}{{"jsonrpc":"2.0","id":{},"method":"{}","params":{}}})", i ? "," : "", id++, calls[i].first,
                         calls[i].second);
    return b + "]";
}

}  // namespace

void NodeSource::fetch(std::uint64_t from, std::uint64_t to,
                       const std::function<void(std::string_view, const std::string&)>& sink,
                       const std::function<void()>& range_done) {
    int id = 1;
    for (std::uint64_t lo = from; lo <= to; lo += opt_.blocks_per_request) {
        std::uint64_t hi = std::min(to, lo + opt_.blocks_per_request - 1);
        std::string range = fmt::format("{} blocks {}..{}", opt_.url, lo, hi);
        std::vector<std::pair<std::string, std::string>> blocks;
        for (auto n = lo; n <= hi; ++n) blocks.emplace_back("eth_getBlockByNumber", fmt::format(R"(["0x{:x}",true])", n));
        std::string blocks_body = post(batch(blocks, id), "eth_getBlockByNumber");
        sink(blocks_body, range + " eth_getBlockByNumber");

        // Receipts: whole blocks where the node can, else one transaction at a time.
        std::vector<std::pair<std::string, std::string>> rc;
        if (methods_.receipts == "eth_getBlockReceipts") {
            for (auto n = lo; n <= hi; ++n) rc.emplace_back("eth_getBlockReceipts", fmt::format(R"(["0x{:x}"])", n));
            std::string body = post(batch(rc, id), "eth_getBlockReceipts");
            if (!method_missing(body)) {
                sink(body, range + " eth_getBlockReceipts");
                rc.clear();
            } else {
                methods_.receipts = "eth_getTransactionReceipt";
                rc.clear();
            }
        }
        if (methods_.receipts == "eth_getTransactionReceipt") {
            simdjson::dom::parser p;
            simdjson::dom::element doc;
            if (p.parse(blocks_body).get(doc)) throw InputError(range + ": malformed JSON response");
            for (auto env : doc.get_array()) {
                simdjson::dom::array txs;
                if (env["result"]["transactions"].get(txs)) continue;
                for (auto tx : txs) {
                    std::string_view h;
                    if (tx["hash"].get(h) == simdjson::SUCCESS)
                        rc.emplace_back("eth_getTransactionReceipt", fmt::format(R"(["{}"])", h));
                }
            }
            if (!rc.empty()) sink(post(batch(rc, id), "eth_getTransactionReceipt"), range + " eth_getTransactionReceipt");
        }

        if (!opt_.traces) {
            methods_.traces = "none (--no-traces)";
            if (range_done) range_done();
            continue;
        }
        for (;;) {
            std::vector<std::pair<std::string, std::string>> tc;
            if (methods_.traces == "debug_traceBlockByNumber") {
                for (auto n = lo; n <= hi; ++n)
                    tc.emplace_back("debug_traceBlockByNumber", fmt::format(R"(["0x{:x}",{{"tracer":"callTracer"}}])", n));
            } else if (methods_.traces == "trace_block") {
                for (auto n = lo; n <= hi; ++n) tc.emplace_back("trace_block", fmt::format(R"(["0x{:x}"])", n));
            } else {
                break;
            }
            std::string body = post(batch(tc, id), methods_.traces);
            if (method_missing(body)) {
                methods_.traces = methods_.traces == "debug_traceBlockByNumber" ? "trace_block" : "none";
                continue;
            }
            sink(body, range + " " + methods_.traces);
            break;
        }
        if (range_done) range_done();
    }
}

std::string decode_symbol(std::span<const std::uint8_t> result) {
    std::span<const std::uint8_t> text;
    if (result.size() == 32) {  // bytes32 symbol (early tokens)
        text = result;
    } else if (result.size() >= 64) {  // ABI string: offset, length, bytes
        try {
            text = abi::Reader(result, "symbol() result").bytes_at(0);
        } catch (const InputError&) {
            return {};  // malformed answer: no metadata
        }
        if (text.size() > 64) return {};
    }
    // Any contract chooses its symbol: control characters (terminal escapes, new lines, NULs)
    // are dropped so that a token cannot rewrite the tables and logs that print it.
    std::string symbol;
    for (auto c : text)
        if (c >= 0x20 && c != 0x7f) symbol += static_cast<char>(c);
    return symbol;
}

std::map<Address, TokenInfo> NodeSource::token_metadata(const std::vector<Address>& contracts) {
    std::map<Address, TokenInfo> out;
    int id = 1;
    for (std::size_t lo = 0; lo < contracts.size(); lo += 50) {
        std::vector<std::pair<std::string, std::string>> calls;
        std::size_t hi = std::min(contracts.size(), lo + 50);
        for (std::size_t i = lo; i < hi; ++i)
            for (const char* sel : {"0x313ce567", "0x95d89b41"})  // decimals(), symbol()
                calls.emplace_back("eth_call", fmt::format(R"([{{"to":"{}","data":"{}"}},"latest"])", contracts[i].hex(), sel));
        int first = id;
        std::string body = post(batch(calls, id), "eth_call");
        simdjson::dom::parser p;
        simdjson::dom::array arr;
        if (p.parse(body).get(arr)) continue;
        std::map<std::int64_t, std::string> results;  // batch answers may come in any order
        for (auto e : arr) {
            std::int64_t rid;
            std::string_view r;
            if (!e["id"].get(rid) && !e["result"].get(r)) results[rid] = std::string(r);
        }
        for (std::size_t i = lo; i < hi; ++i) {
            auto dec = results.find(first + 2 * static_cast<int>(i - lo));
            auto sym = results.find(first + 2 * static_cast<int>(i - lo) + 1);
            if (dec == results.end() || sym == results.end()) continue;
            try {
                auto d = parse_hex_bytes(dec->second), s = parse_hex_bytes(sym->second);
                if (d.size() != 32 || u256_from_be(d) > 77) continue;
                std::string symbol = decode_symbol(s);
                if (!symbol.empty()) out[contracts[i]] = TokenInfo{symbol, static_cast<unsigned>(u256_from_be(d))};
            } catch (const std::invalid_argument&) {
                continue;  // not an ERC-20 answer: no metadata
            }
        }
    }
    return out;
}

}  // namespace chainward::eth
