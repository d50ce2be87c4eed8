// trace: where did stolen value go (forward) under a taint model; report freeze points.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "label/label.hpp"
#include "store/store.hpp"
#include "trace/trace.hpp"

namespace chainward::cli {
namespace {

struct TraceArgs {
    std::string data_dir, model = "haircut", since, until, labels, labels_db, out;
    bool use_labels = false;  // --labels given (with or without a value) or --labels-db
    std::vector<std::string> txs, addresses, min_amounts, amounts, assets;
    std::uint32_t hops = 0;
    std::size_t max_addresses = 0, top = 30;
    bool backward = false, through = false, through_converters = false, json = false, csv = false, dot = false;
};

template <class R>
void write_report(const TraceArgs& a, const store::TransferStore& st, const trace::Graph& g, const label::LabelSet& labels, const R& r) {
    trace::ReportContext ctx;
    ctx.graph = &g;
    ctx.labels = a.use_labels ? &labels : nullptr;
    ctx.top = a.top;
    ctx.asset_info = [&](store::AssetId id) {
        AssetKey k = st.asset(id);
        AssetDisplay d = display_asset(k);
        return trace::AssetInfo{d.name, k.type == AssetType::Native ? std::string("native") : k.contract.checksum(), d.decimals};
    };
    std::string text = a.json  ? trace::report_json(r, ctx)
                       : a.csv ? trace::report_csv(r, ctx)
                       : a.dot ? trace::report_dot(r, ctx)
                               : trace::report_text(r, ctx);
    if (a.out.empty()) {
        fmt::print("{}", text);
    } else {
        std::ofstream f(a.out, std::ios::binary);
        f << text;
        if (!f) throw InputError(fmt::format("--out {}: cannot write", a.out));
    }
}

/// --backward: where did the funds at --address come from (docs/tracing.md "Backward").
void run_backward(const TraceArgs& a, const store::TransferStore& st, const trace::StoreGraph& g, const trace::Options& fwd,
                  const label::LabelSet& labels) {
    if (!a.txs.empty()) throw InputError("--backward traces the holdings of --address, not --tx");
    if (a.addresses.empty()) throw InputError("--backward needs --address ADDR");
    if (a.through || a.through_converters) throw InputError("--through and --through-converters apply to forward traces only");
    trace::BackwardOptions o;
    o.model = fwd.model;
    if (o.model != trace::Model::Poison && o.model != trace::Model::Haircut && o.model != trace::Model::Fifo)
        throw InputError(fmt::format("--model {}: backward traces support poison, haircut and fifo", a.model));
    o.roles = fwd.roles;
    o.max_hops = fwd.max_hops;
    o.max_addresses = fwd.max_addresses;
    o.min_amount = fwd.min_amount;
    o.until_block = fwd.until_block;
    if (!a.since.empty()) o.since_block = trace::parse_point(st, a.since, "--since", false);
    // every labelled address is an origin point: the answer names it instead of walking past it
    for (const auto& [addr, ls] : labels.all())
        if (auto id = st.find_address(addr)) o.stop_addresses.insert(*id);
    // --asset / --amount ASSET=AMOUNT narrow the holdings explained (default: every asset, whole balance)
    std::vector<std::pair<store::AssetId, std::optional<U256>>> wanted;
    for (const auto& spec : a.assets)
        for (auto id : select_asset(st, spec).ids) wanted.push_back({id, std::nullopt});
    for (const auto& spec : a.amounts) {
        auto eq = spec.find('=');
        if (eq == std::string::npos) throw InputError(fmt::format("--amount \"{}\": want ASSET=AMOUNT (e.g. ETH=12.5)", spec));
        for (auto id : select_asset(st, spec.substr(0, eq)).ids) {
            try {
                wanted.push_back({id, parse_units(spec.substr(eq + 1), display_asset(st.asset(id)).decimals)});
            } catch (const std::invalid_argument& e) {
                throw InputError(fmt::format("--amount \"{}\": {}", spec, e.what()));
            }
        }
    }
    for (const auto& s : a.addresses) {
        auto id = st.find_address(parse_address_arg(s, "--address"));
        if (!id) throw InputError(fmt::format("--address {}: not in the store", s));
        if (wanted.empty()) o.targets.push_back({*id, std::nullopt, std::nullopt});
        for (const auto& [asset, amount] : wanted) o.targets.push_back({*id, asset, amount});
    }
    write_report(a, st, g, labels, trace::trace_backward(g, o));
}

/// --labels FILE.csv reads the CSV; --labels DB (a SQLite label store or postgresql://…) or a bare
/// --labels / --labels-db reads the label store, which needs no parsing.
label::LabelSet load_labels(const TraceArgs& a) {
    std::string where = a.labels;
    if (where.empty()) {
        where = label_store_location(a.labels_db, a.data_dir);
        if (!where.starts_with("postgres") && !std::filesystem::exists(where))
            throw InputError(fmt::format("--labels: no label store at {} (import labels first, or give a CSV file)", where));
    }
    bool is_store = where.starts_with("postgresql://") || where.starts_with("postgres://");
    if (!is_store) {
        std::ifstream f(where, std::ios::binary);
        char magic[16] = {};
        f.read(magic, sizeof magic);
        is_store = f.gcount() == 16 && std::string_view(magic, 16) == std::string_view("SQLite format 3\0", 16);
    }
    if (!is_store) return label::LabelSet::load_csv(where);
    return label::LabelStore::open(where)->label_set();
}

void run_trace(const TraceArgs& a) {
    auto st = store::TransferStore::open(a.data_dir, store::TransferStore::Mode::ReadOnly);
    trace::StoreGraph g(*st);
    trace::Options o;
    auto m = trace::model_from_name(a.model);
    if (!m) throw InputError(fmt::format("--model \"{}\": want poison, haircut, fifo, lifo or tiho", a.model));
    o.model = *m;
    if (a.hops) o.max_hops = a.hops;
    if (a.max_addresses) o.max_addresses = a.max_addresses;
    o.through_terminals = a.through;
    if (!a.until.empty()) o.until_block = trace::parse_point(*st, a.until, "--until", true);
    label::LabelSet labels;
    if (a.use_labels) {
        labels = load_labels(a);
        o.roles = trace::roles_from_labels(g, labels);
    }
    if (a.through_converters) {  // converters become plain addresses: taint paid in is followed onwards
        o.builtin_converters = false;
        std::erase_if(o.roles, [](const auto& kv) { return kv.second == trace::Role::Converter; });
    }
    for (const auto& spec : a.min_amounts) {
        auto eq = spec.find('=');
        if (eq == std::string::npos) throw InputError(fmt::format("--min-amount \"{}\": want ASSET=AMOUNT (e.g. ETH=0.5)", spec));
        AssetSelection sel = select_asset(*st, spec.substr(0, eq));
        for (auto id : sel.ids) {
            unsigned dec = display_asset(st->asset(id)).decimals;
            try {
                o.min_amount[id] = parse_units(spec.substr(eq + 1), dec);
            } catch (const std::invalid_argument& e) {
                throw InputError(fmt::format("--min-amount \"{}\": {}", spec, e.what()));
            }
        }
    }
    if (a.backward) return run_backward(a, *st, g, o, labels);
    if (!a.amounts.empty() || !a.assets.empty()) throw InputError("--amount and --asset need --backward");
    if (!a.txs.empty()) {
        std::vector<Hash32> hs;
        for (const auto& t : a.txs) {
            try {
                hs.push_back(parse_hash(t));
            } catch (const std::invalid_argument& e) {
                throw InputError(fmt::format("--tx \"{}\": {}", t, e.what()));
            }
        }
        std::vector<Hash32> missing;
        o.source_transfers = trace::find_transactions(*st, hs, &missing);
        if (!missing.empty()) throw InputError(fmt::format("--tx {}: no stored transfers with this transaction hash", missing[0].hex()));
    }
    if (!a.addresses.empty()) {
        std::uint64_t since = a.since.empty() ? 0 : trace::parse_point(*st, a.since, "--since", false);
        for (const auto& s : a.addresses) {
            auto id = st->find_address(parse_address_arg(s, "--address"));
            if (!id) throw InputError(fmt::format("--address {}: not in the store", s));
            o.source_addresses.push_back({*id, since});
        }
    } else if (!a.since.empty()) {
        throw InputError("--since needs --address");
    }
    if (o.source_transfers.empty() && o.source_addresses.empty()) throw InputError("trace: give --tx HASH or --address ADDR");

    write_report(a, *st, g, labels, trace::trace(g, o));
}

}  // namespace

void add_trace_command(CLI::App& app) {
    auto a = std::make_shared<TraceArgs>();
    auto* cmd = app.add_subcommand(
        "trace",
        "Trace stolen value forward under a taint model and report where it rests and who can freeze it; with --backward, "
        "where the funds at an address came from.\n"
        "  chainward trace --data-dir D --labels L.csv --tx 0xDRAIN [--tx ...] [--model haircut] [--hops 6]\n"
        "  chainward trace --data-dir D --address 0xTHIEF --since 2025-02-21T14:13:00Z --model poison --json\n"
        "  chainward trace --data-dir D --labels L.csv --backward --address 0xDEPOSIT [--amount ETH=12.5] [--until BLOCK] --model fifo\n"
        "Semantics, conservation and report schemas: docs/tracing.md");
    add_data_dir_option(*cmd, a->data_dir);
    repeatable(cmd->add_option("--tx", a->txs, "trace the value moved by this transaction (repeatable, or comma-separated)"));
    repeatable(cmd->add_option("--address", a->addresses, "trace the funds of this address from --since on (repeatable, or comma-separated)"));
    cmd->add_option("--since", a->since,
                    "BLOCK, @UNIXTIME or YYYY-MM-DD[THH:MM:SS][Z] (UTC). Forward: trace --address's balance at the start of it and "
                    "everything received after (default: genesis). Backward: do not walk back past its start (what was held then is "
                    "a 'horizon' origin)");
    cmd->add_option("--until", a->until, "forward: stop after this BLOCK or TIME; backward: explain the holdings at the end of it (default: newest)");
    cmd->add_flag("--backward", a->backward,
                  "where did the funds at --address come from: origins (created, labelled, fees, converter, horizon, frontier) with "
                  "amounts, shares and paths; poison, haircut or fifo; every labelled address is an origin point");
    repeatable(cmd->add_option("--asset", a->assets, "backward: explain only this asset's balance (ETH, a symbol or a contract; repeatable)"));
    repeatable(cmd->add_option("--amount", a->amounts,
                    "backward: ASSET=AMOUNT, explain this much of the balance (fifo: the newest units; repeatable; default: all)"));
    cmd->add_option("--model", a->model, "poison, haircut (default), fifo, lifo or tiho (backward: poison, haircut, fifo)");
    cmd->add_option("--hops", a->hops, "follow at most N hops from the source (default: unlimited)");
    repeatable(cmd->add_option("--min-amount", a->min_amounts, "ASSET=AMOUNT: drop tainted amounts below this (repeatable; e.g. ETH=0.01)"));
    cmd->add_option("--max-addresses", a->max_addresses, "follow at most N addresses");
    cmd->add_option("--labels", a->labels,
                    "labels: a CSV (address,entity,category), a label store (labels.db or postgresql://…), or, without a value, the "
                    "label store of --labels-db / DATA_DIR/labels.db: terminals, converters, names (backward: origin points)")
        ->expected(0, 1);
    cmd->add_option("--labels-db", a->labels_db, "label store for --labels without a value (SQLite file or postgresql://…)");
    cmd->add_flag("--through", a->through, "forward: continue through terminals (still reported)");
    cmd->add_flag("--through-converters", a->through_converters,
                  "forward: follow taint into converters (DEX, WETH, marketplaces) as into any address instead of handing it back "
                  "to the payer");
    cmd->add_option("--top", a->top, "rows per table in the terminal report (default 30)");
    auto* json = cmd->add_flag("--json", a->json, "JSON report (schema: docs/tracing.md)");
    auto* csv = cmd->add_flag("--csv", a->csv, "CSV report");
    auto* dot = cmd->add_flag("--dot", a->dot, "Graphviz DOT of the flow");
    json->excludes(csv)->excludes(dot);
    csv->excludes(dot);
    cmd->add_option("--out", a->out, "write the report to this file");
    cmd->callback([a, cmd] {
        a->use_labels = cmd->count("--labels") > 0 || !a->labels_db.empty();
        run_trace(*a);
    });
}

}  // namespace chainward::cli
