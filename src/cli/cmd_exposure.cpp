#include <fmt/format.h>

#include "cli/commands.hpp"
#include "label/label.hpp"
#include "risk/risk.hpp"

namespace chainward::cli {
namespace {

struct ExposureArgs {
    std::string data_dir, labels, labels_db;
    std::uint32_t hops = 4;
    bool hops_given = false;
};

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
    auto st = store::TransferStore::open(a.data_dir, store::TransferStore::Mode::ReadOnly);
    risk::UpdateRequest req;
    req.labels_file = a.labels;
    req.labels_db = a.labels_db;
    if (a.hops_given) req.hops = a.hops;
    req.rebuild = rebuild;
    req.create = true;
    double secs = 0;
    auto e = risk::update_stored(*st, a.data_dir, req, &secs);
    print_summary(rebuild ? "rebuilt" : "updated", *e, secs);
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

/// After an ingest: bring the stored exposure up to the new blocks (only what they touch) and to
/// label store changes.
void update_exposure_after_ingest(const store::TransferStore& st, const std::string& data_dir) {
    double secs = 0;
    if (auto e = risk::update_stored(st, data_dir, {}, &secs)) print_summary("updated", *e, secs);
}

}  // namespace chainward::cli
