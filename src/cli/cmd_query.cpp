// stats, transfers, balance: read-only views of the store.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "store/store.hpp"

namespace chainward::cli {
namespace {

using store::TransferStore;

std::unique_ptr<TransferStore> open_ro(const std::string& dir) {
    auto st = TransferStore::open(dir, TransferStore::Mode::ReadOnly);
    load_token_metadata(*st);
    return st;
}

struct StatsArgs {
    std::string data_dir;
    bool json = false, hash = false;
};

void run_stats(const StatsArgs& a) {
    auto st = open_ro(a.data_dir);
    auto s = st->stats();
    double per = s.transfers ? static_cast<double>(s.transfer_bytes) / s.transfers : 0;
    std::string h = a.hash ? st->content_hash().hex() : "";
    if (a.json) {
        fmt::print(
            "{{\"blocks\":{},\"first_block\":{},\"last_block\":{},\"transactions\":{},\"transfers\":{},\"addresses\":{},"
            "\"assets\":{},\"segments\":{},\"bytes\":{{\"transfers_and_indexes\":{},\"hashes\":{},\"dictionaries\":{},"
            "\"other\":{}}},\"bytes_per_transfer\":{:.2f}{}}}\n",
            s.blocks, s.first_block ? std::to_string(*s.first_block) : "null",
            s.last_block ? std::to_string(*s.last_block) : "null", s.txs, s.transfers, s.addresses, s.assets, s.segments,
            s.transfer_bytes, s.hash_bytes, s.dictionary_bytes, s.other_bytes, per,
            a.hash ? ",\"content_hash\":\"" + h + "\"" : "");
        return;
    }
    fmt::print("store        {}\n", st->dir().string());
    if (s.first_block)
        fmt::print("blocks       {} ({}..{})\n", s.blocks, *s.first_block, *s.last_block);
    else
        fmt::print("blocks       0\n");
    fmt::print("transactions {} (with transfers)\ntransfers    {}\naddresses    {}\nassets       {}\nsegments     {}\n", s.txs,
               s.transfers, s.addresses, s.assets, s.segments);
    fmt::print("disk         {:.1f} bytes/transfer with both directions indexed; hashes {} B, dictionaries {} B, other {} B\n",
               per, s.hash_bytes, s.dictionary_bytes, s.other_bytes);
    if (a.hash) fmt::print("content hash {}\n", h);
}

struct TransfersArgs {
    std::string data_dir, address, asset;
    bool in = false, out = false, json = false;
    std::size_t limit = 100;
};

void run_transfers(const TransfersArgs& a) {
    auto st = open_ro(a.data_dir);
    Address addr = parse_address_arg(a.address, "ADDRESS");
    std::optional<AssetSelection> sel;
    if (!a.asset.empty()) sel = select_asset(*st, a.asset);
    auto dir = a.in && !a.out ? store::Direction::In : a.out && !a.in ? store::Direction::Out : store::Direction::Both;
    std::size_t n = 0;
    bool more = false;
    if (a.json) fmt::print("[");
    if (auto id = st->find_address(addr)) {
        st->for_each_of(*id, dir, [&](const store::TransferRef& r) {
            if (sel && std::find(sel->ids.begin(), sel->ids.end(), r.asset) == sel->ids.end()) return true;
            if (a.limit && n >= a.limit) {
                more = true;
                return false;
            }
            Transfer t = st->resolve(r);
            AssetDisplay d = display_asset(t.asset);
            std::string from = t.from ? t.from->checksum() : "none", to = t.to ? t.to->checksum() : "none";
            if (a.json) {
                std::string asset = t.asset.type == AssetType::Native ? "native" : t.asset.contract.hex();
                fmt::print("{}\n{{\"block\":{},\"tx_index\":{},\"seq\":{},\"kind\":\"{}\",\"ref\":{},\"from\":{},\"to\":{},"
                           "\"asset\":\"{}\",\"token_id\":{},\"amount\":\"{}\",\"amount_human\":\"{}\",\"symbol\":{},"
                           "\"tx_hash\":{}}}",
                           n ? "," : "", t.block, t.tx_index == kBlockLevelTx ? std::string("null") : std::to_string(t.tx_index),
                           t.seq, kind_name(t.kind), t.ref, t.from ? "\"" + t.from->hex() + "\"" : "null",
                           t.to ? "\"" + t.to->hex() + "\"" : "null", asset,
                           t.asset.type == AssetType::Erc721 || t.asset.type == AssetType::Erc1155
                               ? "\"" + t.asset.token_id.str() + "\""
                               : "null",
                           t.amount.str(), format_units(t.amount, d.decimals),
                           d.symbol ? "\"" + json_escape(*d.symbol) + "\"" : "null",
                           t.tx_index == kBlockLevelTx ? std::string("null") : "\"" + t.tx_hash.hex() + "\"");
            } else {
                if (n == 0)
                    fmt::print("{:>9} {:>9} {:<12} {:<3} {:<42} {:>28} {}\n", "block", "tx:seq", "kind", "dir", "counterparty",
                               "amount", "asset");
                bool outgoing = t.from && *t.from == addr;
                bool self = outgoing && t.to && *t.to == addr;
                std::string pos = t.tx_index == kBlockLevelTx ? fmt::format("B:{}", t.seq) : fmt::format("{}:{}", t.tx_index, t.seq);
                fmt::print("{:>9} {:>9} {:<12} {:<3} {:<42} {:>28} {}\n", t.block, pos, kind_name(t.kind),
                           self ? "<->" : outgoing ? "out" : "in", outgoing ? to : from, format_units(t.amount, d.decimals), d.name);
            }
            ++n;
            return true;
        });
    }
    if (a.json) {
        fmt::print("{}]\n", n ? "\n" : "");
    } else if (n == 0) {
        fmt::print("no transfers of {} in the store\n", addr.checksum());
    } else if (more) {
        fmt::print("(first {} shown; --limit N for more, --limit 0 for all)\n", a.limit);
    }
}

struct BalanceArgs {
    std::string data_dir, address, asset = "native";
    std::optional<std::uint64_t> at;
    bool json = false;
};

void run_balance(const BalanceArgs& a) {
    auto st = open_ro(a.data_dir);
    Address addr = parse_address_arg(a.address, "ADDRESS");
    AssetSelection sel = select_asset(*st, a.asset);
    I512 bal = 0;
    std::uint64_t count = 0;
    if (auto id = st->find_address(addr)) {
        st->for_each_of(*id, store::Direction::Both, [&](const store::TransferRef& r) {
            if (a.at && r.block > *a.at) return false;  // chain order: nothing later counts
            if (std::find(sel.ids.begin(), sel.ids.end(), r.asset) == sel.ids.end()) return true;
            if (r.to == *id) bal += I512(r.amount);
            if (r.from == *id) bal -= I512(r.amount);
            ++count;
            return true;
        });
    }
    bool neg = bal < 0;
    U256 mag = static_cast<U256>(neg ? I512(-bal) : bal);
    std::string base = (neg ? "-" : "") + mag.str(), human = (neg ? "-" : "") + format_units(mag, sel.decimals);
    auto last = st->last_block();
    std::uint64_t at = a.at ? std::min(*a.at, last.value_or(0)) : last.value_or(0);
    if (a.json) {
        fmt::print("{{\"address\":\"{}\",\"asset\":\"{}\",\"balance\":\"{}\",\"balance_human\":\"{}\",\"decimals\":{},"
                   "\"block\":{},\"transfers\":{}}}\n",
                   addr.hex(), sel.json_asset, base, human, sel.decimals, at, count);
    } else {
        fmt::print("{} {} at block {} ({} transfers){}\n", human, sel.label, at, count,
                   neg ? "  [negative: the store lacks earlier history or opening balances]" : "");
    }
}

}  // namespace

void add_stats_command(CLI::App& app) {
    auto a = std::make_shared<StatsArgs>();
    auto* cmd = app.add_subcommand("stats", "Show what the store holds and its size on disk");
    add_data_dir_option(*cmd, a->data_dir);
    cmd->add_flag("--json", a->json, "machine-readable output");
    cmd->add_flag("--hash", a->hash, "also compute the content hash of all transfers (reads everything)");
    cmd->callback([a] { run_stats(*a); });
}

void add_transfers_command(CLI::App& app) {
    auto a = std::make_shared<TransfersArgs>();
    auto* cmd = app.add_subcommand("transfers", "List an address's transfers in chain order");
    add_data_dir_option(*cmd, a->data_dir);
    cmd->add_option("ADDRESS", a->address, "0x-prefixed address")->required();
    cmd->add_option("--asset", a->asset, "native/ETH, a token contract, or a known symbol (USDT, WETH, …)");
    cmd->add_flag("--in", a->in, "incoming only")->excludes(cmd->add_flag("--out", a->out, "outgoing only"));
    cmd->add_option("--limit", a->limit, "at most N transfers (0 = all; default 100)");
    cmd->add_flag("--json", a->json, "JSON array; amounts in base units as decimal strings");
    cmd->callback([a] { run_transfers(*a); });
}

void add_balance_command(CLI::App& app) {
    auto a = std::make_shared<BalanceArgs>();
    auto* cmd = app.add_subcommand("balance", "Balance of an address computed from stored transfers");
    add_data_dir_option(*cmd, a->data_dir);
    cmd->add_option("ADDRESS", a->address, "0x-prefixed address")->required();
    cmd->add_option("--asset", a->asset, "native/ETH (default), a token contract, or a known symbol");
    cmd->add_option("--at", a->at, "balance after this block (default: the newest stored)");
    cmd->add_flag("--json", a->json, "JSON; balance in base units as a decimal string");
    cmd->callback([a] { run_balance(*a); });
}

}  // namespace chainward::cli
