// Routes over the store, labels and exposure: health, metrics, address screening, traces, labels.
#include <fmt/format.h>

#include "api/service.hpp"
#include "eth/eth.hpp"
#include "label/label.hpp"
#include "risk/risk.hpp"
#include "store/store.hpp"
#include "trace/trace.hpp"

namespace chainward::api {
namespace {

std::string asset_name(const AssetKey& k) { return eth::display_asset(k).name; }

std::string opt_block(const std::optional<std::uint64_t>& b) { return b ? std::to_string(*b) : "null"; }

HttpResponse healthz(Service& s, Call&) {
    const auto& snap = s.snapshot();
    std::optional<std::uint64_t> head = snap.store ? snap.store->last_block() : std::nullopt;
    std::optional<std::uint64_t> exp = snap.exposure ? snap.exposure->last_block() : std::nullopt;
    JsonWriter w;
    w.begin_object().kv("status", "ok");
    w.key("head_block").raw(opt_block(head));
    w.key("exposure_block").raw(opt_block(exp));
    // lag of the exposure behind the stored chain (blocks), when both are known
    if (head && exp) w.kv("exposure_lag_blocks", *head >= *exp ? *head - *exp : std::uint64_t{0});
    else w.key("exposure_lag_blocks").null();
    w.end_object();
    return json_response(200, w.take());
}

HttpResponse metrics(Service& s, Call&) {
    const auto& snap = s.snapshot();
    std::string extra;
    extra += "# HELP chainward_store_head_block Newest block in the transfer store.\n";
    extra += "# TYPE chainward_store_head_block gauge\n";
    if (snap.store && snap.store->last_block()) extra += fmt::format("chainward_store_head_block {}\n", *snap.store->last_block());
    extra += "# HELP chainward_exposure_block Newest block applied to the stored exposure.\n";
    extra += "# TYPE chainward_exposure_block gauge\n";
    if (snap.exposure && snap.exposure->last_block())
        extra += fmt::format("chainward_exposure_block {}\n", *snap.exposure->last_block());
    extra += s.alert_metrics();
    HttpResponse r;
    r.body = s.metrics().text(extra);
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
}

/// Labels, exposure, risk and decision of an address (the JSON of `screen --json` plus the
/// chain, the decision and its reasons).
HttpResponse address(Service& s, Call& c) {
    chain_code(c.params[0], true);
    const Address a = checked_address(c.params[1], "address");
    const auto& snap = s.snapshot();
    risk::ScreenResult r;
    r.address = a;
    if (snap.exposure) r = snap.exposure->screen(a);
    else r.risk = risk::assess({}, {});
    const Decision d = s.decide(r);
    s.metrics().decision(d.decision, risk::level_name(r.risk.level));
    std::string body = risk::screen_json(r, asset_name);
    while (!body.empty() && body.back() != '}') body.pop_back();
    body.pop_back();
    JsonWriter w;
    w.begin_object().kv("decision", d.decision).key("decision_reasons").begin_array();
    for (const auto& x : d.reasons) w.str(x);
    w.end_array().end_object();
    std::string tail = w.take();
    body += fmt::format(",\"chain\":\"ethereum\",\"exposure_block\":{},{}",
                        opt_block(snap.exposure ? snap.exposure->last_block() : std::nullopt), tail.substr(1));
    return json_response(200, std::move(body));
}

// ---- traces --------------------------------------------------------------------------------

HttpResponse traces(Service& s, Call& c) {
    Body b(c.req.body, {"sources", "model", "hops", "since", "until", "max_addresses", "through", "min_amount"});
    auto sources = b.opt_str_array("sources", 1000);
    if (!sources || sources->empty()) fail(400, "missing_field", "\"sources\" needs transaction hashes or addresses", "sources");
    const std::string model_name = b.opt_str("model").value_or("haircut");
    auto model = trace::model_from_name(model_name);
    if (!model) fail(400, "invalid_value", "\"model\" must be poison, haircut, fifo, lifo or tiho", "model");
    const auto& snap = s.snapshot();
    if (!snap.store) fail(409, "no_store", "the data dir holds no transfers yet");
    const auto& st = *snap.store;
    trace::StoreGraph g(st);
    trace::Options o;
    o.model = *model;
    if (auto h = b.opt_u64("hops")) {
        if (*h == 0 || *h > 1000) fail(400, "invalid_value", "\"hops\" must be 1..1000", "hops");
        o.max_hops = static_cast<std::uint32_t>(*h);
    }
    if (auto m = b.opt_u64("max_addresses")) {
        if (*m == 0) fail(400, "invalid_value", "\"max_addresses\" must be at least 1", "max_addresses");
        o.max_addresses = *m;
    }
    o.through_terminals = b.opt_bool("through").value_or(false);
    if (auto m = b.opt_str("min_amount")) {
        try {
            o.default_min_amount = parse_u256(*m);
        } catch (const std::invalid_argument& e) {
            fail(400, "invalid_value", fmt::format("\"min_amount\" (base units, decimal): {}", e.what()), "min_amount");
        }
    }
    auto point = [&](const char* field, bool until) -> std::optional<std::uint64_t> {
        auto v = b.opt_str(field);
        if (!v) return std::nullopt;
        try {
            return trace::parse_point(st, *v, field, until);
        } catch (const InputError& e) {
            fail(400, "invalid_value", e.what(), field);
        }
    };
    o.until_block = point("until", true);
    const std::uint64_t since = point("since", false).value_or(0);
    label::LabelSet labels;
    s.with_labels([&](label::LabelStore& ls) { labels = ls.label_set(); });
    o.roles = trace::roles_from_labels(g, labels);
    std::vector<Hash32> txs;
    for (std::size_t i = 0; i < sources->size(); ++i) {
        const std::string& x = (*sources)[i];
        const std::string field = fmt::format("sources[{}]", i);
        if (x.size() == 66) {
            try {
                txs.push_back(parse_hash(x));
            } catch (const std::invalid_argument& e) {
                fail(400, "invalid_value", fmt::format("\"{}\": {}", field, e.what()), field);
            }
        } else if (x.size() == 42) {
            auto id = st.find_address(checked_address(x, field));
            if (!id) fail(404, "unknown_address", fmt::format("\"{}\": {} is not in the store", field, x), field);
            o.source_addresses.push_back({*id, since});
        } else {
            fail(400, "invalid_value", fmt::format("\"{}\" must be a transaction hash (0x + 64 hex) or an address (0x + 40 hex)", field), field);
        }
    }
    if (!txs.empty()) {
        std::vector<Hash32> missing;
        o.source_transfers = trace::find_transactions(st, txs, &missing);
        if (!missing.empty()) {
            std::size_t i = 0;
            while ((*sources)[i].size() != 66 || parse_hash((*sources)[i]) != missing[0]) ++i;
            const std::string field = fmt::format("sources[{}]", i);
            fail(404, "unknown_transaction", fmt::format("\"{}\": no stored transfers with this hash", field), field);
        }
    }
    const auto result = trace::trace(g, o);
    trace::ReportContext ctx;
    ctx.graph = &g;
    ctx.labels = &labels;
    ctx.asset_info = [&](store::AssetId id) {
        AssetKey k = st.asset(id);
        auto d = eth::display_asset(k);
        return trace::AssetInfo{d.name, k.type == AssetType::Native ? std::string("native") : k.contract.checksum(), d.decimals};
    };
    return json_response(200, trace::report_json(result, ctx));
}

// ---- labels --------------------------------------------------------------------------------

std::string label_json(const label::Record& r) {
    JsonWriter w;
    w.begin_object().kv("id", static_cast<std::int64_t>(r.id)).kv("chain", r.chain == "eth" ? "ethereum" : r.chain);
    w.kv("address", r.chain == "eth" ? parse_address(r.address).checksum() : r.address);
    w.kv("category", r.category).kv("entity", r.entity).kv("source", r.source);
    w.kv("confidence", static_cast<std::int64_t>(r.confidence));
    w.key("valid_from");
    r.valid_from.set() ? w.str(r.valid_from.str()) : w.null();
    w.key("valid_to");
    r.valid_to.set() ? w.str(r.valid_to.str()) : w.null();
    w.kv("note", r.note).kv("listed", r.listed).end_object();
    return w.take();
}

bool same_identity(const label::Record& a, const label::Record& b) {
    return a.chain == b.chain && a.address == b.address && a.category == b.category && a.entity == b.entity &&
           a.source == b.source;
}

HttpResponse post_label(Service& s, Call& c) {
    Body b(c.req.body, {"chain", "address", "category", "entity", "source", "valid_from", "valid_to", "confidence", "note"});
    label::Record r;
    r.chain = chain_code(b.str("chain"), false);
    r.address = checked_address(b.str("address"), "address").hex();
    r.category = b.str("category");
    if (r.category.empty() || r.category.size() > 64 ||
        r.category.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
        fail(400, "invalid_value", "\"category\" must be a lowercase word (a-z, 0-9, _)", "category");
    r.entity = b.str("entity");
    r.source = b.str("source");
    if (r.entity.size() > 200) fail(400, "invalid_value", "\"entity\" is longer than 200 characters", "entity");
    if (r.source.empty() || r.source.size() > 100) fail(400, "invalid_value", "\"source\" must be 1 to 100 characters", "source");
    for (const char* f : {"valid_from", "valid_to"}) {
        if (auto v = b.opt_str(f)) {
            try {
                (std::string_view(f) == "valid_from" ? r.valid_from : r.valid_to) = label::Bound::parse(*v);
            } catch (const std::invalid_argument& e) {
                fail(400, "invalid_value", fmt::format("\"{}\": {}", f, e.what()), f);
            }
        }
    }
    if (r.valid_from.set() && r.valid_to.set() && r.valid_from.kind == r.valid_to.kind && r.valid_to.value <= r.valid_from.value)
        fail(400, "invalid_value", "\"valid_to\" must be after \"valid_from\"", "valid_to");
    if (auto conf = b.opt_u64("confidence")) {
        if (*conf > 100) fail(400, "invalid_value", "\"confidence\" must be 0..100", "confidence");
        r.confidence = static_cast<int>(*conf);
    }
    r.note = b.opt_str("note").value_or("");
    if (r.note.size() > 2000) fail(400, "invalid_value", "\"note\" is longer than 2000 characters", "note");
    label::Record stored;
    label::ImportResult res;
    s.with_labels([&](label::LabelStore& ls) {
        label::Batch batch;
        batch.records.push_back(r);
        res = ls.import(batch, r.source, "api", {"api key " + c.key.name}, false);
        for (const auto& x : ls.find(parse_address(r.address)))
            if (same_identity(x, r)) stored = x;
    });
    s.poke();  // exposure and re-screening follow within the refresh interval
    return json_response(res.added ? 201 : 200, label_json(stored));
}

HttpResponse delete_label(Service& s, Call& c) {
    std::int64_t id = 0;
    try {
        std::size_t used = 0;
        id = std::stoll(c.params[0], &used);
        if (used != c.params[0].size() || id <= 0) throw std::invalid_argument("id");
    } catch (const std::exception&) {
        fail(400, "invalid_value", "the label id must be a positive integer", "id");
    }
    std::optional<label::Record> target;
    s.with_labels([&](label::LabelStore& ls) {
        auto all = ls.list();
        for (const auto& x : all)
            if (x.id == id) target = x;
        if (!target || !target->listed) return;
        // A label is ended the way its source's next snapshot would end it: re-import the source's
        // listed labels without it (history records the end and the key that asked).
        label::Batch batch;
        for (const auto& x : all)
            if (x.source == target->source && x.listed && x.id != id) batch.records.push_back(x);
        ls.import(batch, target->source, "api", {"api key " + c.key.name + " deleted label " + std::to_string(id)}, true);
        for (const auto& x : ls.list())
            if (x.id == id) target = x;
    });
    if (!target) fail(404, "not_found", fmt::format("no label with id {}", id), "id");
    s.poke();
    return json_response(200, label_json(*target));
}

}  // namespace

Decision Service::decide(const risk::ScreenResult& r) { return policy_decide(r); }

void register_screen_routes(Service& s) {
    s.add("GET", "/healthz", std::nullopt, false, healthz);
    s.add("GET", "/metrics", std::nullopt, false, metrics);
    s.add("GET", "/v1/addresses/{chain}/{address}", Role::Read, false, address);
    s.add("POST", "/v1/traces", Role::Write, true, traces);
    s.add("POST", "/v1/labels", Role::Admin, true, post_label);
    s.add("DELETE", "/v1/labels/{id}", Role::Admin, true, delete_label);
}

}  // namespace chainward::api
