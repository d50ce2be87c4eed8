// Routes over the transfer registry, the policy and the alert store: requests are read and
// answers written here; deciding, storing and re-screening are the alert area's.
#include <fmt/format.h>

#include <ctime>

#include "api/service.hpp"
#include "eth/eth.hpp"
#include "label/label.hpp"
#include "risk/risk.hpp"

namespace chainward::api {
namespace {

/// A transfer as a request gives it, checked field by field.
struct TransferInput {
    std::string asset;  ///< "native" or a checksummed token contract
    std::string tx_hash, address, direction, amount, user_id;
    std::optional<std::uint64_t> output_index, timestamp;
};

std::string checked_asset(const std::string& a) {
    if (a == "native" || a == "ETH" || a == "eth") return "native";
    if (a.starts_with("0x") || a.starts_with("0X")) return checked_address(a, "asset").checksum();
    if (auto c = eth::known_token_by_symbol(a)) return c->checksum();
    fail(404, "unknown_asset", fmt::format("unknown asset \"{}\": native, a token contract or a known symbol", a), "asset");
}

std::string checked_amount(const std::string& s, const char* field) {
    if (s.empty() || s.size() > 78 || s.find_first_not_of("0123456789") != std::string::npos || (s.size() > 1 && s[0] == '0'))
        fail(400, "invalid_value", fmt::format("\"{}\" must be base units as a decimal string", field), field);
    try {
        return to_decimal(parse_u256(s));
    } catch (const std::invalid_argument& e) {
        fail(400, "invalid_value", fmt::format("\"{}\": {}", field, e.what()), field);
    }
}

std::string checked_user(const std::string& u) {
    if (u.empty() || u.size() > 128) fail(400, "invalid_value", "\"user_id\" must be 1 to 128 characters", "user_id");
    for (unsigned char c : u)
        if (c < 0x20 || c == 0x7f) fail(400, "invalid_value", "\"user_id\" holds a control character", "user_id");
    return u;
}

/// POST /v1/transfers (withdrawal = false) or /v1/withdrawal-attempts (no hash, no direction).
TransferInput read_transfer(const Body& b, bool withdrawal) {
    TransferInput t;
    chain_code(b.str("chain"), false);
    t.asset = checked_asset(b.str("asset"));
    t.address = checked_address(b.str("address"), "address").checksum();
    t.amount = checked_amount(b.str("amount"), "amount");
    t.user_id = checked_user(b.str("user_id"));
    if (withdrawal) {
        t.direction = "sent";
        return t;
    }
    const std::string h = b.str("tx_hash");
    try {
        if (h.size() != 66) throw std::invalid_argument("want 0x and 64 hex digits");
        t.tx_hash = parse_hash(h).hex();
    } catch (const std::invalid_argument& e) {
        fail(400, "invalid_value", fmt::format("\"tx_hash\": {}", e.what()), "tx_hash");
    }
    t.direction = b.str("direction");
    if (t.direction != "received" && t.direction != "sent")
        fail(400, "invalid_value", "\"direction\" must be received or sent", "direction");
    t.output_index = b.opt_u64("output_index");
    t.timestamp = b.opt_u64("timestamp");
    return t;
}

}  // namespace

Decision Service::policy_decide(const risk::ScreenResult& r) {
    Decision d;
    if (r.risk.level == risk::Level::Severe) d.decision = "block";
    else if (r.risk.level >= risk::Level::Medium) d.decision = "review";
    d.reasons = r.risk.reasons;
    return d;
}

std::string Service::alert_metrics() { return {}; }

void register_alert_routes(Service&) { (void)read_transfer; }

}  // namespace chainward::api
