// Screening: the risk level from an address's labels and exposure, and its JSON / text forms.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "risk/internal.hpp"
#include "trace/trace.hpp"

namespace chainward::risk {

namespace {

/// Categories whose value is illicit: exposure to them is what screening is for.
bool illicit(std::string_view c) {
    return illicit_category(c);
}
/// The address itself being one of these is severe.
bool severe_label(std::string_view c) {
    static const std::set<std::string_view> k = {"sanctioned",         "stolen_funds", "hacker",
                                                 "heist_attacker",     "ransomware",   "darknet",
                                                 "terrorist_financing"};
    return k.contains(c);
}
bool risky(std::string_view c) {
    return risky_category(c);
}

std::string json_escape(std::string_view s) {
    std::string o;
    for (char ch : s) {
        if (ch == '"' || ch == '\\')
            o += '\\', o += ch;
        else if (static_cast<unsigned char>(ch) < 0x20)
            o += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(ch)));
        else
            o += ch;
    }
    return o;
}

std::string pct(double x) {
    return fmt::format("{:.2f}%", 100 * x);
}

}  // namespace

bool illicit_category(std::string_view c) {
    static const std::set<std::string_view> k = {
        "sanctioned", "stolen_funds", "hacker",   "heist_attacker",     "ransomware",
        "darknet",    "scam",         "phishing", "terrorist_financing"};
    return k.contains(c);
}
bool risky_category(std::string_view c) {
    return illicit_category(c) || c == "mixer" || c == "gambling";
}

const char* direction_name(Direction d) {
    return d == Direction::Received ? "received" : "sent";
}
const char* kind_name(Kind k) {
    return k == Kind::Direct ? "direct" : "indirect";
}
const char* level_name(Level l) {
    switch (l) {
        case Level::None:
            return "none";
        case Level::Low:
            return "low";
        case Level::Medium:
            return "medium";
        case Level::High:
            return "high";
        case Level::Severe:
            return "severe";
    }
    return "?";
}

double ExposureRow::share() const {
    if (total == 0) return 0;
    if (amount >= total) return 1;
    // 53 significant bits are plenty for a display share; the amounts themselves stay exact
    const unsigned shift =
        total > (U256(1) << 60) ? static_cast<unsigned>(boost::multiprecision::msb(total)) - 60 : 0;
    return static_cast<double>(static_cast<std::uint64_t>(amount >> shift)) /
           static_cast<double>(static_cast<std::uint64_t>(total >> shift));
}

std::vector<LabelFact> facts_from_labelset(const label::LabelSet& labels,
                                           const std::string& source) {
    std::vector<LabelFact> out;
    for (const auto& [a, ls] : labels.all())
        for (const auto& l : ls)
            out.push_back(LabelFact{a, l.category, l.entity, source, 0, kOpenEnd});
    std::sort(out.begin(), out.end(), [](const LabelFact& x, const LabelFact& y) {
        return std::tie(x.address, x.category, x.entity) <
               std::tie(y.address, y.category, y.entity);
    });
    return out;
}

std::vector<LabelFact> facts_from_records(const std::vector<label::Record>& records,
                                          const store::TransferStore& st, const std::string& chain,
                                          bool* pending) {
    std::vector<LabelFact> out;
    bool later = false;
    auto block_of = [&](const label::Bound& b, std::uint64_t open,
                        std::uint64_t not_yet) -> std::uint64_t {
        switch (b.kind) {
            case label::Bound::Kind::None:
                return open;
            case label::Bound::Kind::Block:
                return static_cast<std::uint64_t>(b.value);
            case label::Bound::Kind::Time:
                if (b.value <= 0) return 0;
                if (auto n = trace::block_at_time(st, static_cast<std::uint64_t>(b.value)))
                    return *n;
                later = true;
                return not_yet;
        }
        return open;
    };
    for (const auto& r : records) {
        if (r.chain != chain) continue;
        Address a;
        try {
            a = parse_address(r.address);
        } catch (const std::exception&) {
            continue;  // the store checked it for its chain; not an EVM address form
        }
        out.push_back(LabelFact{a, r.category, r.entity, r.source,
                                block_of(r.valid_from, 0, kOpenEnd),
                                block_of(r.valid_to, kOpenEnd, kOpenEnd)});
    }
    std::sort(out.begin(), out.end(), [](const LabelFact& x, const LabelFact& y) {
        return std::tie(x.address, x.category, x.entity, x.source, x.from_block) <
               std::tie(y.address, y.category, y.entity, y.source, y.from_block);
    });
    if (pending) *pending = later;
    return out;
}

Chain store_chain(const store::TransferStore& st, const trace::Graph& g) {
    Chain c;
    c.graph = &g;
    c.scan = [&st](std::uint64_t from_id, const std::function<bool(const TransferRef&)>& f) {
        st.scan(f, from_id);
    };
    c.block_hash = [&st](std::uint64_t b) -> std::optional<Hash32> {
        auto r = st.block(b);
        if (!r) return std::nullopt;
        return r->hash;
    };
    return c;
}

Assessment assess(const std::vector<LabelView>& labels, const std::vector<ExposureRow>& exposure) {
    Assessment a;
    auto raise = [&](Level l, std::string why) {
        a.level = std::max(a.level, l);
        a.reasons.push_back(fmt::format("{}: {}", level_name(l), why));
    };
    for (const auto& l : labels) {
        if (severe_label(l.category))
            raise(Level::Severe,
                  fmt::format("the address is labelled {} ({})", l.category, l.entity));
        else if (illicit(l.category) || l.category == "mixer")
            raise(Level::High,
                  fmt::format("the address is labelled {} ({})", l.category, l.entity));
    }
    // the largest share per (category, direction, kind) over assets decides
    struct Worst {
        double share = 0;
        const ExposureRow* row = nullptr;
    };
    std::map<std::tuple<std::string, Direction, Kind>, Worst> worst;
    for (const auto& r : exposure) {
        if (!risky(r.category) || r.amount == 0) continue;
        Worst& w = worst[{r.category, r.direction, r.kind}];
        if (!w.row || r.share() > w.share) w = Worst{r.share(), &r};
    }
    for (const auto& [k, w] : worst) {
        const auto& [cat, dir, kind] = k;
        const std::string what =
            fmt::format("{} {} {} {} ({} of the asset)", kind_name(kind),
                        dir == Direction::Received ? "received from" : "sent to", cat, "exposure",
                        pct(w.share));
        if (cat == "sanctioned" && kind == Kind::Direct)
            raise(Level::Severe, what);
        else if (illicit(cat) && kind == Kind::Direct)
            raise(Level::High, what);
        else if (illicit(cat) && w.share >= 0.10)
            raise(Level::High, what);
        else if (illicit(cat) && w.share >= 0.01)
            raise(Level::Medium, what);
        else if (cat == "mixer" && (kind == Kind::Direct || w.share >= 0.10))
            raise(Level::Medium, what);
        else
            raise(Level::Low, what);
    }
    std::stable_sort(a.reasons.begin(), a.reasons.end(),
                     [](const std::string& x, const std::string& y) {
                         auto rank = [](const std::string& s) {
                             for (Level l : {Level::Severe, Level::High, Level::Medium, Level::Low})
                                 if (s.starts_with(level_name(l))) return static_cast<int>(l);
                             return 0;
                         };
                         return rank(x) > rank(y);
                     });
    return a;
}

std::string screen_json(const ScreenResult& r,
                        const std::function<std::string(const AssetKey&)>& asset_name) {
    auto asset_json = [](const AssetKey& k) {
        return k.type == AssetType::Native ? std::string("native") : k.contract.checksum();
    };
    std::string o = fmt::format("{{\"address\":\"{}\",\"risk\":\"{}\",\"reasons\":[",
                                r.address.checksum(), level_name(r.risk.level));
    for (std::size_t i = 0; i < r.risk.reasons.size(); ++i)
        o += fmt::format("{}\"{}\"", i ? "," : "", json_escape(r.risk.reasons[i]));
    o += "],\"labels\":[";
    for (std::size_t i = 0; i < r.labels.size(); ++i) {
        const auto& l = r.labels[i];
        o += fmt::format(
            "{}{{\"category\":\"{}\",\"entity\":\"{}\",\"source\":\"{}\",\"valid_from_block\":{}",
            i ? "," : "", json_escape(l.category), json_escape(l.entity), json_escape(l.source),
            l.from_block);
        if (l.to_block != kOpenEnd) o += fmt::format(",\"valid_to_block\":{}", l.to_block);
        o += "}";
    }
    o += "],\"exposure\":[";
    for (std::size_t i = 0; i < r.exposure.size(); ++i) {
        const auto& e = r.exposure[i];
        o += fmt::format(
            "{}{{\"category\":\"{}\",\"direction\":\"{}\",\"kind\":\"{}\",\"asset\":\"{}\",\"asset_"
            "name\":\"{}\"",
            i ? "," : "", json_escape(e.category), direction_name(e.direction), kind_name(e.kind),
            asset_json(e.asset), json_escape(asset_name(e.asset)));
        if (e.asset.type == AssetType::Erc721 || e.asset.type == AssetType::Erc1155)
            o += fmt::format(",\"token_id\":\"{}\"", to_decimal(e.asset.token_id));
        o += fmt::format(
            ",\"amount\":\"{}\",\"total\":\"{}\",\"share\":{:.6f},\"hops\":{},\"path\":[",
            to_decimal(e.amount), to_decimal(e.total), e.share(), e.hops);
        for (std::size_t k = 0; k < e.path.size(); ++k) {
            const auto& s = e.path[k];
            o += fmt::format("{}{{\"from\":\"{}\",\"to\":\"{}\",\"block\":{},\"tx\":\"{}\"}}",
                             k ? "," : "", s.from.checksum(), s.to.checksum(), s.block, s.tx.hex());
        }
        o += "]}";
    }
    o += "]}\n";
    return o;
}

std::string screen_text(const ScreenResult& r,
                        const std::function<std::string(const AssetKey&)>& asset_name,
                        const std::function<std::string(const AssetKey&, const U256&)>& human) {
    std::string o =
        fmt::format("address  {}\nrisk     {}\n", r.address.checksum(), level_name(r.risk.level));
    for (const auto& why : r.risk.reasons) o += fmt::format("  - {}\n", why);
    o += r.labels.empty() ? "labels   none\n" : "labels\n";
    for (const auto& l : r.labels)
        o += fmt::format("  {:<16} {:<32} (source {})\n", l.category, l.entity, l.source);
    if (r.exposure.empty()) return o + "exposure none\n";
    o += fmt::format("exposure\n  {:<16} {:<9} {:<9} {:<8} {:>28} {:>8} {:>4}\n", "category",
                     "direction", "kind", "asset", "amount", "share", "hops");
    for (const auto& e : r.exposure)
        o += fmt::format("  {:<16} {:<9} {:<9} {:<8} {:>28} {:>8} {:>4}\n", e.category,
                         direction_name(e.direction), kind_name(e.kind), asset_name(e.asset),
                         human(e.asset, e.amount), pct(e.share()), e.hops);
    // evidence: the path of the largest risky row per category
    std::map<std::string, const ExposureRow*> best;
    for (const auto& e : r.exposure) {
        if (e.path.empty()) continue;
        auto& b = best[e.category];
        if (!b || e.share() > b->share()) b = &e;
    }
    if (!best.empty()) o += "evidence (largest row per category, source first)\n";
    for (const auto& [cat, e] : best) {
        o += fmt::format("  {} ({} {}, {}):\n", cat, kind_name(e->kind),
                         direction_name(e->direction), asset_name(e->asset));
        for (const auto& s : e->path)
            o += fmt::format("    block {:>9}  {} -> {}  tx {}\n", s.block, s.from.checksum(),
                             s.to.checksum(), s.tx.hex());
    }
    return o;
}

}  // namespace chainward::risk
