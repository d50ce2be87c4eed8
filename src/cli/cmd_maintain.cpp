// rollback and compact: the store's maintenance commands.
#include <fmt/format.h>

#include <algorithm>

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
        auto before = st->stats();
        if (!before.last_block) throw InputError("rollback: the store is empty");
        std::uint64_t first = *before.first_block, last = *before.last_block;
        if (a->to && *a->to > last)
            throw InputError(fmt::format("rollback: --to {} is beyond the newest stored block {} (nothing to remove)", *a->to, last));
        if (a->blocks && *a->blocks > before.blocks)
            throw InputError(fmt::format("rollback: --blocks {}: the store holds only {} blocks ({}..{})", *a->blocks, before.blocks,
                                         first, last));
        // The kept chain ends at `keep`; below the first stored block nothing is kept.
        std::uint64_t keep = a->to ? *a->to : last - *a->blocks;
        if (keep >= last) {
            fmt::print("nothing to remove: the store ends at block {}\n", last);
            return;
        }
        st->rollback_to(keep);
        auto after = st->stats();
        std::uint64_t from = std::max(first, keep + 1);
        fmt::print("rolled back: removed blocks {}..{} ({} blocks, {} transactions, {} transfers); the store now {}\n", from, last,
                   before.blocks - after.blocks, before.txs - after.txs, before.transfers - after.transfers,
                   after.last_block ? fmt::format("ends at block {}", *after.last_block) : std::string("holds no blocks"));
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
