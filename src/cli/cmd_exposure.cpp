#include <fmt/format.h>

#include <chrono>

#include "cli/commands.hpp"
#include "label/label.hpp"
#include "risk/risk.hpp"
#include "trace/trace.hpp"

namespace chainward::cli {
namespace {

struct ExposureArgs {
    std::string data_dir, labels, labels_db;
    std::uint32_t hops = 4;
    bool hops_given = false;
};

/// The labels exposure uses and where they came from ("db:WHERE#VERSION" or "file:PATH"; " pending"
/// when a validity time lies after the last stored block and must be converted again later).
struct LabelInput {
    std::vector<risk::LabelFact> facts;
    std::string origin;
};

std::optional<LabelInput> read_file_labels(const std::string& path,
                                           const store::TransferStore& st) {
    label::ImportOptions io;
    auto batch = label::read_file(path, io);
    for (auto& r : batch.records)
        if (r.source.empty()) r.source = std::filesystem::path(path).filename().string();
    bool pending = false;
    LabelInput in{risk::facts_from_records(batch.records, st, "eth", &pending), "file:" + path};
    if (pending) in.origin += " pending";
    return in;
}

std::optional<LabelInput> read_db_labels(const std::string& where, const store::TransferStore& st) {
    auto db = label::LabelStore::open(where);
    bool pending = false;
    const auto version = db->version();
    LabelInput in{risk::facts_from_records(db->list(), st, "eth", &pending),
                  fmt::format("db:{}#{}", where, version)};
    if (pending) in.origin += " pending";
    return in;
}

/// --labels FILE (any format the label importers read: CSV, JSON, TagPack, OFAC), --labels-db
/// URL, else the data dir's label store if it has one.
std::optional<LabelInput> read_labels(const ExposureArgs& a, const store::TransferStore& st) {
    if (!a.labels.empty()) return read_file_labels(a.labels, st);
    std::string where = a.labels_db;
    if (where.empty()) {
        const auto def = label::LabelStore::default_path(a.data_dir);
        if (!std::filesystem::exists(def)) return std::nullopt;
        where = def.string();
    }
    return read_db_labels(where, st);
}

/// Reads the labels again when their origin says they may have changed (the label store's
/// counter moved, or a validity time was still ahead of the chain).
std::optional<LabelInput> refresh_labels(const std::string& origin,
                                         const store::TransferStore& st) {
    const bool pending = origin.ends_with(" pending");
    const std::string o = pending ? origin.substr(0, origin.size() - 8) : origin;
    if (o.starts_with("file:")) return pending ? read_file_labels(o.substr(5), st) : std::nullopt;
    if (!o.starts_with("db:")) return std::nullopt;
    const auto hash = o.rfind('#');
    const std::string where = o.substr(3, hash - 3);
    if (!std::filesystem::exists(where) && !where.starts_with("postgres")) return std::nullopt;
    if (!pending &&
        fmt::format("{}", label::LabelStore::open(where)->version()) == o.substr(hash + 1))
        return std::nullopt;
    return read_db_labels(where, st);
}

void print_summary(const char* what, const risk::Engine& e, double secs) {
    const auto& s = e.stats();
    fmt::print(
        "exposure {}: {} transfers applied (to block {}), {} sources, {} state entries; {} "
        "transfers in {:.2f}s{}\n",
        what, e.applied_transfers(), e.last_block() ? std::to_string(*e.last_block()) : "none",
        e.sources(), e.state_entries(), s.transfers, secs,
        s.rebuilt ? fmt::format(" (rebuilt: {})", s.rebuild_reason) : "");
}

void run(const ExposureArgs& a, bool rebuild) {
    const auto t0 = std::chrono::steady_clock::now();
    auto st = store::TransferStore::open(a.data_dir, store::TransferStore::Mode::ReadOnly);
    trace::StoreGraph g(*st);
    const auto chain = risk::store_chain(*st, g);
    const auto dir = risk::exposure_dir(a.data_dir);
    auto e = risk::Engine::load(chain, dir);
    std::vector<risk::LabelFact> facts;
    if (e && a.hops_given &&
        a.hops != e->hops()) {  // another hop limit: start again with the same labels
        facts = e->labels();
        e.reset();
    }
    std::string origin = e ? e->label_origin() : "";
    // Without --labels/--labels-db an existing state keeps its own label origin (read again if it
    // changed); only a fresh one falls back to the data dir's label store.
    const bool given = !a.labels.empty() || !a.labels_db.empty();
    auto labels = given || !e || origin.empty() ? read_labels(a, *st) : refresh_labels(origin, *st);
    if (!e) {
        if (!labels && facts.empty())
            throw InputError(
                "no labels: give --labels FILE or --labels-db URL, or import labels into " +
                label::LabelStore::default_path(a.data_dir).string());
        e = std::make_unique<risk::Engine>(chain, risk::Options{a.hops, {}});
        e->set_labels(std::move(facts));
        rebuild = false;  // a fresh engine applies everything anyway
    }
    if (labels) {
        e->set_labels(std::move(labels->facts));
        e->set_label_origin(labels->origin);
    } else if (!origin.empty()) {
        e->set_label_origin(origin);
    }
    if (rebuild)
        e->rebuild();
    else
        e->advance();
    e->save(dir);
    print_summary(rebuild ? "rebuilt" : "updated", *e,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace

void add_exposure_command(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "exposure", "Maintain per-address exposure to labelled categories (docs/exposure.md)");
    cmd->require_subcommand(1);
    for (const bool rebuild : {true, false}) {
        auto a = std::make_shared<ExposureArgs>();
        auto* sub = cmd->add_subcommand(
            rebuild ? "rebuild" : "update",
            rebuild ? "Recompute all exposure from scratch"
                    : "Apply new blocks and label changes to the stored exposure");
        add_data_dir_option(*sub, a->data_dir);
        sub->add_option(
            "--labels", a->labels,
            "labels file (CSV address,entity,category[,valid_from,valid_to], JSON, TagPack, OFAC)");
        sub->add_option(
            "--labels-db", a->labels_db,
            "label store: a SQLite path or postgresql://… (default: DATA/labels.db if present)");
        sub->add_option(
               "--hops", a->hops,
               "intermediate addresses for indirect exposure (default 4; a new value rebuilds)")
            ->check(CLI::Range(0, 64))
            ->each([a](const std::string&) { a->hops_given = true; });
        sub->callback([a, rebuild] { run(*a, rebuild); });
    }
}

/// After an ingest: bring the stored exposure up to the new blocks (only what they touch).
void update_exposure_after_ingest(const store::TransferStore& st, const std::string& data_dir) {
    trace::StoreGraph g(st);
    const auto chain = risk::store_chain(st, g);
    const auto dir = risk::exposure_dir(data_dir);
    auto e = risk::Engine::load(chain, dir);
    if (!e) return;
    const auto t0 = std::chrono::steady_clock::now();
    e->advance();
    if (auto labels = refresh_labels(e->label_origin(), st)) {  // the label store changed meanwhile
        e->set_labels(std::move(labels->facts));
        e->set_label_origin(labels->origin);
    }
    e->save(dir);
    print_summary("updated", *e,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace chainward::cli
