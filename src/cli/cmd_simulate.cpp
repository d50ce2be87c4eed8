// chainward simulate: writes a labelled synthetic chain (see docs/simulate.md).
#include <fmt/core.h>

#include <chrono>

#include "cli/commands.hpp"
#include "sim/sim.hpp"

namespace chainward::cli {

void add_simulate_command(CLI::App& app) {
    struct Args {
        std::string preset = "tiny", out, format = "rpc", layout = "lines";
        std::uint64_t seed = 1, blocks = 0;
        std::uint32_t per_file = 1000;
        bool stats = false, discard = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("simulate", "generate a labelled synthetic chain with heists and laundering");
    cmd->add_option("--preset", args->preset, "tiny | bybit | ronin | hotwallet | bench-10m | bench-50m")->capture_default_str();
    cmd->add_option("--seed", args->seed, "PRNG seed (same seed, same bytes)")->capture_default_str();
    cmd->add_option("--out", args->out, "output directory")->required();
    cmd->add_option("--format", args->format, "rpc | etl")->capture_default_str();
    cmd->add_option("--layout", args->layout, "rpc files: lines (--per-file blocks per JSON-lines file) | per-response (one response per file)")
        ->capture_default_str();
    cmd->add_option("--per-file", args->per_file, "blocks per JSON-lines file (rpc) or per partition (etl)")->capture_default_str();
    cmd->add_option("--blocks", args->blocks, "override the preset's block count");
    cmd->add_flag("--discard", args->discard, "encode the chain but write none of it (speed and memory without the disk)");
    cmd->add_flag("--stats", args->stats, "print the statistics (also written to OUT/stats.json)");
    cmd->callback([args] {
        sim::Config cfg = sim::preset(args->preset, args->seed);
        if (args->blocks) cfg.blocks = args->blocks;
        sim::Options opt;
        opt.out_dir = args->out;
        if (args->format == "rpc") opt.format = sim::Format::Rpc;
        else if (args->format == "etl") opt.format = sim::Format::Etl;
        else throw InputError("--format must be rpc or etl");
        opt.blocks_per_file = args->per_file;
        if (args->layout == "lines") opt.layout = sim::Layout::Lines;
        else if (args->layout == "per-response") opt.layout = sim::Layout::PerResponse;
        else throw InputError("--layout must be lines or per-response");
        if (opt.layout != sim::Layout::Lines && opt.format != sim::Format::Rpc) throw InputError("--layout applies to --format rpc");
        opt.discard_chain = args->discard;
        const auto t0 = std::chrono::steady_clock::now();
        const sim::Stats st = sim::simulate(cfg, opt);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        fmt::print("simulated {} blocks, {} transactions, {} transfers, {} actors, {} bytes in {:.1f} s into {}\n", st.blocks, st.txs,
                   st.transfers, st.actors, st.bytes_written, secs, args->out);
        if (args->stats) {
            fmt::print("transfers by kind:\n");
            for (const auto& [k, v] : st.by_kind) fmt::print("  {:<16} {}\n", k, v);
            fmt::print("laundering transfers by typology:\n");
            for (const auto& [k, v] : st.by_typology) fmt::print("  {:<16} {}\n", k, v);
            fmt::print("background transactions by action:\n");
            for (const auto& [k, v] : st.by_action) fmt::print("  {:<20} {}\n", k, v);
            fmt::print("out-degree distribution (transfers sent, log2 bucket: addresses):\n");
            for (const auto& [k, v] : st.out_degree_log2) fmt::print("  [{}, {}) {}\n", 1u << k, 2u << k, v);
            fmt::print("in-degree distribution (transfers received, log2 bucket: addresses):\n");
            for (const auto& [k, v] : st.in_degree_log2) fmt::print("  [{}, {}) {}\n", 1u << k, 2u << k, v);
        }
    });
}

}  // namespace chainward::cli
