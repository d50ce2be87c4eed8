// rollback and compact: the store's maintenance commands.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "store/store.hpp"

namespace chainward::cli {

void add_rollback_command(CLI::App& app) {
    struct Args {
        std::string data_dir;
        std::optional<std::uint64_t> blocks, to;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("rollback", "Remove the newest blocks (after a chain reorganisation)");
    add_data_dir_option(*cmd, a->data_dir);
    auto* b = cmd->add_option("--blocks", a->blocks, "number of newest blocks to remove");
    auto* t = cmd->add_option("--to", a->to, "keep blocks up to and including this one");
    b->excludes(t);
    cmd->callback([a] {
        if (!a->blocks && !a->to) throw InputError("rollback: give --blocks N or --to BLOCK");
        auto st = store::TransferStore::open(a->data_dir, store::TransferStore::Mode::ReadWrite);
        auto last = st->last_block();
        if (!last) throw InputError("rollback: the store is empty");
        std::uint64_t keep = a->to ? *a->to : (*a->blocks > *last ? 0 : *last - *a->blocks);
        if (a->blocks && *a->blocks > *last) throw InputError(fmt::format("rollback: the store holds blocks only up to {}", *last));
        st->rollback_to(keep);
        fmt::print("rolled back to block {} (removed {} blocks)\n", keep, *last > keep ? *last - keep : 0);
    });
}

void add_compact_command(CLI::App& app) {
    auto dir = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("compact", "Merge all segments into one");
    add_data_dir_option(*cmd, *dir);
    cmd->callback([dir] {
        auto st = store::TransferStore::open(*dir, store::TransferStore::Mode::ReadWrite);
        auto before = st->stats().segments;
        st->compact();
        fmt::print("compacted {} segments into {}\n", before, st->stats().segments);
    });
}

}  // namespace chainward::cli
