// Trace reports: terminal table, JSON (schema in docs/tracing.md), CSV and Graphviz DOT.
#include <set>

#include <fmt/format.h>

#include "trace/trace.hpp"

namespace chainward::trace {

namespace {

/// "path":[…],"path_hops":N,"path_omitted":K — the steps, oldest first; K steps cut after the
/// first half of a path longer than the cap (docs/tracing.md "Paths").
template <class C>
std::string path_json(const C& x, const Path& p) {
    std::string s = ",\"path\":[";
    for (std::size_t i = 0; i < p.steps.size(); ++i)
        s += fmt::format("{}{{\"from\":\"{}\",\"to\":\"{}\",\"block\":{},\"tx\":\"{}\"}}", i ? "," : "", x.addr(p.steps[i].from),
                         x.addr(p.steps[i].to), p.steps[i].transfer.block, x.tx(p.steps[i].transfer));
    return s + fmt::format("],\"path_hops\":{},\"path_omitted\":{}", p.hops, p.omitted);
}

template <class C>
std::string path_text(const C& x, const Path& p) {
    std::string s;
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
        if (p.omitted && i == p.cut_at) s += fmt::format("  … {} steps omitted ({} in all) …\n", p.omitted, p.hops);
        s += fmt::format("  {} -> {}  block {} tx {}\n", x.addr(p.steps[i].from), x.addr(p.steps[i].to), p.steps[i].transfer.block,
                         x.tx(p.steps[i].transfer));
    }
    return s;
}

/// ,"set_aside":[{"asset","asset_name","reason"}…] (without its closing bracket: callers go on
/// with the next array)
template <class C>
std::string set_aside_json(const C& x, const std::vector<AssetId>& v) {
    std::string s = ",\"set_aside\":[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        AssetInfo ai = x.info(v[i]);
        s += fmt::format("{}{{\"asset\":\"{}\",\"asset_name\":\"{}\",\"reason\":\"a sum of its amounts passes 2^256 - 1\"}}", i ? "," : "",
                         ai.json_asset, json_escape(ai.name));
    }
    return s;
}

/// DOT edges of a path; a cut path's gap is one dashed edge.
void path_edges(const Path& p, std::set<std::pair<AddressId, AddressId>>& edges, std::set<std::pair<AddressId, AddressId>>& gaps,
                std::set<AddressId>& nodes) {
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
        const auto& st = p.steps[i];
        edges.insert({st.from, st.to});
        nodes.insert(st.from);
        nodes.insert(st.to);
        if (p.omitted && i == p.cut_at) gaps.insert({p.steps[i - 1].to, st.from});
    }
}

struct Ctx {
    const Result& r;
    const ReportContext& c;

    AssetInfo info(AssetId a) const {
        if (c.asset_info) return c.asset_info(a);
        AssetInfo i;
        AssetKey k = c.graph->asset(a);
        i.json_asset = k.type == AssetType::Native ? "native" : k.contract.checksum();
        i.name = k.type == AssetType::Native ? "ETH" : k.contract.checksum();
        i.decimals = k.type == AssetType::Native ? 18 : 0;
        return i;
    }
    label::Label label_of(AddressId a, Role role) const {
        if (!c.labels || a == store::kNoAddress) return {};  // unwraps are held by no address
        const auto* ls = c.labels->find(c.graph->address(a));
        if (!ls || ls->empty()) return {};
        for (const auto& l : *ls)
            if (role != Role::Plain && role_of_category(l.category) == role) return l;
        return ls->front();
    }
    std::string addr(AddressId a) const { return a == store::kNoAddress ? "none" : c.graph->address(a).checksum(); }
    std::string tx(const TransferRef& t) const {
        if (t.tx_index == kBlockLevelTx) return "";
        return c.graph->tx_hash(t).hex();
    }
    U256 base(AssetId a) const {
        auto it = r.totals.find(a);
        return it == r.totals.end() ? U256(0) : it->second.traced + it->second.converted_in;
    }
    double share(const Holding& h) const {
        U256 b = base(h.asset);
        if (b == 0) return 0;
        return static_cast<double>(h.amount.convert_to<long double>() / b.convert_to<long double>());
    }
    std::string human(const U256& v, AssetId a) const {
        AssetInfo i = info(a);
        return format_units(v, i.decimals) + " " + i.name;
    }
};

/// The cross-chain exit the first tainted arrival's transaction declares, if any: only at a
/// freeze point that is the bridge which emitted the note (any contract can emit a decoy
/// event), and only a known router's or an address labelled `bridge`.
std::optional<CrossChainExit> exit_of(const Ctx& x, const Holding& h) {
    if (h.role != Role::Terminal || h.first.tx_index == kBlockLevelTx) return std::nullopt;
    const Address at = x.c.graph->address(h.address);
    if (!known_exit_router(at) && !(x.c.labels && x.c.labels->find(at, "bridge"))) return std::nullopt;
    for (const auto& n : x.c.graph->tx_notes(h.first))
        if (auto e = parse_exit_note(n); e && e->bridge == at) return e;
    return std::nullopt;
}

const char* role_name(Role r) { return r == Role::Terminal ? "terminal" : r == Role::Converter ? "converter" : "plain"; }

std::string holding_json(const Ctx& x, const Holding& h, bool with_path) {
    AssetInfo ai = x.info(h.asset);
    AssetKey k = x.c.graph->asset(h.asset);
    label::Label l = x.label_of(h.address, h.role);
    std::string s = fmt::format(
        "{{\"address\":\"{}\",\"entity\":\"{}\",\"category\":\"{}\",\"role\":\"{}\",\"asset\":\"{}\",\"asset_name\":\"{}\"{},"
        "\"amount\":\"{}\",\"amount_human\":\"{}\",\"share\":{:.9f},\"hop\":{},\"first_block\":{},\"first_tx\":\"{}\",\"arrivals\":{}",
        x.addr(h.address), json_escape(l.entity), json_escape(l.category), role_name(h.role), ai.json_asset, json_escape(ai.name),
        k.type == AssetType::Erc721 || k.type == AssetType::Erc1155 ? fmt::format(",\"token_id\":\"{}\"", to_decimal(k.token_id)) : "",
        to_decimal(h.amount), format_units(h.amount, ai.decimals), x.share(h), h.hop, h.first.block, x.tx(h.first), h.arrivals);
    if (auto e = exit_of(x, h))
        s += fmt::format(",\"exit\":{{\"protocol\":\"{}\",\"chain\":\"{}\",\"address\":\"{}\",\"memo\":\"{}\"}}", json_escape(e->protocol),
                         json_escape(e->chain), json_escape(e->address), json_escape(e->memo));
    if (with_path) s += path_json(x, x.r.path(h));
    return s + "}";
}

}  // namespace

std::string report_json(const Result& r, const ReportContext& c) {
    Ctx x{r, c};
    std::string s = fmt::format("{{\"model\":\"{}\",\"last_block\":{},\"limits\":{{\"hops\":{},\"max_addresses\":{},\"until\":{},\"min_amount\":{}}}",
                                model_name(r.model), r.last_block ? std::to_string(*r.last_block) : "null", r.limits.hops,
                                r.limits.max_addresses, r.limits.until, r.limits.min_amount);
    std::vector<AddressId> src(r.sources.begin(), r.sources.end());
    std::sort(src.begin(), src.end());
    s += ",\"sources\":[";
    for (std::size_t i = 0; i < src.size(); ++i) s += fmt::format("{}\"{}\"", i ? "," : "", x.addr(src[i]));
    s += "],\"totals\":[";
    bool first = true;
    for (const auto& [a, t] : r.totals) {
        AssetInfo ai = x.info(a);
        s += fmt::format(
            "{}{{\"asset\":\"{}\",\"asset_name\":\"{}\",\"traced\":\"{}\",\"converted_in\":\"{}\",\"contaminated\":\"{}\",\"at_rest\":\"{}\","
            "\"fees\":\"{}\",\"burnt\":\"{}\",\"terminals\":\"{}\",\"converted_out\":\"{}\",\"below_threshold\":\"{}\",\"beyond_limits\":\"{}\","
            "\"shortfall\":\"{}\",\"balanced\":{}}}",
            first ? "" : ",", ai.json_asset, json_escape(ai.name), to_decimal(t.traced), to_decimal(t.converted_in), to_decimal(t.contaminated),
            to_decimal(t.at_rest), to_decimal(t.fees), to_decimal(t.burnt), to_decimal(t.terminals), to_decimal(t.converted_out),
            to_decimal(t.below_threshold), to_decimal(t.beyond_limits), to_decimal(t.shortfall), t.balanced());
        first = false;
    }
    s += "]" + set_aside_json(x, r.set_aside);
    auto arr = [&](const char* name, const std::vector<Holding>& v, bool path) {
        s += fmt::format("],\"{}\":[", name);
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + holding_json(x, v[i], path);
    };
    arr("freeze_points", r.freeze_points, true);
    arr("at_rest", r.at_rest, true);
    arr("converted", r.converted, false);
    arr("frontier", r.frontier, false);
    s += fmt::format(
        "],\"stats\":{{\"transfers_visited\":{},\"transfers_loaded\":{},\"addresses_followed\":{},\"unsettled_transactions\":{},"
        "\"trace_seconds\":{:.6f}}}}}\n",
        r.stats.transfers_visited, r.stats.transfers_loaded, r.stats.addresses_followed, r.stats.unsettled_transactions, r.stats.seconds);
    return s;
}

std::string report_csv(const Result& r, const ReportContext& c) {
    Ctx x{r, c};
    std::string s =
        "section,address,entity,category,asset,asset_name,amount,amount_human,share,hop,first_block,first_tx,arrivals,exit_chain,exit_address\n";
    auto rows = [&](const char* sec, const std::vector<Holding>& v) {
        for (const auto& h : v) {
            AssetInfo ai = x.info(h.asset);
            label::Label l = x.label_of(h.address, h.role);
            auto e = exit_of(x, h);
            s += fmt::format("{},{},{},{},{},{},{},{},{:.9f},{},{},{},{},{},{}\n", sec, x.addr(h.address), csv_quote(l.entity),
                             csv_quote(l.category), ai.json_asset, csv_quote(ai.name), to_decimal(h.amount), format_units(h.amount, ai.decimals),
                             x.share(h), h.hop, h.first.block, x.tx(h.first), h.arrivals, e ? csv_quote(e->chain) : "",
                             e ? csv_quote(e->address) : "");
        }
    };
    rows("freeze_point", r.freeze_points);
    rows("at_rest", r.at_rest);
    rows("converted", r.converted);
    rows("frontier", r.frontier);
    return s;
}

std::string report_text(const Result& r, const ReportContext& c) {
    Ctx x{r, c};
    std::string s = fmt::format("trace model {}, up to block {}\n", model_name(r.model), r.last_block ? std::to_string(*r.last_block) : "-");
    if (r.limits.any())
        s += fmt::format("LIMITS HIT:{}{}{}{}\n", r.limits.hops ? " hops" : "", r.limits.max_addresses ? " max-addresses" : "",
                         r.limits.until ? " until" : "", r.limits.min_amount ? " min-amount" : "");
    for (AssetId a : r.set_aside)
        s += fmt::format("SET ASIDE: {} (a sum of its amounts passes 2^256 - 1: a fake token's); every other asset is traced\n", x.info(a).name);
    s += "\nper asset                 traced   at rest   terminals   converted out   fees   below/beyond\n";
    for (const auto& [a, t] : r.totals) {
        AssetInfo ai = x.info(a);
        s += fmt::format("  {:<12} traced {} (+{} converted in{}), at rest {}, terminals {}, converted out {}, fees {}, below {}, beyond {}{}\n",
                         ai.name, format_units(t.traced, ai.decimals), format_units(t.converted_in, ai.decimals),
                         r.model == Model::Poison ? ", +" + format_units(t.contaminated, ai.decimals) + " absorbed" : "",
                         format_units(t.at_rest, ai.decimals), format_units(t.terminals, ai.decimals), format_units(t.converted_out, ai.decimals),
                         format_units(t.fees, ai.decimals), format_units(t.below_threshold, ai.decimals), format_units(t.beyond_limits, ai.decimals),
                         t.balanced() ? "" : "  UNBALANCED");
    }
    auto table = [&](const char* title, const std::vector<Holding>& v) {
        s += fmt::format("\n{} ({}):\n", title, v.size());
        s += fmt::format("  {:<42} {:<24} {:<16} {:>28} {:>8} {:>4} {:>9}  {}\n", "address", "entity", "category", "amount", "share", "hop",
                         "block", "first tx");
        for (std::size_t i = 0; i < v.size() && i < c.top; ++i) {
            const Holding& h = v[i];
            label::Label l = x.label_of(h.address, h.role);
            s += fmt::format("  {:<42} {:<24} {:<16} {:>28} {:>7.3f}% {:>4} {:>9}  {}\n", x.addr(h.address), l.entity.substr(0, 24),
                             l.category.substr(0, 16), x.human(h.amount, h.asset), 100 * x.share(h), h.hop, h.first.block, x.tx(h.first));
            if (auto e = exit_of(x, h))
                s += fmt::format("  {:<42} exits via {} to {} {}\n", "", e->protocol, e->chain.empty() ? "?" : e->chain,
                                 e->address.empty() ? "(memo: " + e->memo + ")" : e->address);
        }
        if (v.size() > c.top) s += fmt::format("  … {} more (use --json or --csv for all)\n", v.size() - c.top);
    };
    table("freeze points (terminals reached)", r.freeze_points);
    table("at rest", r.at_rest);
    if (!r.converted.empty()) table("paid into converters (swapped or absorbed)", r.converted);
    if (!r.frontier.empty()) table("stopped by a limit", r.frontier);
    if (!r.freeze_points.empty()) {
        s += "\npath to the largest freeze point:\n";
        s += path_text(x, r.path(r.freeze_points.front()));
    }
    s += fmt::format("\n{} transfers visited ({} read), {} addresses followed in {:.3f} s\n", r.stats.transfers_visited,
                     r.stats.transfers_loaded, r.stats.addresses_followed, r.stats.seconds);
    return s;
}

std::string report_dot(const Result& r, const ReportContext& c) {
    Ctx x{r, c};
    // Edges of the explaining paths of the largest holdings, until the edge budget is spent; the
    // rest of the flow is collapsed into one "other" node per kind.
    std::set<std::pair<AddressId, AddressId>> edges, gaps;
    std::set<AddressId> nodes;
    U256 other_fp = 0, other_rest = 0;
    auto add = [&](const Holding& h, U256& other) {
        Path p = r.path(h);
        if (edges.size() + p.steps.size() > c.dot_max_edges) {
            other += h.amount;
            return;
        }
        path_edges(p, edges, gaps, nodes);
        nodes.insert(h.address);
    };
    for (const auto& h : r.freeze_points) add(h, other_fp);
    for (const auto& h : r.at_rest) add(h, other_rest);
    std::string s = fmt::format("digraph trace {{\n  rankdir=LR;\n  node [shape=box,fontname=\"monospace\",fontsize=9];\n  label=\"chainward trace ({})\";\n",
                                model_name(r.model));
    std::map<AddressId, std::string> amount_of;
    for (const auto& h : r.freeze_points) amount_of[h.address] += "\\n" + json_escape(x.human(h.amount, h.asset));
    for (const auto& h : r.at_rest) amount_of[h.address] += "\\n" + json_escape(x.human(h.amount, h.asset));
    for (AddressId a : nodes) {
        Role role = Role::Plain;
        if (auto it = std::find_if(r.freeze_points.begin(), r.freeze_points.end(), [&](const Holding& h) { return h.address == a; });
            it != r.freeze_points.end())
            role = it->role;
        label::Label l = x.label_of(a, role);
        std::string lab = x.addr(a).substr(0, 10) + "…";
        if (!l.entity.empty()) lab += "\\n" + json_escape(l.entity) + " (" + json_escape(l.category) + ")";
        if (auto it = amount_of.find(a); it != amount_of.end()) lab += it->second;  // escaped when built
        const char* style = role == Role::Terminal ? ",style=filled,fillcolor=\"#f4cccc\"" : r.sources.contains(a) ? ",style=filled,fillcolor=\"#fff2cc\"" : "";
        s += fmt::format("  a{} [label=\"{}\"{}];\n", a, lab, style);
    }
    for (const auto& [f, t] : edges) s += fmt::format("  a{} -> a{};\n", f, t);
    for (const auto& [f, t] : gaps) s += fmt::format("  a{} -> a{} [style=dashed,label=\"path cut\"];\n", f, t);
    if (other_fp > 0 || other_rest > 0) s += "  other [label=\"smaller branches collapsed\",shape=note];\n";
    s += "}\n";
    return s;
}

// ---- backward reports ------------------------------------------------------------------------

namespace {

struct BCtx {
    const BackwardResult& r;
    const ReportContext& c;
    AssetInfo info(AssetId a) const {
        static const Result empty;
        return Ctx{empty, c}.info(a);
    }
    label::Label label_of(AddressId a, Role role) const {
        static const Result empty;
        return Ctx{empty, c}.label_of(a, role);
    }
    std::string addr(AddressId a) const { return a == store::kNoAddress ? "none" : c.graph->address(a).checksum(); }
    std::string tx(const TransferRef& t) const {
        if (t.tx_index == kBlockLevelTx) return "";
        return c.graph->tx_hash(t).hex();
    }
    double share(const BackwardOrigin& o) const {
        auto it = r.totals.find(o.asset);
        if (it == r.totals.end()) return 0;
        U256 b = it->second.traced + it->second.converted_in;
        if (b == 0) return 0;
        return static_cast<double>(o.amount.convert_to<long double>() / b.convert_to<long double>());
    }
    std::string human(const U256& v, AssetId a) const {
        AssetInfo i = info(a);
        return format_units(v, i.decimals) + " " + i.name;
    }
    /// Horizon origins carry a synthetic transfer (no transaction).
    std::string first_tx(const BackwardOrigin& o) const { return o.kind == OriginKind::Horizon ? "" : tx(o.first); }
};

}  // namespace

std::string report_json(const BackwardResult& r, const ReportContext& c) {
    BCtx x{r, c};
    std::string s = fmt::format(
        "{{\"direction\":\"backward\",\"model\":\"{}\",\"horizon_block\":{},\"limits\":{{\"hops\":{},\"max_addresses\":{},\"until\":{},"
        "\"min_amount\":{}}},\"targets\":[",
        model_name(r.model), r.horizon_block ? std::to_string(*r.horizon_block) : "null", r.limits.hops, r.limits.max_addresses, r.limits.until,
        r.limits.min_amount);
    for (std::size_t i = 0; i < r.targets.size(); ++i) s += fmt::format("{}\"{}\"", i ? "," : "", x.addr(r.targets[i]));
    s += "],\"totals\":[";
    bool first = true;
    for (const auto& [a, t] : r.totals) {
        AssetInfo ai = x.info(a);
        s += fmt::format(
            "{}{{\"asset\":\"{}\",\"asset_name\":\"{}\",\"traced\":\"{}\",\"converted_in\":\"{}\",\"created\":\"{}\",\"labelled\":\"{}\","
            "\"fees\":\"{}\",\"converters\":\"{}\",\"sources\":\"{}\",\"horizon\":\"{}\",\"frontier\":\"{}\",\"below_threshold\":\"{}\","
            "\"unexplained\":\"{}\",\"converted_out\":\"{}\",\"balanced\":{}}}",
            first ? "" : ",", ai.json_asset, json_escape(ai.name), to_decimal(t.traced), to_decimal(t.converted_in), to_decimal(t.created),
            to_decimal(t.labelled), to_decimal(t.fees), to_decimal(t.converters), to_decimal(t.sources), to_decimal(t.horizon),
            to_decimal(t.frontier), to_decimal(t.below_threshold), to_decimal(t.unexplained), to_decimal(t.converted_out),
            r.model == Model::Poison ? "null" : (t.balanced() ? "true" : "false"));
        first = false;
    }
    s += "]" + set_aside_json(x, r.set_aside);
    s += "],\"origins\":[";
    for (std::size_t i = 0; i < r.origins.size(); ++i) {
        const BackwardOrigin& o = r.origins[i];
        AssetInfo ai = x.info(o.asset);
        AssetKey k = c.graph->asset(o.asset);
        label::Label l = x.label_of(o.address, o.role);
        s += fmt::format(
            "{}{{\"kind\":\"{}\",\"address\":\"{}\",\"entity\":\"{}\",\"category\":\"{}\",\"role\":\"{}\",\"asset\":\"{}\",\"asset_name\":\"{}\"{},"
            "\"amount\":\"{}\",\"amount_human\":\"{}\",\"share\":{:.9f},\"hop\":{},\"block\":{},\"tx\":\"{}\",\"arrivals\":{}",
            i ? "," : "", origin_kind_name(o.kind), x.addr(o.address), json_escape(l.entity), json_escape(l.category), role_name(o.role), ai.json_asset,
            json_escape(ai.name),
            k.type == AssetType::Erc721 || k.type == AssetType::Erc1155 ? fmt::format(",\"token_id\":\"{}\"", to_decimal(k.token_id)) : "",
            to_decimal(o.amount), format_units(o.amount, ai.decimals), x.share(o), o.hop, o.first.block, x.first_tx(o), o.arrivals);
        s += path_json(x, r.path(o)) + "}";
    }
    s += fmt::format("],\"stats\":{{\"transfers_visited\":{},\"transfers_loaded\":{},\"addresses_followed\":{},\"trace_seconds\":{:.6f}}}}}\n",
                     r.stats.transfers_visited, r.stats.transfers_loaded, r.stats.addresses_followed, r.stats.seconds);
    return s;
}

std::string report_csv(const BackwardResult& r, const ReportContext& c) {
    BCtx x{r, c};
    std::string s = "kind,address,entity,category,asset,asset_name,amount,amount_human,share,hop,block,tx,arrivals\n";
    for (const auto& o : r.origins) {
        AssetInfo ai = x.info(o.asset);
        label::Label l = x.label_of(o.address, o.role);
        s += fmt::format("{},{},{},{},{},{},{},{},{:.9f},{},{},{},{}\n", origin_kind_name(o.kind), x.addr(o.address), csv_quote(l.entity),
                         csv_quote(l.category), ai.json_asset, csv_quote(ai.name), to_decimal(o.amount), format_units(o.amount, ai.decimals),
                         x.share(o), o.hop, o.first.block, x.first_tx(o), o.arrivals);
    }
    return s;
}

std::string report_text(const BackwardResult& r, const ReportContext& c) {
    BCtx x{r, c};
    std::string s = fmt::format("backward trace model {}, holdings at the end of block {}\n", model_name(r.model),
                                r.horizon_block ? std::to_string(*r.horizon_block) : "-");
    for (AddressId a : r.targets) s += "  target " + x.addr(a) + "\n";
    if (r.limits.hops || r.limits.max_addresses || r.limits.min_amount)
        s += fmt::format("LIMITS HIT:{}{}{}\n", r.limits.hops ? " hops" : "", r.limits.max_addresses ? " max-addresses" : "",
                         r.limits.min_amount ? " min-amount" : "");
    s += "\nper asset:\n";
    for (const auto& [a, t] : r.totals) {
        AssetInfo ai = x.info(a);
        auto f = [&](const U256& v) { return format_units(v, ai.decimals); };
        s += fmt::format("  {:<12} traced {} (+{} converted in): created {}, labelled {}, fees {}, converters {}, sources {}, horizon {}, "
                         "frontier {}, below {}, unexplained {}, converted out {}{}\n",
                         ai.name, f(t.traced), f(t.converted_in), f(t.created), f(t.labelled), f(t.fees), f(t.converters), f(t.sources),
                         f(t.horizon), f(t.frontier), f(t.below_threshold), f(t.unexplained), f(t.converted_out),
                         r.model == Model::Poison || t.balanced() ? "" : "  UNBALANCED");
    }
    s += fmt::format("\norigins ({}):\n", r.origins.size());
    s += fmt::format("  {:<10} {:<42} {:<24} {:<16} {:>28} {:>8} {:>4} {:>9}  {}\n", "kind", "address", "entity", "category", "amount", "share",
                     "hop", "block", "tx");
    for (std::size_t i = 0; i < r.origins.size() && i < c.top; ++i) {
        const BackwardOrigin& o = r.origins[i];
        label::Label l = x.label_of(o.address, o.role);
        s += fmt::format("  {:<10} {:<42} {:<24} {:<16} {:>28} {:>7.3f}% {:>4} {:>9}  {}\n", origin_kind_name(o.kind), x.addr(o.address),
                         l.entity.substr(0, 24), l.category.substr(0, 16), x.human(o.amount, o.asset), 100 * x.share(o), o.hop, o.first.block,
                         x.first_tx(o));
    }
    if (r.origins.size() > c.top) s += fmt::format("  … {} more (use --json or --csv for all)\n", r.origins.size() - c.top);
    if (!r.origins.empty()) {
        s += "\npath from the largest origin:\n";
        s += path_text(x, r.path(r.origins.front()));
    }
    s += fmt::format("\n{} transfers visited, {} addresses followed\n", r.stats.transfers_visited, r.stats.addresses_followed);
    return s;
}

std::string report_dot(const BackwardResult& r, const ReportContext& c) {
    BCtx x{r, c};
    std::set<std::pair<AddressId, AddressId>> edges, gaps;
    std::set<AddressId> nodes(r.targets.begin(), r.targets.end());
    bool collapsed = false;
    std::map<AddressId, std::string> amount_of;
    for (const auto& o : r.origins) {
        Path p = r.path(o);
        if (edges.size() + p.steps.size() > c.dot_max_edges) {
            collapsed = true;
            continue;
        }
        path_edges(p, edges, gaps, nodes);
        nodes.insert(o.address);
        amount_of[o.address] += fmt::format("\\n{}: {}", origin_kind_name(o.kind), json_escape(x.human(o.amount, o.asset)));
    }
    std::string s = fmt::format(
        "digraph trace {{\n  rankdir=LR;\n  node [shape=box,fontname=\"monospace\",fontsize=9];\n  label=\"chainward backward trace ({})\";\n",
        model_name(r.model));
    const std::set<AddressId> targets(r.targets.begin(), r.targets.end());
    for (AddressId a : nodes) {
        label::Label l = x.label_of(a, Role::Plain);
        std::string lab = x.addr(a).substr(0, 10) + "…";
        if (!l.entity.empty()) lab += "\\n" + json_escape(l.entity) + " (" + json_escape(l.category) + ")";
        if (auto it = amount_of.find(a); it != amount_of.end()) lab += it->second;  // escaped when built
        const char* style = targets.contains(a) ? ",style=filled,fillcolor=\"#fff2cc\"" : amount_of.contains(a) ? ",style=filled,fillcolor=\"#d9ead3\"" : "";
        s += fmt::format("  a{} [label=\"{}\"{}];\n", a, lab, style);
    }
    for (const auto& [f, t] : edges) s += fmt::format("  a{} -> a{};\n", f, t);
    for (const auto& [f, t] : gaps) s += fmt::format("  a{} -> a{} [style=dashed,label=\"path cut\"];\n", f, t);
    if (collapsed) s += "  other [label=\"smaller origins collapsed\",shape=note];\n";
    s += "}\n";
    return s;
}

}  // namespace chainward::trace
