#include <fmt/format.h>

#include <chrono>

#include "cli/commands.hpp"
#include "label/label.hpp"
#include "risk/risk.hpp"
#include "trace/trace.hpp"

namespace chainward::cli {
namespace {

struct ExposureArgs {
    std::string data_dir, labels;
    std::uint32_t hops = 4;
    bool hops_given = false;
};

void print_summary(const char* what, const risk::Engine& e, double secs) {
    const auto& s = e.stats();
    fmt::print("exposure {}: {} transfers applied (to block {}), {} sources, {} state entries; {} transfers in {:.2f}s{}\n", what,
               e.applied_transfers(), e.last_block() ? std::to_string(*e.last_block()) : "none", e.sources(), e.state_entries(),
               s.transfers, secs, s.rebuilt ? fmt::format(" (rebuilt: {})", s.rebuild_reason) : "");
}

void run(const ExposureArgs& a, bool rebuild) {
    const auto t0 = std::chrono::steady_clock::now();
    auto st = store::TransferStore::open(a.data_dir, store::TransferStore::Mode::ReadOnly);
    trace::StoreGraph g(*st);
    const auto chain = risk::store_chain(*st, g);
    const auto dir = risk::exposure_dir(a.data_dir);
    auto e = risk::Engine::load(chain, dir);
    std::vector<risk::LabelFact> facts;
    if (e && a.hops_given && a.hops != e->hops()) {  // another hop limit: start again with the same labels
        facts = e->labels();
        e.reset();
    }
    if (!e) {
        if (a.labels.empty() && facts.empty()) throw InputError("no exposure yet: give --labels FILE.csv");
        e = std::make_unique<risk::Engine>(chain, risk::Options{a.hops});
        e->set_labels(std::move(facts));
        rebuild = false;  // a fresh engine applies everything anyway
    }
    if (!a.labels.empty()) e->set_labels(risk::facts_from_labelset(label::LabelSet::load_csv(a.labels), a.labels));
    if (rebuild)
        e->rebuild();
    else
        e->advance();
    e->save(dir);
    print_summary(rebuild ? "rebuilt" : "updated", *e, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace

void add_exposure_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("exposure", "Maintain per-address exposure to labelled categories (docs/exposure.md)");
    cmd->require_subcommand(1);
    for (const bool rebuild : {true, false}) {
        auto a = std::make_shared<ExposureArgs>();
        auto* sub = cmd->add_subcommand(rebuild ? "rebuild" : "update",
                                        rebuild ? "Recompute all exposure from scratch" : "Apply new blocks and label changes to the stored exposure");
        add_data_dir_option(*sub, a->data_dir);
        sub->add_option("--labels", a->labels, "labels CSV (address,entity,category): replaces the labels exposure uses");
        sub->add_option("--hops", a->hops, "intermediate addresses for indirect exposure (default 4; a new value rebuilds)")
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
    e->save(dir);
    print_summary("updated", *e, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace chainward::cli
