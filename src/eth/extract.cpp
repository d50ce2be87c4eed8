// BlockData -> transfers. The rules (and why) are written down in docs/ingest.md.
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <functional>

#include "core/abi.hpp"
#include "eth/eth.hpp"

namespace chainward::eth {
namespace {


struct Topics {
    Hash32 transfer = keccak256("Transfer(address,address,uint256)");
    Hash32 transfer_single = keccak256("TransferSingle(address,address,address,uint256,uint256)");
    Hash32 transfer_batch = keccak256("TransferBatch(address,address,address,uint256[],uint256[])");
    Hash32 deposit = keccak256("Deposit(address,uint256)");
    Hash32 withdrawal = keccak256("Withdrawal(address,uint256)");
    /// THORChain router: Deposit(address indexed to, address indexed asset, uint amount, string memo)
    Hash32 thorchain_deposit = keccak256("Deposit(address,address,uint256,string)");
};
const Topics& topics() {
    static const Topics t;
    return t;
}

constexpr std::uint64_t kMergeBlock = 15'537'394;   // first proof-of-stake block on mainnet
constexpr std::uint64_t kCancunBlock = 19'426'587;  // EIP-6780 (SELFDESTRUCT) on mainnet

std::span<const std::uint8_t> word(const std::vector<std::uint8_t>& data, std::size_t i) {
    return {data.data() + 32 * i, 32};
}

/// A token event's party: the zero address is no account (mints come from none, burns go to
/// none), so taint burnt by one transfer never reappears in the next unrelated mint.
std::optional<Address> party(const Address& a) {
    if (a.is_zero()) return std::nullopt;
    return a;
}

class BlockExtractor {
public:
    BlockExtractor(const BlockData& b, const ExtractOptions& opt, ExtractStats* stats, std::vector<TxNote>* notes)
        : b_(b), opt_(opt), stats_(stats), notes_(notes) {}

    std::vector<Transfer> run() {
        for (const auto& tx : b_.txs) one_tx(tx);
        block_level();
        return std::move(out_);
    }

private:
    Transfer& add(std::uint32_t tx_index, const Hash32& tx_hash, TransferKind kind, std::uint32_t ref,
                  std::optional<Address> from, std::optional<Address> to, AssetKey asset, U256 amount) {
        Transfer t;
        t.block = b_.number;
        t.tx_index = tx_index;
        t.seq = seq_++;
        t.kind = kind;
        t.ref = ref;
        t.from = from;
        t.to = to;
        t.asset = std::move(asset);
        t.amount = std::move(amount);
        t.tx_hash = tx_hash;
        out_.push_back(std::move(t));
        return out_.back();
    }

    bool succeeded(const TxData& tx, const ReceiptData& r) {
        if (r.status) return *r.status == 1;
        // Before Byzantium receipts carry no status. The top frame of a trace says whether the
        // transaction failed; without traces we count it as successful, as ethereum-etl does
        // (its receipt_status is null and its transactions table keeps the value).
        if (stats_) stats_->status_from_traces = true;
        if (b_.traces) return !(*b_.traces)[tx.index].error;
        return true;
    }

    void one_tx(const TxData& tx) {
        seq_ = 0;
        current_tx_ = tx.index;
        tx_start_ = out_.size();
        claimed_.clear();
        const ReceiptData& r = *b_.receipts[tx.index];
        const AssetKey native{};
        if (succeeded(tx, r)) {
            if (tx.value != 0) {
                if (tx.to)
                    add(tx.index, tx.hash, TransferKind::Call, 0, tx.from, tx.to, native, tx.value);
                else
                    add(tx.index, tx.hash, TransferKind::Create, 0, tx.from, r.contract_address, native, tx.value);
            }
            if (b_.traces) {
                if (stats_) stats_->used_traces = true;
                std::uint32_t ordinal = 0;
                const CallFrame& top = (*b_.traces)[tx.index];
                for (const auto& c : top.calls) frames(tx, c, ordinal);
            }
            for (const auto& log : r.logs) decode_log(tx, log);
        }
        fee(tx, r);
    }

    /// Depth-first over inner frames; a failed frame moves nothing, nor does anything below it.
    void frames(const TxData& tx, const CallFrame& c, std::uint32_t& ordinal) {
        std::uint32_t me = ++ordinal;
        if (c.error) {
            skip_count(c, ordinal);
            return;
        }
        if (c.value != 0) {
            const AssetKey native{};
            switch (c.type) {
                case FrameType::Call: add(tx.index, tx.hash, TransferKind::Internal, me, c.from, c.to, native, c.value); break;
                // CALLCODE runs the callee's code in the caller's own context: the value stays.
                case FrameType::CallCode: add(tx.index, tx.hash, TransferKind::Internal, me, c.from, c.from, native, c.value); break;
                case FrameType::Create:
                case FrameType::Create2: add(tx.index, tx.hash, TransferKind::Create, me, c.from, c.to, native, c.value); break;
                case FrameType::SelfDestruct: self_destruct(tx, c, me); break;
                default: break;  // DELEGATECALL/STATICCALL move no value (some tracers repeat the parent's)
            }
        }
        for (const auto& sub : c.calls) frames(tx, sub, ordinal);
    }
    /// SELFDESTRUCT to another address moves the balance there. To itself, the balance is
    /// destroyed when the contract dies: always before Cancun, and since Cancun (EIP-6780) only
    /// when it was created in the same transaction; otherwise nothing moves.
    void self_destruct(const TxData& tx, const CallFrame& c, std::uint32_t me) {
        const AssetKey native{};
        if (c.to && *c.to != c.from) {
            add(tx.index, tx.hash, TransferKind::SelfDestruct, me, c.from, c.to, native, c.value);
            return;
        }
        bool pre_cancun = opt_.chain_id == 1 && b_.number < kCancunBlock;
        const bool created = created_in_tx(c.from);
        if (opt_.chain_id == 0 && b_.number < kCancunBlock && !created && stats_) stats_->mainnet_rules_skipped = true;
        if (pre_cancun || created) add(tx.index, tx.hash, TransferKind::SelfDestruct, me, c.from, std::nullopt, native, c.value);
    }
    bool created_in_tx(const Address& a) const {
        std::function<bool(const CallFrame&)> walk = [&](const CallFrame& f) {
            if ((f.type == FrameType::Create || f.type == FrameType::Create2) && !f.error && f.to == a) return true;
            for (const auto& sub : f.calls)
                if (!f.error && walk(sub)) return true;
            return false;
        };
        return b_.traces && walk((*b_.traces)[current_tx_]);
    }

    static void skip_count(const CallFrame& c, std::uint32_t& ordinal) {
        for (const auto& sub : c.calls) {
            ++ordinal;
            skip_count(sub, ordinal);
        }
    }

    void decode_log(const TxData& tx, const LogData& log) {
        if (log.topics.empty()) return;
        const auto& t = topics();
        const Hash32& t0 = log.topics[0];
        if (t0 == t.transfer) {
            // As ethereum-etl: topics after the first plus the data words must be exactly
            // from, to, value (ERC-20: 3 topics + 1 word; ERC-721: 4 topics, id indexed; some
            // early tokens index nothing and put all three in data).
            if (log.data.size() % 32) return;
            std::size_t words = log.topics.size() - 1 + log.data.size() / 32;
            if (words != 3) return;
            std::vector<std::span<const std::uint8_t>> w;
            for (std::size_t i = 1; i < log.topics.size(); ++i) w.push_back(log.topics[i].b);
            for (std::size_t i = 0; i < log.data.size() / 32; ++i) w.push_back(word(log.data, i));
            Address from, to;
            try {
                from = address_from_word(w[0]);
                to = address_from_word(w[1]);
            } catch (const std::invalid_argument&) {
                return;  // not an address-typed Transfer (another event with the same signature)
            }
            U256 v = u256_from_be(w[2]);
            if (log.topics.size() == 4)
                add(tx.index, tx.hash, TransferKind::Nft, log.log_index, party(from), party(to), {AssetType::Erc721, log.address, v}, 1);
            else
                add(tx.index, tx.hash, TransferKind::Token, log.log_index, party(from), party(to), {AssetType::Erc20, log.address, 0}, v);
        } else if ((t0 == t.transfer_single || t0 == t.transfer_batch) && log.topics.size() == 4) {
            // ERC-1155: topics are (signature, operator, from, to); data holds the id(s) and value(s).
            Address from, to;
            try {
                from = address_from_word(log.topics[2].b);
                to = address_from_word(log.topics[3].b);
            } catch (const std::invalid_argument&) {
                return;
            }
            std::optional<std::vector<U256>> ids, values;
            if (t0 == t.transfer_single && log.data.size() == 64) {
                ids = std::vector<U256>{u256_from_be(word(log.data, 0))};
                values = std::vector<U256>{u256_from_be(word(log.data, 1))};
            } else if (t0 == t.transfer_batch) {
                abi::Reader r(log.data, "TransferBatch data");
                try {
                    ids = r.uint_array_at(0);
                    values = r.uint_array_at(32);
                } catch (const InputError&) {
                    return;  // malformed: not the standard event, moves nothing
                }
            }
            if (!ids || !values || ids->size() != values->size()) return;
            for (std::size_t i = 0; i < ids->size(); ++i)
                add(tx.index, tx.hash, TransferKind::Multi, log.log_index, party(from), party(to), {AssetType::Erc1155, log.address, (*ids)[i]},
                    (*values)[i]);
        } else if (t0 == t.thorchain_deposit && log.topics.size() == 3) {
            // The value itself moves as ether or a token transfer in the same transaction; the
            // memo says where it goes: keep it with the transaction.
            if (!notes_) return;
            std::span<const std::uint8_t> memo;
            try {
                memo = abi::Reader(log.data, "Deposit data").bytes_at(32);
            } catch (const InputError&) {
                return;
            }
            notes_->push_back({tx.index, exit_note("thorchain", log.address, {reinterpret_cast<const char*>(memo.data()), memo.size()})});
        } else if ((t0 == t.deposit || t0 == t.withdrawal) && log.topics.size() == 2 && log.data.size() == 32) {
            Address who;
            try {
                who = address_from_word(log.topics[1].b);
            } catch (const std::invalid_argument&) {
                return;
            }
            // The zero address is no account (as for token events): a wrap to it or an unwrap
            // from it would give it a balance that later mints or burns could carry taint through.
            if (who.is_zero()) return;
            AssetKey wrapped{AssetType::Erc20, log.address, 0};
            U256 wad = u256_from_be(word(log.data, 0));
            // A listed wrapper (built-in table, --weth) is trusted; any other contract's event
            // counts only with the native coin moving to it (Deposit) or from it (Withdrawal).
            const bool listed = std::find(opt_.wrapped_native.begin(), opt_.wrapped_native.end(), log.address) !=
                                opt_.wrapped_native.end();
            if (!listed && !(t0 == t.deposit ? take_native(who, log.address, wad) : take_native(log.address, who, wad)))
                return;
            if (t0 == t.deposit)
                add(tx.index, tx.hash, TransferKind::Wrap, log.log_index, std::nullopt, who, wrapped, wad);
            else
                add(tx.index, tx.hash, TransferKind::Unwrap, log.log_index, who, std::nullopt, wrapped, wad);
        }
    }

    /// Finds a native transfer of this transaction, outside any reverted frame, of exactly
    /// `amount` from `from` to `to` that no earlier event claimed, and claims it. The
    /// transaction's transfers so far are its own value and its inner frames: logs come after.
    bool take_native(const Address& from, const Address& to, const U256& amount) {
        if (amount == 0) return false;
        for (std::size_t i = tx_start_; i < out_.size(); ++i) {
            const Transfer& x = out_[i];
            bool native_move = x.asset.type == AssetType::Native && x.kind != TransferKind::Fee && x.kind != TransferKind::Burn;
            if (native_move && x.from == from && x.to == to && x.amount == amount &&
                std::find(claimed_.begin(), claimed_.end(), i) == claimed_.end()) {
                claimed_.push_back(i);
                return true;
            }
        }
        return false;
    }

    /// a x b, refused when it exceeds 2^256 (a hostile node's price or gas): fees are amounts
    /// like any other and must not wrap into small numbers.
    U256 fee_product(const U256& a, const U256& b, const TxData& tx, const char* what) const {
        if (a != 0 && b > ~U256(0) / a)
            throw InputError(fmt::format("{}: block {} transaction {}: {} exceeds 2^256", b_.source, b_.number, tx.hash.hex(), what));
        return a * b;
    }

    void fee(const TxData& tx, const ReceiptData& r) {
        U256 price = r.effective_gas_price ? *r.effective_gas_price : tx.gas_price.value_or(0);
        U256 total = fee_product(price, r.gas_used, tx, "gasUsed x gas price");
        U256 burnt = b_.base_fee ? std::min<U256>(fee_product(*b_.base_fee, r.gas_used, tx, "gasUsed x baseFeePerGas"), total) : U256(0);
        const AssetKey native{};
        if (total > burnt) add(tx.index, tx.hash, TransferKind::Fee, 0, tx.from, b_.miner, native, total - burnt);
        // EIP-4844: blob gas is paid in full whether the transaction succeeds or not, and burnt.
        if (r.blob_gas_used && r.blob_gas_price && *r.blob_gas_used != 0) {
            const U256 blob = fee_product(*r.blob_gas_price, *r.blob_gas_used, tx, "blobGasUsed x blobGasPrice");
            if (burnt > ~U256(0) - blob)
                throw InputError(fmt::format("{}: block {} transaction {}: blobGasUsed x blobGasPrice exceeds 2^256", b_.source,
                                             b_.number, tx.hash.hex()));
            burnt += blob;
        }
        if (burnt != 0) add(tx.index, tx.hash, TransferKind::Burn, 0, tx.from, std::nullopt, native, burnt);
    }

    void block_level() {
        seq_ = 0;
        const AssetKey native{};
        const Hash32 none{};
        if (b_.rewards) {
            for (const auto& rw : *b_.rewards)
                if (rw.value != 0) add(kBlockLevelTx, none, TransferKind::Reward, 0, std::nullopt, rw.author, native, rw.value);
        } else if (opt_.chain_id == 0 && b_.number > 0 && b_.number < kMergeBlock) {
            if (stats_) stats_->mainnet_rules_skipped = true;
        } else if (opt_.chain_id == 1 && b_.number > 0 && b_.number < kMergeBlock) {
            // Fork schedule: the miner's reward plus 1/32 of it per included uncle. Uncle miners'
            // own rewards need the uncle headers (trace_block reward entries carry them).
            U256 base = mainnet_block_reward(b_.number);
            add(kBlockLevelTx, none, TransferKind::Reward, 0, std::nullopt, b_.miner, native,
                base + base / 32 * b_.uncle_count);
        }
        std::uint32_t i = 0;
        for (const auto& w : b_.withdrawals) {
            if (w.amount_gwei) add(kBlockLevelTx, none, TransferKind::Withdrawal, i, std::nullopt, w.address, native,
                                   U256(w.amount_gwei) * 1'000'000'000u);
            ++i;
        }
    }

    const BlockData& b_;
    const ExtractOptions& opt_;
    ExtractStats* stats_;
    std::vector<TxNote>* notes_;
    std::vector<Transfer> out_;
    std::uint32_t seq_ = 0;
    std::uint32_t current_tx_ = 0;
    std::size_t tx_start_ = 0;           ///< first transfer of the current transaction in out_
    std::vector<std::size_t> claimed_;  ///< its native transfers matched to wrap events
};

}  // namespace

bool is_value_event(const Hash32& t0) {
    const auto& t = topics();
    return t0 == t.transfer || t0 == t.transfer_single || t0 == t.transfer_batch || t0 == t.deposit || t0 == t.withdrawal ||
           t0 == t.thorchain_deposit;
}

std::optional<std::uint64_t> chain_id_of(const BlockData& b) {
    static const Hash32 kMainnetGenesis = parse_hash("0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3");
    std::optional<std::uint64_t> id;
    if (b.number == 0 && b.hash == kMainnetGenesis) id = 1;
    for (const auto& tx : b.txs) {
        if (!tx.chain_id) continue;
        if (id && *id != *tx.chain_id)
            throw InputError(fmt::format("{}: block {}: transaction {} is signed for chain {}, another of the block for chain {}",
                                         b.source, b.number, tx.hash.hex(), *tx.chain_id, *id));
        id = tx.chain_id;
    }
    return id;
}

U256 mainnet_block_reward(std::uint64_t n) {
    const U256 eth = U256(1'000'000'000'000'000'000ull);
    if (n >= kMergeBlock) return 0;
    if (n >= 7'280'000) return 2 * eth;  // Constantinople
    if (n >= 4'370'000) return 3 * eth;  // Byzantium
    return 5 * eth;
}

std::vector<Transfer> extract_transfers(const BlockData& b, const ExtractOptions& opt, ExtractStats* stats,
                                        std::vector<TxNote>* notes) {
    if (!b.receipts_complete()) throw InputError(b.source + ": block " + std::to_string(b.number) + ": receipts missing");
    return BlockExtractor(b, opt, stats, notes).run();
}

std::vector<Transfer> read_genesis_alloc(const std::filesystem::path& file) {
    simdjson::padded_string buf;
    if (auto err = simdjson::padded_string::load(file.string()).get(buf))
        throw InputError(file.string() + ": cannot read: " + simdjson::error_message(err));
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(buf).get(doc)) throw InputError(file.string() + ": malformed JSON: " + simdjson::error_message(err));
    simdjson::dom::object alloc;
    if (doc["alloc"].get(alloc)) throw InputError(file.string() + ": alloc: missing field or not an object");
    std::vector<std::pair<Address, U256>> entries;
    for (auto [key, value] : alloc) {
        std::string field = "alloc." + std::string(key);
        Address a;
        try {
            a = parse_address(key);
        } catch (const std::invalid_argument& e) {
            throw InputError(file.string() + ": " + field + ": " + e.what());
        }
        std::string_view bal;
        if (value["balance"].get(bal)) throw InputError(file.string() + ": " + field + ".balance: missing or not a string");
        try {
            entries.emplace_back(a, parse_u256(bal));
        } catch (const std::invalid_argument& e) {
            throw InputError(file.string() + ": " + field + ".balance: " + e.what());
        }
    }
    std::sort(entries.begin(), entries.end(), [](auto& x, auto& y) { return x.first < y.first; });
    std::vector<Transfer> out;
    for (auto& [a, v] : entries) {
        if (v == 0) continue;
        Transfer t;
        t.block = 0;
        t.tx_index = kBlockLevelTx;
        t.seq = static_cast<std::uint32_t>(out.size());
        t.kind = TransferKind::Genesis;
        t.to = a;
        t.amount = v;
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace chainward::eth
