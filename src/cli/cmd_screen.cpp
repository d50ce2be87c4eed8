#include <fmt/format.h>

#include <fstream>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "risk/risk.hpp"

namespace chainward::cli {
namespace {

struct ScreenArgs {
    std::string data_dir, address, out;
    bool json = false;
};

void run_screen(const ScreenArgs& a) {
    const Address addr = parse_address_arg(a.address, "ADDRESS");
    // Only the rows file is read (no store, no graph): a lookup is one binary search.
    auto ix = risk::Index::open(risk::exposure_dir(a.data_dir));
    if (!ix)
        throw InputError(
            fmt::format("{}: no exposure yet; run `chainward exposure rebuild --data-dir {} "
                        "--labels FILE` first",
                        risk::exposure_dir(a.data_dir).string(), a.data_dir));
    auto r = ix->screen(addr);
    auto name = [](const AssetKey& k) { return display_asset(k).name; };
    std::string text =
        a.json ? risk::screen_json(r, name)
               : risk::screen_text(r, name,
                                   [](const AssetKey& k, const U256& v) {
                                       auto d = display_asset(k);
                                       return format_units(v, d.decimals) + " " + d.name;
                                   }) +
                     fmt::format("(exposure as of block {}, up to {} intermediate hops)\n",
                                 ix->last_block() ? std::to_string(*ix->last_block()) : "none",
                                 ix->hops());
    if (a.out.empty()) {
        fmt::print("{}", text);
        return;
    }
    std::ofstream f(a.out, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f) throw InputError("cannot write " + a.out);
}

}  // namespace

void add_screen_command(CLI::App& app) {
    auto a = std::make_shared<ScreenArgs>();
    auto* cmd = app.add_subcommand(
        "screen", "Labels, exposure, risk level and evidence of an address (docs/exposure.md)");
    add_data_dir_option(*cmd, a->data_dir);
    cmd->add_option("ADDRESS", a->address, "address to screen (0x…)")->required();
    cmd->add_flag("--json", a->json, "JSON output (schema in docs/exposure.md)");
    cmd->add_option("--out", a->out, "write the report to a file");
    cmd->callback([a] { run_screen(*a); });
}

}  // namespace chainward::cli
