// The chain generator: actors and their balances, background activity, heists and laundering
// playbooks, block assembly, and the records each transaction moves (exactly the transfers that
// `chainward ingest` extracts from the written JSON). One block is held in memory at a time.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "sim/model.hpp"

namespace chainward::sim {

namespace {

constexpr u128 kGwei = 1000000000ull;
constexpr u128 kEther = kGwei * kGwei;
constexpr u128 kUsdUnit = 1000000ull;  // 6 decimals
constexpr std::uint64_t kChainId = 1337;
constexpr std::uint64_t kGenesisTime = 1735689600;  // 2025-01-01T00:00:00Z

/// What an actor is (labels, roles, behaviour).
enum class Cat : std::uint8_t {
    None, User, Fresh, Exchange, ExchangeCold, Deposit, Mixer, Bridge, Dex, Weth, Token, Nft,
    Market, Contract, Victim, Attacker, Builder, Staker, Service
};

std::string hexw(u128 v) {  // one 32-byte ABI word
    char tmp[64];
    for (int i = 63; i >= 0; --i) {
        tmp[i] = "0123456789abcdef"[static_cast<unsigned>(v & 15)];
        v >>= 4;
    }
    return std::string(tmp, 64);
}
std::string word_addr(const Address& a) { return std::string(24, '0') + a.hex().substr(2); }
Hash32 topic_addr(const Address& a) {
    Hash32 h{};
    std::copy(a.b.begin(), a.b.end(), h.b.begin() + 12);
    return h;
}
Hash32 topic_u(u128 v) {
    Hash32 h{};
    for (int i = 31; i >= 16; --i) {
        h.b[i] = static_cast<std::uint8_t>(v & 0xff);
        v >>= 8;
    }
    return h;
}
std::string selector(std::string_view sig) {
    Hash32 h = keccak256(sig);
    return to_hex(std::span<const std::uint8_t>(h.b.data(), 4)).substr(2);
}

std::string dec(u128 v) {
    std::string s;
    do {
        s.insert(s.begin(), static_cast<char>('0' + static_cast<unsigned>(v % 10)));
        v /= 10;
    } while (v);
    return s;
}

struct Sel {
    std::string transfer = selector("transfer(address,uint256)");
    std::string transfer_from = selector("transferFrom(address,address,uint256)");
    std::string approve = selector("approve(address,uint256)");
    std::string deposit = selector("deposit()");
    std::string withdraw = selector("withdraw(uint256)");
    std::string eth_for_tokens = selector("swapExactETHForTokens(uint256,address[],address,uint256)");
    std::string tokens_for_eth = selector("swapExactTokensForETH(uint256,uint256,address[],address,uint256)");
    std::string tokens_for_tokens = selector("swapExactTokensForTokens(uint256,uint256,address[],address,uint256)");
    std::string pool_swap = selector("swap(uint256,uint256,address,bytes)");
    std::string mix_deposit = selector("deposit(bytes32)");
    std::string mix_withdraw = selector("withdraw(bytes,bytes32,bytes32,address,address,uint256,uint256)");
    std::string bridge_deposit = selector("depositEthFor(address)");
    std::string bridge_withdraw = selector("withdrawERC20For(uint256,address,address,uint256,bytes)");
    std::string buy = selector("buy(address,uint256)");
    std::string batch_mint = selector("batchMint(address[],uint256[])");
    std::string multisend = selector("multisend(address,address[],uint256[])");
    std::string disperse = selector("disperseEther(address[],uint256[])");
    std::string exec = selector("execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)");
    std::string sweep_eth = selector("sweepETH(address)");
    std::string sweep_erc20 = selector("sweepERC20(address,address)");
    std::string deploy = selector("deploy(bytes32,bytes)");
    std::string kill = selector("kill()");
};

}  // namespace

const char* typology_name(Typology t) {
    static const char* n[] = {"none", "heist-source", "gas-funding", "fan-out", "pass-through", "swap",
                              "mixer-deposit", "mixer-withdrawal", "bridge-exit", "exchange-deposit",
                              "nft-purchase", "peel-chain"};
    return n[static_cast<int>(t)];
}
const char* heist_kind_name(HeistKind k) {
    switch (k) {
        case HeistKind::SafeDrain: return "safe-drain";
        case HeistKind::BridgeDrain: return "bridge-drain";
        case HeistKind::HotWallet: return "hot-wallet";
    }
    return "?";
}

namespace {

struct HeistState {
    HeistSpec spec;
    std::uint16_t index = 0;  // 1-based
    std::uint32_t victim = 0, attacker = 0, exploit = 0, prep = 0, owner = 0;
    std::vector<std::uint32_t> attacker_addrs;
    std::vector<Rec> sources, laundering;
    u128 stolen[kFungibleAssets] = {};
};

class Gen {
public:
    Gen(const Config& cfg, const Options& opt) : cfg_(cfg), opt_(opt), rng_(cfg.seed) {}

    Stats run();

private:
    // ---- actors -------------------------------------------------------------------------------
    std::uint32_t add_actor(const Address& a, Cat c, std::uint16_t entity = 0) {
        auto id = static_cast<std::uint32_t>(addr_.size());
        addr_.push_back(a);
        cat_.push_back(c);
        entity_.push_back(entity);
        bal_.push_back({});
        nonce_.push_back(0);
        outdeg_.push_back(0);
        indeg_.push_back(0);
        return id;
    }
    Address derive(std::string_view tag, std::uint64_t n) const {
        std::uint8_t buf[48] = {};
        std::memcpy(buf, &cfg_.seed, 8);
        std::memcpy(buf + 8, &n, 8);
        std::memcpy(buf + 16, tag.data(), std::min<std::size_t>(tag.size(), 32));
        Hash32 h = keccak256(std::span<const std::uint8_t>(buf, 48));
        Address a;
        std::copy(h.b.begin() + 12, h.b.end(), a.b.begin());
        return a;
    }
    std::uint32_t fresh(Cat c = Cat::Fresh, std::uint16_t entity = 0) { return add_actor(derive("fresh", fresh_n_++), c, entity); }
    Hash32 rand_hash() {
        Hash32 h;
        for (int i = 0; i < 4; ++i) {
            std::uint64_t w = rng_.next();
            std::memcpy(h.b.data() + 8 * i, &w, 8);
        }
        return h;
    }
    Address contract_address(std::uint32_t sender, std::uint64_t nonce) const {
        // keccak256(rlp([sender, nonce]))[12:]
        std::uint8_t buf[32];
        std::size_t n = 0;
        std::uint8_t nb[9];
        std::size_t nl = 0;
        if (nonce == 0) {
            nb[nl++] = 0x80;
        } else if (nonce < 0x80) {
            nb[nl++] = static_cast<std::uint8_t>(nonce);
        } else {
            std::uint8_t tmp[8];
            std::size_t k = 0;
            for (std::uint64_t x = nonce; x; x >>= 8) tmp[k++] = static_cast<std::uint8_t>(x);
            nb[nl++] = static_cast<std::uint8_t>(0x80 + k);
            while (k) nb[nl++] = tmp[--k];
        }
        buf[n++] = static_cast<std::uint8_t>(0xc0 + 21 + nl);
        buf[n++] = 0x94;
        std::memcpy(buf + n, addr_[sender].b.data(), 20);
        n += 20;
        std::memcpy(buf + n, nb, nl);
        n += nl;
        Hash32 h = keccak256(std::span<const std::uint8_t>(buf, n));
        Address a;
        std::copy(h.b.begin() + 12, h.b.end(), a.b.begin());
        return a;
    }

    // ---- transactions -------------------------------------------------------------------------
    u128 max_fee() const { return 2 * block_.base_fee + 2 * kGwei; }
    bool can_pay(std::uint32_t from, u128 value, std::uint64_t gas_limit) const {
        return bal_[from][kEth] >= value + static_cast<u128>(gas_limit) * max_fee();
    }
    /// Largest value `from` can send with a transaction of gas_limit, leaving `keep`.
    u128 spendable(std::uint32_t from, std::uint64_t gas_limit, u128 keep = 0) const {
        u128 need = static_cast<u128>(gas_limit) * max_fee() + keep;
        return bal_[from][kEth] > need ? bal_[from][kEth] - need : 0;
    }
    Tx& begin(std::uint32_t from, std::uint32_t to, u128 value, std::string input, std::uint64_t gas_used,
              std::uint64_t gas_limit = 0) {
        Tx& t = block_.txs.emplace_back();
        t.from = from;
        t.to = to;
        t.value = value;
        t.gas_used = gas_used;
        t.gas_limit = gas_limit ? gas_limit : (gas_used == 21000 ? 21000 : gas_used + gas_used / 4);
        t.max_tip = static_cast<u128>(rng_.range(1, 200)) * 10000000ull;  // 0.01 .. 2 gwei
        t.tip = t.max_tip;
        t.max_fee = 2 * block_.base_fee + t.max_tip;
        t.nonce = nonce_[from]++;
        t.top.type = FrameType::Call;
        t.top.from = from;
        t.top.to = to;
        t.top.value = value;
        t.top.gas = t.gas_limit - 21000 + 21000 / 2;  // gas available to the top frame, roughly
        t.top.gas_used = gas_used;
        t.top.input = std::move(input);
        t.top.output = "";
        return t;
    }
    Frame& sub(Frame& parent, FrameType type, std::uint32_t from, std::uint32_t to, u128 value, std::string input,
               std::uint64_t gas_used, std::string output = "") {
        Frame& f = parent.calls.emplace_back();
        f.type = type;
        f.from = from;
        f.to = to;
        f.value = value;
        f.gas = gas_used * 2 + 2300;
        f.gas_used = gas_used;
        f.input = std::move(input);
        f.output = std::move(output);
        return f;
    }
    void log(Tx& t, std::uint32_t address, std::vector<Hash32> topics, std::string data) {
        t.logs.push_back(Log{address, std::move(topics), std::move(data)});
    }
    /// A log that moves value, with what ingest will decode from it (checked against the records).
    void log_move(Tx& t, std::uint32_t address, std::vector<Hash32> topics, std::string data, TransferKind kind,
                  std::uint32_t from, std::uint32_t to, std::uint32_t asset, std::uint32_t token_id, u128 amount) {
        log(t, address, std::move(topics), std::move(data));
        Log& l = t.logs.back();
        l.moves = true;
        l.kind = kind;
        l.from = from;
        l.to = to;
        l.asset = asset;
        l.token_id = token_id;
        l.amount = amount;
    }
    void log_transfer(Tx& t, std::uint32_t token, std::uint32_t from, std::uint32_t to, u128 amount) {
        log_move(t, token, {T.transfer, topic_addr(addr_[from]), topic_addr(addr_[to])}, hexw(amount), TransferKind::Token,
                 from, to, asset_of_token(token), 0, amount);
    }
    void log_nft(Tx& t, std::uint32_t from, std::uint32_t to, std::uint32_t id) {
        log_move(t, nft_, {T.transfer, topic_addr(addr_[from]), topic_addr(addr_[to]), topic_u(id)}, "", TransferKind::Nft,
                 from, to, kNft, id, 1);
    }
    void log_wrap(Tx& t, std::uint32_t dst, u128 amount) {
        log_move(t, weth_, {T.deposit, topic_addr(addr_[dst])}, hexw(amount), TransferKind::Wrap, 0, dst, kWeth, 0, amount);
    }
    void log_unwrap(Tx& t, std::uint32_t src, u128 amount) {
        log_move(t, weth_, {T.withdrawal, topic_addr(addr_[src])}, hexw(amount), TransferKind::Unwrap, src, 0, kWeth, 0, amount);
    }
    std::uint32_t asset_of_token(std::uint32_t contract) const {
        if (contract == weth_) return kWeth;
        if (contract == tok_) return kTok;
        if (contract == usd_) return kUsd;
        throw std::logic_error("unknown token");
    }

    /// Derives the records of the last transaction exactly as ingest extracts them, checks and
    /// applies them to the balances, and reports them.
    void finish(Typology typ = Typology::None, std::uint16_t heist = 0, HeistState* hs = nullptr);
    void emit(Rec r, HeistState* hs);
    void walk(const Frame& f, std::uint32_t& seq, std::uint32_t& ref, Typology typ, std::uint16_t heist, HeistState* hs);

    // ---- building blocks of activity ----------------------------------------------------------
    bool eth_transfer(std::uint32_t from, std::uint32_t to, u128 value, Typology typ = Typology::None, HeistState* hs = nullptr);
    bool token_transfer(std::uint32_t token, std::uint32_t from, std::uint32_t to, u128 amount, Typology typ = Typology::None,
                        HeistState* hs = nullptr);
    bool swap(std::uint32_t who, std::uint32_t in_asset, std::uint32_t out_asset, u128 amount, Typology typ = Typology::None,
              HeistState* hs = nullptr);
    bool mixer_deposit(std::uint32_t who, int pool, Typology typ = Typology::None, HeistState* hs = nullptr, bool attacker = false);
    void mixer_withdraw(int pool, std::uint32_t to, Typology typ, HeistState* hs);
    bool bridge_deposit(std::uint32_t who, int bridge, u128 value, Typology typ = Typology::None, HeistState* hs = nullptr);
    bool nft_buy(std::uint32_t buyer, std::uint32_t id, u128 price, Typology typ = Typology::None, HeistState* hs = nullptr);
    std::uint32_t deposit_address(std::uint32_t user, int ex);
    void schedule_sweep(std::uint32_t dep);
    void sweep(std::uint32_t dep);
    void background_tx();
    void setup_block();
    void withdrawals();

    // ---- heists -------------------------------------------------------------------------------
    void plan_heist(HeistState& h);
    void launder(HeistState& h, std::uint32_t who, std::uint64_t at);
    void route(HeistState& h, std::uint32_t who, int hops_left, int route, std::uint64_t at);
    void terminal(HeistState& h, std::uint32_t who, int route, std::uint64_t at);
    void peel(HeistState& h, std::uint32_t who, int left);
    std::uint64_t delay(const Playbook& p) { return rng_.range(p.delay_min, p.delay_max); }
    void at(std::uint64_t block, std::function<void()> fn) { events_.emplace(std::max(block, block_.number + 1), std::move(fn)); }

    // ---- output -------------------------------------------------------------------------------
    void new_block(std::uint64_t n);
    void end_block();
    void write_genesis();
    void report_holdings() const;
    void write_labels_and_truth(const std::vector<std::vector<FreezePoint>>& fps);
    Role role(std::uint32_t id) const;
    std::string asset_json(std::uint32_t asset, std::uint32_t token_id) const;
    std::vector<std::pair<std::uint32_t, std::pair<std::string, std::string>>> labels() const;

    const Config& cfg_;
    const Options& opt_;
    Rng rng_;
    const Topics& T = Topics::get();
    Sel S;

    std::vector<Address> addr_;
    std::vector<Cat> cat_;
    std::vector<std::uint16_t> entity_;
    std::vector<std::array<u128, kFungibleAssets>> bal_;
    std::vector<std::uint32_t> nonce_, outdeg_, indeg_;
    std::vector<u128> genesis_;  // opening ETH by actor id (index = id), 0 if none
    std::vector<bool> has_code_;
    std::vector<std::uint32_t> nft_owner_;
    std::uint64_t fresh_n_ = 0;

    std::vector<std::uint32_t> users_;
    std::vector<std::uint64_t> zipf_cum_;
    std::vector<std::uint32_t> ex_hot_, ex_cold_;
    std::vector<std::string> ex_name_;
    std::unordered_map<std::uint64_t, std::uint32_t> deposit_of_;  // (user << 8 | ex) -> deposit address
    std::unordered_map<std::uint32_t, bool> sweep_pending_;
    std::uint32_t weth_ = 0, tok_ = 0, usd_ = 0, router_ = 0, pool_wt_ = 0, pool_wu_ = 0, pool_tu_ = 0;
    std::uint32_t mixer_[4] = {}, relayer_ = 0, bridge_[2] = {}, bridge_op_ = 0, nft_ = 0, market_ = 0;
    std::uint32_t airdrop_ = 0, airdrop_admin_ = 0, disperse_ = 0, factory_ = 0, minter_ = 0, lp_ = 0, poisoner_ = 0;
    std::uint32_t safe_impl_ = 0;
    std::vector<std::uint32_t> builders_, stakers_, created_;
    std::vector<std::uint32_t> mixer_notes_[4];  // background notes waiting to be withdrawn (count only)
    std::uint64_t withdrawal_index_ = 0;
    std::vector<std::uint32_t> setup_queue_;  // NFT / token setup pending (ids)

    std::vector<HeistState> heists_;
    std::multimap<std::uint64_t, std::function<void()>> events_;
    std::vector<TaintReference> refs_;

    Block block_;
    Hash32 parent_{};
    std::unique_ptr<ChainWriter> writer_;
    Stats st_;
    std::uint64_t transfers_ = 0;
    std::string action_;  // current background action (stats)
    u128 base_fee_ = 20 * kGwei;
};

// ---------------------------------------------------------------------------------------------
// Records

void Gen::emit(Rec r, HeistState* hs) {
    auto& fb = r.from ? bal_[r.from] : bal_[0];
    if (r.asset == kNft) {
        if (nft_owner_[r.token_id] != r.from) throw std::logic_error("sim: NFT sent by a non-owner");
        nft_owner_[r.token_id] = r.to;
    } else {
        if (r.from) {
            if (fb[r.asset] < r.amount)
                throw std::logic_error(fmt::format("sim: negative balance of actor {} asset {} in block {}", r.from,
                                                   r.asset, r.block));
            fb[r.asset] -= r.amount;
        }
        if (r.to) bal_[r.to][r.asset] += r.amount;
    }
    const bool fee = r.kind == TransferKind::Fee || r.kind == TransferKind::Burn;
    st_.by_kind[kind_name(r.kind)]++;
    if (!fee && r.kind != TransferKind::Genesis) {
        ++transfers_;
        if (r.from) outdeg_[r.from]++;
        if (r.to) indeg_[r.to]++;
        if (r.typ != Typology::None) st_.by_typology[typology_name(r.typ)]++;
        if (hs && r.typ != Typology::None) {
            if (r.typ == Typology::HeistSource) {
                hs->sources.push_back(r);
                if (r.asset < kFungibleAssets) hs->stolen[r.asset] += r.amount;
            } else {
                hs->laundering.push_back(r);
            }
        }
    }
    for (auto& ref : refs_) ref.add(r);
    if (opt_.on_record) opt_.on_record(r);
}

void Gen::walk(const Frame& f, std::uint32_t& seq, std::uint32_t& ref, Typology typ, std::uint16_t heist, HeistState* hs) {
    for (const Frame& c : f.calls) {
        ++ref;
        if (c.error) {  // the frame and everything beneath it moved nothing
            std::uint32_t skip = 0;
            std::function<void(const Frame&)> count = [&](const Frame& x) {
                for (const Frame& y : x.calls) {
                    ++skip;
                    count(y);
                }
            };
            count(c);
            ref += skip;
            continue;
        }
        TransferKind k = TransferKind::Internal;
        bool moves = c.value > 0;
        switch (c.type) {
            case FrameType::Call:
            case FrameType::CallCode: k = TransferKind::Internal; break;
            case FrameType::Create:
            case FrameType::Create2: k = TransferKind::Create; break;
            case FrameType::SelfDestruct: k = TransferKind::SelfDestruct; break;
            default: moves = false;
        }
        if (moves) {
            Rec r{block_.number, static_cast<std::uint32_t>(block_.txs.size() - 1), seq++, k, typ, c.from, c.to, kEth, 0, heist, c.value};
            emit(r, hs);
        }
        walk(c, seq, ref, typ, heist, hs);
    }
}

void Gen::finish(Typology typ, std::uint16_t heist, HeistState* hs) {
    Tx& t = block_.txs.back();
    const auto txi = static_cast<std::uint32_t>(block_.txs.size() - 1);
    // hashes: the transaction hash commits to the run's seed, the block and the position
    std::uint8_t buf[24];
    std::memcpy(buf, &cfg_.seed, 8);
    std::memcpy(buf + 8, &block_.number, 8);
    std::uint64_t pos = txi;
    std::memcpy(buf + 16, &pos, 8);
    t.hash = keccak256(std::span<const std::uint8_t>(buf, 24));
    t.r = rand_hash();
    t.s = rand_hash();
    t.s.b[0] &= 0x7f;  // low-s
    t.v = static_cast<std::uint8_t>(rng_.below(2));
    if (!t.ok) {
        t.logs.clear();
        t.top.error = "execution reverted";
    }
    if (t.create) t.top.type = FrameType::Create;
    block_.gas_used += t.gas_used;
    ++st_.txs;
    if (!t.ok) ++st_.failed_txs;
    st_.logs += t.logs.size();
    if (!action_.empty()) st_.by_action[action_]++;

    std::uint32_t seq = 0;
    if (t.ok) {
        if (t.value > 0) {
            Rec r{block_.number, txi, seq++, t.create ? TransferKind::Create : TransferKind::Call, typ, t.from,
                  t.create ? t.created : t.to, kEth, 0, heist, t.value};
            emit(r, hs);
        }
        std::uint32_t ref = 0;
        walk(t.top, seq, ref, typ, heist, hs);
        for (const Log& l : t.logs) {
            if (!l.moves) continue;
            emit(Rec{block_.number, txi, seq++, l.kind, typ, l.from, l.to, l.asset, l.token_id, heist, l.amount}, hs);
        }
    }
    const u128 tip = static_cast<u128>(t.gas_used) * t.tip;
    const u128 burn = static_cast<u128>(t.gas_used) * block_.base_fee;
    if (tip > 0) emit(Rec{block_.number, txi, seq++, TransferKind::Fee, Typology::None, t.from, block_.miner, kEth, 0, 0, tip}, nullptr);
    emit(Rec{block_.number, txi, seq++, TransferKind::Burn, Typology::None, t.from, 0, kEth, 0, 0, burn}, nullptr);
    for (auto& ref : refs_) ref.end_tx();
}

// ---------------------------------------------------------------------------------------------
// Activity

bool Gen::eth_transfer(std::uint32_t from, std::uint32_t to, u128 value, Typology typ, HeistState* hs) {
    if (value == 0 || from == to || !can_pay(from, value, 21000)) return false;
    begin(from, to, value, "", 21000);
    finish(typ, hs ? hs->index : 0, hs);
    return true;
}

bool Gen::token_transfer(std::uint32_t token, std::uint32_t from, std::uint32_t to, u128 amount, Typology typ, HeistState* hs) {
    const std::uint32_t a = asset_of_token(token);
    const std::uint64_t gas = rng_.range(34000, 52000);
    if (from == to || bal_[from][a] < amount || !can_pay(from, 0, gas + gas / 4)) return false;
    Tx& t = begin(from, token, 0, S.transfer + word_addr(addr_[to]) + hexw(amount), gas);
    t.top.output = hexw(1);
    log_transfer(t, token, from, to, amount);
    finish(typ, hs ? hs->index : 0, hs);
    return true;
}

namespace {
u128 amm_out(u128 in, u128 r_in, u128 r_out) {
    using boost::multiprecision::uint256_t;
    auto w = [](u128 v) {
        uint256_t r = static_cast<std::uint64_t>(v >> 64);
        r <<= 64;
        return r + static_cast<std::uint64_t>(v);
    };
    uint256_t num = w(in) * 997 * w(r_out);
    uint256_t den = w(r_in) * 1000 + w(in) * 997;
    uint256_t out = den ? num / den : 0;
    return (static_cast<u128>(static_cast<std::uint64_t>(out >> 64)) << 64) | static_cast<std::uint64_t>(out);
}
}  // namespace

bool Gen::swap(std::uint32_t who, std::uint32_t in, std::uint32_t out, u128 amount, Typology typ, HeistState* hs) {
    const std::uint64_t gas = rng_.range(110000, 170000);
    if (amount == 0 || in == out) return false;
    auto token_of = [&](std::uint32_t a) { return a == kTok ? tok_ : a == kUsd ? usd_ : weth_; };
    std::uint32_t pool;
    if ((in == kEth && out == kTok) || (in == kTok && out == kEth)) pool = pool_wt_;
    else if ((in == kEth && out == kUsd) || (in == kUsd && out == kEth)) pool = pool_wu_;
    else pool = pool_tu_;
    const std::uint32_t pin = in == kEth ? kWeth : in, pout = out == kEth ? kWeth : out;
    const u128 got = amm_out(amount, bal_[pool][pin], bal_[pool][pout]);
    if (got == 0 || got >= bal_[pool][pout]) return false;
    const std::string path = hexw(2) + word_addr(addr_[token_of(pin)]) + word_addr(addr_[token_of(pout)]);
    const std::string deadline = hexw(block_.timestamp + 1200);
    const std::string sync_data = [&] {
        u128 r0 = bal_[pool][pin], r1 = bal_[pool][pout];
        return hexw(r0 + amount) + hexw(r1 - got);
    }();
    auto swap_log = [&](Tx& t, std::uint32_t to) {
        log(t, pool, {T.sync}, sync_data);
        log(t, pool, {T.swap, topic_addr(addr_[router_]), topic_addr(addr_[to])}, hexw(amount) + hexw(0) + hexw(0) + hexw(got));
    };
    if (in == kEth) {
        if (!can_pay(who, amount, gas + gas / 4)) return false;
        Tx& t = begin(who, router_, amount,
                      S.eth_for_tokens + hexw(got - got / 100) + hexw(128) + word_addr(addr_[who]) + deadline + path, gas);
        t.top.output = hexw(32) + hexw(2) + hexw(amount) + hexw(got);
        sub(t.top, FrameType::Call, router_, weth_, amount, S.deposit, 23974);
        log_wrap(t, router_, amount);
        sub(t.top, FrameType::Call, router_, weth_, 0, S.transfer + word_addr(addr_[pool]) + hexw(amount), 8062, hexw(1));
        log_transfer(t, weth_, router_, pool, amount);
        Frame& sw = sub(t.top, FrameType::Call, router_, pool, 0, S.pool_swap + hexw(0) + hexw(got) + word_addr(addr_[who]) + hexw(128) + hexw(0), 60000);
        sub(sw, FrameType::Call, pool, token_of(pout), 0, S.transfer + word_addr(addr_[who]) + hexw(got), 29000, hexw(1));
        log_transfer(t, token_of(pout), pool, who, got);
        sub(sw, FrameType::StaticCall, pool, weth_, 0, selector("balanceOf(address)") + word_addr(addr_[pool]), 534, hexw(bal_[pool][kWeth] + amount));
        swap_log(t, who);
    } else {
        if (bal_[who][in] < amount || !can_pay(who, 0, gas + gas / 4)) return false;
        const bool to_eth = out == kEth;
        Tx& t = begin(who, router_, 0,
                      (to_eth ? S.tokens_for_eth : S.tokens_for_tokens) + hexw(amount) + hexw(got - got / 100) + hexw(160) +
                          word_addr(addr_[who]) + deadline + path,
                      gas);
        t.top.output = hexw(32) + hexw(2) + hexw(amount) + hexw(got);
        sub(t.top, FrameType::Call, router_, token_of(in), 0,
            S.transfer_from + word_addr(addr_[who]) + word_addr(addr_[pool]) + hexw(amount), 30000, hexw(1));
        log_transfer(t, token_of(in), who, pool, amount);
        const std::uint32_t dst = to_eth ? router_ : who;
        Frame& sw = sub(t.top, FrameType::Call, router_, pool, 0, S.pool_swap + hexw(0) + hexw(got) + word_addr(addr_[dst]) + hexw(128) + hexw(0), 60000);
        sub(sw, FrameType::Call, pool, token_of(pout), 0, S.transfer + word_addr(addr_[dst]) + hexw(got), 29000, hexw(1));
        log_transfer(t, token_of(pout), pool, dst, got);
        swap_log(t, dst);
        if (to_eth) {
            Frame& wd = sub(t.top, FrameType::Call, router_, weth_, 0, S.withdraw + hexw(got), 9200);
            sub(wd, FrameType::Call, weth_, router_, got, "", 0);
            log_unwrap(t, router_, got);
            sub(t.top, FrameType::Call, router_, who, got, "", 0);
        }
    }
    finish(typ, hs ? hs->index : 0, hs);
    return true;
}

bool Gen::mixer_deposit(std::uint32_t who, int pool, Typology typ, HeistState* hs, bool attacker) {
    static const u128 denom[4] = {kEther / 10, kEther, 10 * kEther, 100 * kEther};
    const std::uint64_t gas = rng_.range(900000, 1100000);
    if (!can_pay(who, denom[pool], gas + gas / 5)) return false;
    const Hash32 commitment = rand_hash();
    Tx& t = begin(who, mixer_[pool], denom[pool], S.mix_deposit + to_hex(commitment.b).substr(2), gas, gas + gas / 5);
    sub(t.top, FrameType::StaticCall, mixer_[pool], mixer_[pool], 0, selector("isSpent(bytes32)") + to_hex(commitment.b).substr(2), 2100, hexw(0));
    log(t, mixer_[pool], {T.mix_deposit, commitment}, hexw(mixer_notes_[pool].size()) + hexw(block_.timestamp));
    mixer_notes_[pool].push_back(who);
    finish(typ, hs ? hs->index : 0, hs);
    // the note is withdrawn later to a fresh address by a relayer
    std::uint64_t later = attacker && hs ? block_.number + rng_.range(hs->spec.playbook.delay_max, 4 * hs->spec.playbook.delay_max)
                                         : block_.number + rng_.range(10, 40 + cfg_.blocks / 8);
    at(later, [this, pool, hs, attacker] {
        std::uint32_t to = fresh(attacker ? Cat::Attacker : Cat::Fresh);
        if (attacker && hs) hs->attacker_addrs.push_back(to);
        mixer_withdraw(pool, to, attacker ? Typology::MixerWithdrawal : Typology::None, attacker ? hs : nullptr);
    });
    return true;
}

void Gen::mixer_withdraw(int pool, std::uint32_t to, Typology typ, HeistState* hs) {
    static const u128 denom[4] = {kEther / 10, kEther, 10 * kEther, 100 * kEther};
    const u128 fee = denom[pool] * 3 / 1000;
    const std::uint64_t gas = rng_.range(300000, 360000);
    const Hash32 nullifier = rand_hash();
    if (!can_pay(relayer_, 0, gas + gas / 5) || bal_[mixer_[pool]][kEth] < denom[pool]) return;
    Tx& t = begin(relayer_, mixer_[pool], 0,
                  S.mix_withdraw + hexw(224) + to_hex(rand_hash().b).substr(2) + to_hex(nullifier.b).substr(2) +
                      word_addr(addr_[to]) + word_addr(addr_[relayer_]) + hexw(fee) + hexw(0) + hexw(256) +
                      to_hex(rand_hash().b).substr(2) + to_hex(rand_hash().b).substr(2) + to_hex(rand_hash().b).substr(2),
                  gas, gas + gas / 5);
    sub(t.top, FrameType::StaticCall, mixer_[pool], mixer_[pool], 0, selector("verifyProof(bytes,uint256[6])"), 250000, hexw(1));
    sub(t.top, FrameType::Call, mixer_[pool], to, denom[pool] - fee, "", 0);
    sub(t.top, FrameType::Call, mixer_[pool], relayer_, fee, "", 0);
    log(t, mixer_[pool], {T.mix_withdrawal, topic_addr(addr_[relayer_])}, word_addr(addr_[to]) + to_hex(nullifier.b).substr(2) + hexw(fee));
    finish(typ, hs ? hs->index : 0, hs);
}

bool Gen::bridge_deposit(std::uint32_t who, int bridge, u128 value, Typology typ, HeistState* hs) {
    const std::uint64_t gas = rng_.range(55000, 70000);
    if (value == 0 || !can_pay(who, value, gas + gas / 4)) return false;
    Tx& t = begin(who, bridge_[bridge], value, S.bridge_deposit + word_addr(addr_[who]), gas);
    if (bridge == 1) {
        // The second bridge is a THORChain-like router: its Deposit event carries a swap memo
        // naming the destination chain and address (Bybit's thief sent most of the ether this
        // way to Bitcoin). The address is derived from the transaction count, not the RNG, so
        // the rest of the simulation does not shift.
        static const char kBech32[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
        Hash32 h = keccak256(fmt::format("btc-destination:{}", st_.txs));
        std::string memo = "=:BTC.BTC:bc1q";
        for (int i = 0; i < 38; ++i) memo += kBech32[h.b[i % 32] % 32 ^ (i / 32)];
        memo += ":0/1/0";
        std::string memo_hex = to_hex({reinterpret_cast<const std::uint8_t*>(memo.data()), memo.size()}).substr(2);
        memo_hex.append((64 - memo_hex.size() % 64) % 64, '0');
        log(t, bridge_[bridge], {T.thorchain_deposit, topic_addr(addr_[bridge_[bridge]]), topic_addr(Address{})},
            hexw(value) + hexw(64) + hexw(memo.size()) + memo_hex);
    } else {
        log(t, bridge_[bridge], {T.bridge_deposit, topic_addr(addr_[who]), topic_addr(addr_[who])}, hexw(value) + hexw(st_.txs));
    }
    finish(typ, hs ? hs->index : 0, hs);
    return true;
}

bool Gen::nft_buy(std::uint32_t buyer, std::uint32_t id, u128 price, Typology typ, HeistState* hs) {
    const std::uint32_t seller = nft_owner_[id];
    const std::uint64_t gas = rng_.range(150000, 210000);
    if (seller == 0 || seller == buyer || cat_[seller] != Cat::User || price == 0 || !can_pay(buyer, price, gas + gas / 4)) return false;
    Tx& t = begin(buyer, market_, price, S.buy + word_addr(addr_[nft_]) + hexw(id), gas);
    sub(t.top, FrameType::Call, market_, seller, price - price / 40, "", 0);
    sub(t.top, FrameType::Call, market_, nft_, 0, S.transfer_from + word_addr(addr_[seller]) + word_addr(addr_[buyer]) + hexw(id), 35000);
    log_nft(t, seller, buyer, id);
    log(t, market_, {T.sale, topic_addr(addr_[seller]), topic_addr(addr_[buyer])}, hexw(id) + hexw(price));
    finish(typ, hs ? hs->index : 0, hs);
    return true;
}

std::uint32_t Gen::deposit_address(std::uint32_t user, int ex) {
    const std::uint64_t key = static_cast<std::uint64_t>(user) << 8 | static_cast<std::uint64_t>(ex);
    auto it = deposit_of_.find(key);
    if (it != deposit_of_.end()) return it->second;
    std::uint32_t d = fresh(Cat::Deposit, static_cast<std::uint16_t>(ex + 1));
    deposit_of_.emplace(key, d);
    return d;
}

void Gen::schedule_sweep(std::uint32_t dep) {
    if (sweep_pending_.count(dep)) return;
    sweep_pending_.emplace(dep, true);
    at(block_.number + rng_.range(3, 30), [this, dep] { sweep(dep); });
}

void Gen::sweep(std::uint32_t dep) {
    sweep_pending_.erase(dep);
    const std::uint32_t hot = ex_hot_[entity_[dep] - 1];
    for (std::uint32_t token : {usd_, tok_}) {
        const std::uint32_t a = asset_of_token(token);
        if (bal_[dep][a] == 0) continue;
        if (!can_pay(dep, 0, 65000)) {  // the exchange pays the deposit address's gas first
            eth_transfer(hot, dep, static_cast<u128>(65000) * max_fee() * 3);
            schedule_sweep(dep);
            return;
        }
        token_transfer(token, dep, hot, bal_[dep][a]);
    }
    const u128 v = spendable(dep, 21000);
    if (v > kEther / 1000) eth_transfer(dep, hot, v);
}

void Gen::withdrawals() {
    const std::uint32_t k = std::min<std::uint32_t>(16, cfg_.txs_per_block / 8 + 1);
    for (std::uint32_t i = 0; i < k; ++i) {
        Withdrawal w;
        w.index = withdrawal_index_++;
        w.validator = 100000 + rng_.below(50000);
        w.address = stakers_[rng_.below(stakers_.size())];
        w.gwei = rng_.permille(2) ? 32000000000ull + rng_.below(100000000) : 11000000 + rng_.below(2000000);
        block_.withdrawals.push_back(w);
        emit(Rec{block_.number, kBlockLevelTx, i, TransferKind::Withdrawal, Typology::None, 0, w.address, kEth, 0, 0,
                 static_cast<u128>(w.gwei) * kGwei},
             nullptr);
        for (auto& ref : refs_) ref.end_tx();
    }
}

// ---------------------------------------------------------------------------------------------
// Background

void Gen::background_tx() {
    auto zipf_user = [&] {
        std::uint64_t x = rng_.below(zipf_cum_.back());
        auto i = std::upper_bound(zipf_cum_.begin(), zipf_cum_.end(), x) - zipf_cum_.begin();
        return users_[static_cast<std::size_t>(i)];
    };
    auto any_user = [&] { return users_[rng_.below(users_.size())]; };
    auto human = [&](u128 v) {  // round to 3 significant digits half of the time
        if (v < 1000 || rng_.below(2)) return v;
        u128 p = 1;
        while (v / p >= 1000) p *= 10;
        return v / p * p;
    };
    const std::uint32_t u = zipf_user();
    const std::uint64_t pick = rng_.below(1000);
    auto is = [&](std::uint64_t& acc, std::uint64_t w) { acc += w; return pick < acc; };
    std::uint64_t acc = 0;
    if (is(acc, 330)) {
        action_ = "eth-transfer";
        std::uint32_t to = rng_.below(10) < 4 ? zipf_user() : rng_.below(10) < 6 ? any_user() : fresh();
        eth_transfer(u, to, human(spendable(u, 21000) * rng_.range(1, 300) / 1000));
    } else if (is(acc, 110)) {
        action_ = "stablecoin-transfer";
        std::uint32_t to = rng_.below(2) ? zipf_user() : any_user();
        token_transfer(usd_, u, to, human(bal_[u][kUsd] * rng_.range(1, 500) / 1000));
    } else if (is(acc, 40)) {
        action_ = "token-transfer";
        token_transfer(tok_, u, any_user(), human(bal_[u][kTok] * rng_.range(1, 500) / 1000));
    } else if (is(acc, 100)) {
        action_ = "exchange-deposit";
        const int ex = static_cast<int>(rng_.below(ex_hot_.size()));
        const std::uint32_t d = deposit_address(u, ex);
        bool ok = bal_[u][kUsd] > 0 && rng_.below(3) == 0 ? token_transfer(usd_, u, d, bal_[u][kUsd] * rng_.range(100, 1000) / 1000)
                                                          : eth_transfer(u, d, human(spendable(u, 21000) * rng_.range(10, 800) / 1000));
        if (ok) schedule_sweep(d);
    } else if (is(acc, 80)) {
        action_ = "exchange-withdrawal";
        const std::uint32_t hot = ex_hot_[rng_.below(ex_hot_.size())];
        if (rng_.below(3) == 0) token_transfer(usd_, hot, any_user(), static_cast<u128>(rng_.range(50, 20000)) * kUsdUnit);
        else eth_transfer(hot, rng_.below(4) ? any_user() : zipf_user(), human(static_cast<u128>(rng_.range(10, 20000)) * kEther / 1000));
    } else if (is(acc, 90)) {
        action_ = "dex-swap";
        switch (rng_.below(5)) {
            case 0: swap(u, kEth, kTok, human(spendable(u, 220000) * rng_.range(1, 200) / 1000)); break;
            case 1: swap(u, kEth, kUsd, human(spendable(u, 220000) * rng_.range(1, 200) / 1000)); break;
            case 2: swap(u, kTok, kEth, bal_[u][kTok] * rng_.range(100, 1000) / 1000); break;
            case 3: swap(u, kUsd, kEth, bal_[u][kUsd] * rng_.range(100, 1000) / 1000); break;
            default: swap(u, kUsd, kTok, bal_[u][kUsd] * rng_.range(100, 1000) / 1000); break;
        }
    } else if (is(acc, 30)) {
        action_ = "weth-wrap";
        if (bal_[u][kWeth] > 0 && rng_.below(2)) {
            const u128 v = bal_[u][kWeth];
            if (!can_pay(u, 0, 45000)) return;
            Tx& t = begin(u, weth_, 0, S.withdraw + hexw(v), 35000);
            sub(t.top, FrameType::Call, weth_, u, v, "", 0);
            log_unwrap(t, u, v);
            finish();
        } else {
            const u128 v = human(spendable(u, 35000) * rng_.range(1, 300) / 1000);
            if (v == 0) return;
            Tx& t = begin(u, weth_, v, S.deposit, 27938);
            log_wrap(t, u, v);
            finish();
        }
    } else if (is(acc, 12)) {
        action_ = "mixer-deposit";
        int pool = static_cast<int>(rng_.below(3));
        mixer_deposit(u, pool);
    } else if (is(acc, 20)) {
        action_ = "bridge-deposit";
        bridge_deposit(u, static_cast<int>(rng_.below(2)), human(spendable(u, 90000) * rng_.range(10, 500) / 1000));
    } else if (is(acc, 10)) {
        action_ = "bridge-payout";
        const int b = static_cast<int>(rng_.below(2));
        const u128 v = human(static_cast<u128>(rng_.range(10, 5000)) * kEther / 1000);
        const std::uint32_t to = rng_.below(2) ? any_user() : fresh();
        if (bal_[bridge_[b]][kEth] < v + 1000 * kEther || !can_pay(bridge_op_, 0, 110000)) return;
        Tx& t = begin(bridge_op_, bridge_[b], 0, S.bridge_withdraw + hexw(st_.txs) + word_addr(addr_[to]) + word_addr(Address{}) + hexw(v) + hexw(160) + hexw(0), 88000);
        sub(t.top, FrameType::Call, bridge_[b], to, v, "", 0);
        log(t, bridge_[b], {T.bridge_withdraw, topic_addr(addr_[to])}, hexw(v) + hexw(st_.txs));
        finish();
    } else if (is(acc, 20)) {
        action_ = "nft-sale";
        nft_buy(u, static_cast<std::uint32_t>(rng_.range(1, cfg_.nfts)), human(spendable(u, 260000) * rng_.range(5, 200) / 1000));
    } else if (is(acc, 3)) {
        action_ = "airdrop";
        const std::uint32_t n = static_cast<std::uint32_t>(rng_.range(20, 80));
        if (!can_pay(airdrop_admin_, 0, 40000 + 30000 * n)) return;
        std::vector<std::uint32_t> rs;
        for (std::uint32_t i = 0; i < n; ++i) rs.push_back(rng_.below(3) ? any_user() : fresh());
        const u128 each = static_cast<u128>(rng_.range(1, 50)) * kEther;
        if (bal_[airdrop_][kTok] < each * n) return;
        std::string input = S.multisend + word_addr(addr_[tok_]) + hexw(96) + hexw(128 + 32 * n) + hexw(n);
        for (auto r : rs) input += word_addr(addr_[r]);
        input += hexw(n);
        for (std::uint32_t i = 0; i < n; ++i) input += hexw(each);
        Tx& t = begin(airdrop_admin_, airdrop_, 0, std::move(input), 30000 + 27000 * n);
        for (auto r : rs) {
            sub(t.top, FrameType::Call, airdrop_, tok_, 0, S.transfer + word_addr(addr_[r]) + hexw(each), 25000, hexw(1));
            log_transfer(t, tok_, airdrop_, r, each);
        }
        finish();
    } else if (is(acc, 20)) {
        action_ = "address-poisoning";
        // a look-alike of one of the victim's counterparties: same first and last 3 bytes
        std::uint32_t peer = deposit_address(u, static_cast<int>(rng_.below(ex_hot_.size())));
        Address look = addr_[peer];
        for (int i = 3; i < 17; ++i) look.b[i] = static_cast<std::uint8_t>(rng_.next());
        std::uint32_t fake = add_actor(look, Cat::Fresh);
        if (rng_.below(2)) {  // zero-value transferFrom emitted by the token
            if (!can_pay(poisoner_, 0, 60000)) return;
            Tx& t = begin(poisoner_, usd_, 0, S.transfer_from + word_addr(addr_[u]) + word_addr(look) + hexw(0), 38000);
            t.top.output = hexw(1);
            log_transfer(t, usd_, u, fake, 0);
            finish();
        } else {  // dust from the look-alike
            if (!eth_transfer(poisoner_, fake, 21000 * max_fee() + kEther / 10000)) return;
            eth_transfer(fake, u, kEther / 100000 * rng_.range(1, 9));
        }
    } else if (is(acc, 20)) {
        action_ = "failed";
        const u128 v = human(spendable(u, 220000) * rng_.range(1, 100) / 1000);
        if (v == 0 || !can_pay(u, v, 220000)) return;
        Tx& t = begin(u, router_, v, S.eth_for_tokens + hexw(v * 4000) + hexw(128) + word_addr(addr_[u]) + hexw(block_.timestamp) + hexw(2), rng_.range(40000, 90000), 220000);
        t.ok = false;
        // the revert reason: Error(string)
        const std::string reason = "UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT";
        t.top.output = "08c379a0" + hexw(32) + hexw(reason.size()) + to_hex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(reason.data()), reason.size())).substr(2);
        t.top.output.resize(8 + 64 * 4, '0');
        sub(t.top, FrameType::Call, router_, weth_, v, S.deposit, 23974);  // reverted with its parent
        finish();
    } else if (is(acc, 15)) {
        action_ = "contract-creation";
        const u128 endow = rng_.below(2) ? human(spendable(u, 1500000) * rng_.range(1, 50) / 1000) : 0;
        if (!can_pay(u, endow, 1500000)) return;
        const bool via_factory = rng_.below(3) == 0;
        std::string code;
        const std::size_t len = rng_.range(60, 300);
        for (std::size_t i = 0; i < len; ++i) code += fmt::format("{:02x}", static_cast<unsigned>(rng_.below(256)));
        if (!via_factory) {
            const std::uint32_t c = add_actor(contract_address(u, nonce_[u]), Cat::Contract);
            Tx& t = begin(u, 0, endow, "6080604052" + code, rng_.range(200000, 1200000), 1500000);
            t.create = true;
            t.created = c;
            t.top.to = c;
            t.top.output = code;
            finish();
            created_.push_back(c);
            created_.push_back(u);
        } else {
            const Hash32 salt = rand_hash();
            std::vector<std::uint8_t> pre{0xff};
            pre.insert(pre.end(), addr_[factory_].b.begin(), addr_[factory_].b.end());
            pre.insert(pre.end(), salt.b.begin(), salt.b.end());
            const Hash32 ch = keccak256(code);
            pre.insert(pre.end(), ch.b.begin(), ch.b.end());
            const Hash32 h = keccak256(pre);
            Address a;
            std::copy(h.b.begin() + 12, h.b.end(), a.b.begin());
            const std::uint32_t c = add_actor(a, Cat::Contract);
            Tx& t = begin(u, factory_, endow, S.deploy + to_hex(salt.b).substr(2) + hexw(64) + hexw(code.size() / 2) + code, rng_.range(200000, 1200000), 1500000);
            sub(t.top, FrameType::Create2, factory_, c, endow, code, 150000, code);
            t.top.output = word_addr(a);
            finish();
            created_.push_back(c);
            created_.push_back(u);
        }
    } else if (is(acc, 20)) {
        action_ = "disperse";
        const std::uint32_t n = static_cast<std::uint32_t>(rng_.range(2, 8));
        const u128 each = human(spendable(u, 30000 + 12000 * n) * rng_.range(1, 100) / 1000 / n);
        if (each == 0) return;
        std::vector<std::uint32_t> rs;
        for (std::uint32_t i = 0; i < n; ++i) rs.push_back(rng_.below(2) ? any_user() : fresh());
        std::string input = S.disperse + hexw(64) + hexw(96 + 32 * n) + hexw(n);
        for (auto r : rs) input += word_addr(addr_[r]);
        input += hexw(n);
        for (std::uint32_t i = 0; i < n; ++i) input += hexw(each);
        Tx& t = begin(u, disperse_, each * n, std::move(input), 30000 + 12000 * n);
        const std::uint32_t failing = rng_.below(8) == 0 ? static_cast<std::uint32_t>(rng_.below(n)) : n;
        for (std::uint32_t i = 0; i < n; ++i) {
            Frame& f = sub(t.top, FrameType::Call, disperse_, rs[i], each, "", 0);
            if (i == failing) {  // the recipient reverts; the value stays with the contract
                f.error = "execution reverted";
                f.output.clear();
            }
        }
        finish();
    } else if (is(acc, 5)) {
        action_ = "selfdestruct";
        for (std::size_t i = 0; i + 1 < created_.size(); i += 2) {
            const std::uint32_t c = created_[i], owner = created_[i + 1];
            if (bal_[c][kEth] == 0) continue;
            if (!can_pay(owner, 0, 40000)) return;
            Tx& t = begin(owner, c, 0, S.kill, 29000);
            sub(t.top, FrameType::SelfDestruct, c, owner, bal_[c][kEth], "", 0);
            finish();
            created_.erase(created_.begin() + static_cast<std::ptrdiff_t>(i), created_.begin() + static_cast<std::ptrdiff_t>(i) + 2);
            return;
        }
    } else if (is(acc, 30)) {
        action_ = "approve";
        if (!can_pay(u, 0, 60000)) return;
        Tx& t = begin(u, usd_, 0, S.approve + word_addr(addr_[router_]) + std::string(64, 'f'), 46000);
        t.top.output = hexw(1);
        log(t, usd_, {T.approval, topic_addr(addr_[u]), topic_addr(addr_[router_])}, std::string(64, 'f'));
        finish();
    } else if (is(acc, 7)) {
        action_ = "exchange-rebalance";
        const std::size_t ex = rng_.below(ex_hot_.size());
        if (bal_[ex_hot_[ex]][kEth] < 5000 * kEther) eth_transfer(ex_cold_[ex], ex_hot_[ex], 10000 * kEther);
        else if (bal_[ex_hot_[ex]][kEth] > 60000 * kEther) eth_transfer(ex_hot_[ex], ex_cold_[ex], 20000 * kEther);
    } else {
        action_ = "eth-transfer";
        eth_transfer(u, any_user(), human(spendable(u, 21000) * rng_.range(1, 100) / 1000));
    }
    action_.clear();
}

// ---------------------------------------------------------------------------------------------
// Setup: token mints, pool liquidity, NFT mints (block 1)

void Gen::setup_block() {
    auto mint = [&](std::uint32_t token, const std::vector<std::pair<std::uint32_t, u128>>& to) {
        for (std::size_t i = 0; i < to.size(); i += 200) {
            const std::size_t n = std::min<std::size_t>(200, to.size() - i);
            std::string input = S.batch_mint + hexw(64) + hexw(96 + 32 * n) + hexw(n);
            for (std::size_t k = 0; k < n; ++k) input += word_addr(addr_[to[i + k].first]);
            input += hexw(n);
            for (std::size_t k = 0; k < n; ++k) input += hexw(to[i + k].second);
            Tx& t = begin(minter_, token, 0, std::move(input), 30000 + 8000 * n, 40000 + 8000 * n);
            for (std::size_t k = 0; k < n; ++k) {
                if (token == nft_) log_nft(t, 0, to[i + k].first, static_cast<std::uint32_t>(to[i + k].second));
                else log_transfer(t, token, 0, to[i + k].first, to[i + k].second);
            }
            finish();
        }
    };
    const std::size_t holders = std::min<std::size_t>(users_.size(), 3000);
    std::vector<std::pair<std::uint32_t, u128>> usd, tok, nft;
    for (std::size_t i = 0; i < holders; ++i) {
        usd.emplace_back(users_[i], static_cast<u128>(2000000 / (i + 1) + rng_.range(10, 5000)) * kUsdUnit);
        if (i % 3 == 0) tok.emplace_back(users_[i], static_cast<u128>(1000000 / (i + 1) + rng_.range(1, 50)) * kEther / 10);
    }
    for (auto h : ex_hot_) {
        usd.emplace_back(h, static_cast<u128>(50000000) * kUsdUnit);
        tok.emplace_back(h, static_cast<u128>(20000) * kEther);
    }
    usd.emplace_back(lp_, static_cast<u128>(400000000) * kUsdUnit);
    tok.emplace_back(lp_, static_cast<u128>(150000) * kEther);
    tok.emplace_back(airdrop_, static_cast<u128>(2000000) * kEther);
    for (auto b : bridge_) usd.emplace_back(b, static_cast<u128>(30000000) * kUsdUnit);
    for (auto& h : heists_) {
        if (h.spec.usd) usd.emplace_back(h.victim, h.spec.usd);
        if (h.spec.tok) tok.emplace_back(h.victim, h.spec.tok);
    }
    mint(usd_, usd);
    mint(tok_, tok);
    for (std::uint32_t id = 1; id <= cfg_.nfts; ++id) nft.emplace_back(users_[rng_.below(std::min<std::size_t>(users_.size(), 500))], id);
    mint(nft_, nft);
    // liquidity: the provider wraps ETH and funds three constant-product pools
    const u128 weth = 100000 * kEther;
    Tx& t = begin(lp_, weth_, weth, S.deposit, 27938);
    log_wrap(t, lp_, weth);
    finish();
    token_transfer(weth_, lp_, pool_wt_, weth / 2);
    token_transfer(weth_, lp_, pool_wu_, weth / 2);
    token_transfer(tok_, lp_, pool_wt_, 50000 * kEther);
    token_transfer(tok_, lp_, pool_tu_, 50000 * kEther);
    token_transfer(usd_, lp_, pool_wu_, static_cast<u128>(150000000) * kUsdUnit);
    token_transfer(usd_, lp_, pool_tu_, static_cast<u128>(150000000) * kUsdUnit);
}

// ---------------------------------------------------------------------------------------------
// Heists and laundering

void Gen::plan_heist(HeistState& h) {
    const std::uint64_t H = h.spec.block;
    const Playbook& p = h.spec.playbook;
    // the attacker's gas money comes out of a mixer (a Tornado-funded account)
    at(std::max<std::uint64_t>(2, H / 3), [this, &h] { mixer_deposit(h.prep, 1); });
    at(std::max<std::uint64_t>(3, H - 8), [this, &h] { mixer_withdraw(1, h.attacker, Typology::None, nullptr); });
    if (h.spec.kind == HeistKind::SafeDrain) {
        at(H - 2, [this, &h] {  // the attacker deploys the backdoored implementation
            h.exploit = add_actor(contract_address(h.attacker, nonce_[h.attacker]), Cat::Contract);
            Tx& t = begin(h.attacker, 0, 0, "6080604052" + hexw(0xdead), 600000, 700000);
            t.create = true;
            t.created = h.exploit;
            t.top.to = h.exploit;
            t.top.output = "608060405234801561001057600080fd5b50";
            finish();
        });
        at(H, [this, &h] {  // signers approve what looks like a transfer: operation = 1 (DELEGATECALL)
            const std::uint32_t signer = h.owner;  // a Safe owner, phished
            const std::string inner = S.transfer + word_addr(addr_[h.exploit]) + hexw(0);
            Tx& t = begin(signer, h.victim, 0,
                          S.exec + word_addr(addr_[h.exploit]) + hexw(0) + hexw(320) + hexw(1) + hexw(45746) + hexw(0) + hexw(0) +
                              word_addr(Address{}) + word_addr(Address{}) + hexw(448) + hexw(68) + inner + std::string(56, '0') + hexw(195),
                          80000);
            Frame& d = sub(t.top, FrameType::DelegateCall, h.victim, safe_impl_, 0, t.top.input, 60000, hexw(1));
            sub(d, FrameType::DelegateCall, h.victim, h.exploit, 0, inner, 22000);
            log(t, h.victim, {T.exec_success}, to_hex(rand_hash().b).substr(2) + hexw(0));
            finish();
        });
        at(H + 1, [this, &h] {  // the proxy now runs the attacker's code: sweep everything out
            const std::uint32_t v = h.victim, a = h.attacker;
            if (bal_[v][kEth]) {
                Tx& t = begin(a, v, 0, S.sweep_eth + word_addr(addr_[a]), 45000);
                Frame& d = sub(t.top, FrameType::DelegateCall, v, h.exploit, 0, t.top.input, 30000);
                sub(d, FrameType::Call, v, a, bal_[v][kEth], "", 0);
                finish(Typology::HeistSource, h.index, &h);
            }
            for (std::uint32_t token : {tok_, usd_}) {
                const u128 amt = bal_[v][asset_of_token(token)];
                if (!amt) continue;
                Tx& t = begin(a, v, 0, S.sweep_erc20 + word_addr(addr_[token]) + word_addr(addr_[a]), 60000);
                Frame& d = sub(t.top, FrameType::DelegateCall, v, h.exploit, 0, t.top.input, 40000);
                sub(d, FrameType::Call, v, token, 0, S.transfer + word_addr(addr_[a]) + hexw(amt), 30000, hexw(1));
                log_transfer(t, token, v, a, amt);
                finish(Typology::HeistSource, h.index, &h);
            }
        });
    } else if (h.spec.kind == HeistKind::BridgeDrain) {
        at(H, [this, &h] {  // withdrawals signed with stolen validator keys (5 of 9)
            const std::uint32_t v = h.victim, a = h.attacker;
            std::string sigs;
            for (int i = 0; i < 5; ++i) sigs += to_hex(rand_hash().b).substr(2) + to_hex(rand_hash().b).substr(2) + hexw(27 + rng_.below(2));
            const u128 eth = std::min(h.spec.eth, bal_[v][kEth]);
            Tx& t = begin(a, v, 0, S.bridge_withdraw + hexw(2000000) + word_addr(addr_[a]) + word_addr(addr_[weth_]) + hexw(eth) + hexw(160) + hexw(5 * 96) + sigs, 120000);
            sub(t.top, FrameType::Call, v, a, eth, "", 0);
            log(t, v, {T.bridge_withdraw, topic_addr(addr_[a])}, hexw(eth) + hexw(2000000));
            finish(Typology::HeistSource, h.index, &h);
            const u128 usd = std::min(h.spec.usd, bal_[v][kUsd]);
            if (usd) {
                Tx& t2 = begin(a, v, 0, S.bridge_withdraw + hexw(2000001) + word_addr(addr_[a]) + word_addr(addr_[usd_]) + hexw(usd) + hexw(160) + hexw(5 * 96) + sigs, 140000);
                sub(t2.top, FrameType::Call, v, usd_, 0, S.transfer + word_addr(addr_[a]) + hexw(usd), 30000, hexw(1));
                log_transfer(t2, usd_, v, a, usd);
                log(t2, v, {T.bridge_withdraw, topic_addr(addr_[a])}, hexw(usd) + hexw(2000001));
                finish(Typology::HeistSource, h.index, &h);
            }
        });
    } else {
        at(H, [this, &h] {  // the hot wallet's key is stolen: plain transfers signed by the thief
            const std::uint32_t v = h.victim, a = h.attacker;
            const u128 eth = std::min(h.spec.eth, spendable(v, 21000));
            Tx& t = begin(v, a, eth, "", 21000);
            (void)t;
            finish(Typology::HeistSource, h.index, &h);
            const u128 usd = std::min(h.spec.usd, bal_[v][kUsd]);
            if (usd) {
                Tx& t2 = begin(v, usd_, 0, S.transfer + word_addr(addr_[a]) + hexw(usd), 51000, 65000);
                t2.top.output = hexw(1);
                log_transfer(t2, usd_, v, a, usd);
                finish(Typology::HeistSource, h.index, &h);
            }
        });
    }
    launder(h, h.attacker, H + 2 + delay(p) / 4);
}

void Gen::launder(HeistState& h, std::uint32_t a, std::uint64_t when) {
    const Playbook& p = h.spec.playbook;
    // 1. convert tokens to ETH in chunks
    for (std::uint32_t c = 0; c < p.swap_chunks; ++c) {
        at(when + c, [this, &h, a, c, &p] {
            for (std::uint32_t asset : {kTok, kUsd}) {
                const u128 left = bal_[a][asset];
                const u128 amt = c + 1 == p.swap_chunks ? left : left / (p.swap_chunks - c);
                swap(a, asset, kEth, amt, Typology::Swap, &h);
            }
        });
    }
    // 2. fan out into fresh addresses, near-equal amounts
    at(when + p.swap_chunks + p.fanout_delay, [this, &h, a, &p] {
        const int n = std::max(1, p.fanout);
        const u128 reserve = static_cast<u128>(n + 4) * 21000 * max_fee() * 2;
        const u128 total = bal_[a][kEth] > reserve ? bal_[a][kEth] - reserve : 0;
        const u128 each = total / static_cast<u128>(n);
        for (int i = 0; i < n; ++i) {
            const u128 jitter = each / 1000 * rng_.below(10);  // up to 1% below the even share
            const std::uint32_t f = fresh(Cat::Attacker);
            h.attacker_addrs.push_back(f);
            const std::uint64_t b = block_.number + 1 + static_cast<std::uint64_t>(i) / 10;
            at(b, [this, &h, a, f, v = each - jitter] { eth_transfer(a, f, v, Typology::FanOut, &h); });
            // each fan-out address follows one route chosen by the playbook's weights
            const int w[6] = {p.w_mixer, p.w_bridge, p.w_exchange, p.w_stable, p.w_nft, p.w_peel};
            int sum = 0;
            for (int x : w) sum += x;
            int r = 0;
            if (sum > 0) {
                int x = static_cast<int>(rng_.below(static_cast<std::uint64_t>(sum)));
                while (x >= w[r]) x -= w[r++];
            }
            const int hops = static_cast<int>(rng_.range(static_cast<std::uint64_t>(p.hops_min), static_cast<std::uint64_t>(std::max(p.hops_min, p.hops_max))));
            route(h, f, hops, r, b + 1 + delay(p));
        }
    });
}

void Gen::route(HeistState& h, std::uint32_t who, int hops_left, int r, std::uint64_t when) {
    if (hops_left <= 0) return terminal(h, who, r, when);
    at(when, [this, &h, who, hops_left, r] {
        const std::uint32_t next = fresh(Cat::Attacker);
        h.attacker_addrs.push_back(next);
        eth_transfer(who, next, spendable(who, 21000), Typology::PassThrough, &h);
        route(h, next, hops_left - 1, r, block_.number + delay(h.spec.playbook));
    });
}

void Gen::terminal(HeistState& h, std::uint32_t who, int r, std::uint64_t when) {
    const Playbook& p = h.spec.playbook;
    auto to_exchange = [this, &h](std::uint32_t w, Typology typ) {
        const std::uint32_t customer = fresh(Cat::Fresh);  // a fresh exchange account per deposit
        const std::uint32_t d = deposit_address(customer, static_cast<int>(rng_.below(ex_hot_.size())));
        if (eth_transfer(w, d, spendable(w, 21000), typ, &h)) schedule_sweep(d);
    };
    switch (r) {
        case 0:  // mixer: greedy fixed denominations, one deposit per block or so
            at(when, [this, &h, who] {
                static const u128 denom[4] = {kEther / 10, kEther, 10 * kEther, 100 * kEther};
                for (int pool = 3; pool >= 0; --pool) {
                    if (spendable(who, 1320000) >= denom[pool]) {
                        mixer_deposit(who, pool, Typology::MixerDeposit, &h, true);
                        terminal(h, who, 0, block_.number + rng_.range(1, 3));
                        return;
                    }
                }
            });
            break;
        case 1:  // bridge exit
            at(when, [this, &h, who] { bridge_deposit(who, 1, spendable(who, 90000), Typology::BridgeExit, &h); });
            break;
        case 2:  // exchange deposits (1-3 accounts)
            at(when, [this, &h, who, to_exchange] {
                const int k = static_cast<int>(rng_.range(1, 3));
                for (int i = 0; i + 1 < k; ++i) {
                    const std::uint32_t customer = fresh(Cat::Fresh);
                    const std::uint32_t d = deposit_address(customer, static_cast<int>(rng_.below(ex_hot_.size())));
                    if (eth_transfer(who, d, spendable(who, 21000 * (k - i)) / static_cast<u128>(k - i), Typology::ExchangeDeposit, &h)) schedule_sweep(d);
                }
                to_exchange(who, Typology::ExchangeDeposit);
            });
            break;
        case 3:  // swap to the stablecoin, then into an exchange
            at(when, [this, &h, who] { swap(who, kEth, kUsd, spendable(who, 220000, 200000 * max_fee()), Typology::Swap, &h); });
            at(when + delay(p), [this, &h, who] {
                const std::uint32_t customer = fresh(Cat::Fresh);
                const std::uint32_t d = deposit_address(customer, static_cast<int>(rng_.below(ex_hot_.size())));
                if (token_transfer(usd_, who, d, bal_[who][kUsd], Typology::ExchangeDeposit, &h)) schedule_sweep(d);
            });
            break;
        case 4:  // NFT purchases at inflated prices, the rest to an exchange
            at(when, [this, &h, who, to_exchange] {
                for (int tries = 0, bought = 0; tries < 20 && bought < 2; ++tries) {
                    const auto id = static_cast<std::uint32_t>(rng_.range(1, cfg_.nfts));
                    if (nft_buy(who, id, spendable(who, 600000) / 20, Typology::NftPurchase, &h)) ++bought;
                }
                to_exchange(who, Typology::ExchangeDeposit);
            });
            break;
        default:  // peel chain: each hop peels a small payment to an exchange, the change moves on
            at(when, [this, &h, who] { peel(h, who, h.spec.playbook.peel_len); });
    }
}

void Gen::peel(HeistState& h, std::uint32_t who, int left) {
    if (left <= 0) {
        bridge_deposit(who, 1, spendable(who, 90000), Typology::BridgeExit, &h);
        return;
    }
    const std::uint32_t customer = fresh(Cat::Fresh);
    const std::uint32_t d = deposit_address(customer, static_cast<int>(rng_.below(ex_hot_.size())));
    if (eth_transfer(who, d, spendable(who, 42000) * rng_.range(10, 40) / 1000, Typology::PeelChain, &h)) schedule_sweep(d);
    const std::uint32_t next = fresh(Cat::Attacker);
    h.attacker_addrs.push_back(next);
    if (!eth_transfer(who, next, spendable(who, 21000), Typology::PeelChain, &h)) return;
    at(block_.number + delay(h.spec.playbook), [this, &h, next, left] { peel(h, next, left - 1); });
}

// ---------------------------------------------------------------------------------------------
// Blocks and the run

void Gen::new_block(std::uint64_t n) {
    block_ = Block{};
    block_.number = n;
    block_.timestamp = kGenesisTime + 12 * n;
    block_.parent = parent_;
    // base fee: a bounded random walk (7.5 .. 80 gwei), at most 12.5% per block as in EIP-1559
    u128& base = base_fee_;
    const std::uint64_t step = rng_.below(251);  // -125..+125 per mille
    base = base * (1000 + step - 125) / 1000;
    base = std::clamp<u128>(base, 7 * kGwei + kGwei / 2, 80 * kGwei);
    block_.base_fee = base;
    block_.miner = builders_[std::min<std::size_t>(rng_.below(builders_.size()), rng_.below(builders_.size()))];
    static const char* extras[] = {"6265617665726275696c642e6f7267", "7273796e632d6275696c6465722e78797a", "546974616e2028746974616e6275696c6465722e78797a29", "696c6c756d696e61746520646d6f63726174697a6520647374726962757465"};
    block_.extra = extras[block_.miner % 4];
}

void Gen::end_block() {
    withdrawals();
    auto h = [&](char tag) {
        std::uint8_t buf[17];
        std::memcpy(buf, &cfg_.seed, 8);
        std::memcpy(buf + 8, &block_.number, 8);
        buf[16] = static_cast<std::uint8_t>(tag);
        return keccak256(std::span<const std::uint8_t>(buf, 17));
    };
    block_.hash = h('b');
    block_.state_root = h('s');
    block_.receipts_root = block_.txs.empty() ? parse_hash("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421") : h('r');
    block_.tx_root = block_.txs.empty() ? block_.receipts_root : h('t');
    block_.withdrawals_root = h('w');
    block_.mix = h('m');
    // fill in the block hash-dependent fields: hashes are computed once the block is complete
    writer_->write(block_);
    parent_ = block_.hash;
    ++st_.blocks;
}

Role Gen::role(std::uint32_t id) const {
    switch (cat_[id]) {
        case Cat::Dex:
        case Cat::Weth:
        case Cat::Market: return Role::Converter;
        case Cat::Exchange:
        case Cat::ExchangeCold:
        case Cat::Deposit:
        case Cat::Mixer:
        case Cat::Bridge: return Role::Terminal;
        default: return Role::Plain;
    }
}

Stats Gen::run() {
    namespace fs = std::filesystem;
    fs::create_directories(fs::path(opt_.out_dir) / "chain");
    for (auto& e : fs::directory_iterator(fs::path(opt_.out_dir) / "chain")) fs::remove_all(e.path());

    // ---- actors and opening balances
    add_actor(Address{}, Cat::None);  // id 0: the zero address (mint/burn side)
    auto named = [&](std::string_view tag, Cat c, u128 eth, std::uint16_t entity = 0) {
        std::uint32_t id = add_actor(derive(tag, entity), c, entity);
        bal_[id][kEth] = eth;
        return id;
    };
    weth_ = add_actor(parse_address("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"), Cat::Weth);
    tok_ = named("token-lst", Cat::Token, 0);
    usd_ = named("token-usd", Cat::Token, 0);
    router_ = named("dex-router", Cat::Dex, 0);
    pool_wt_ = named("dex-pool-weth-tok", Cat::Dex, 0);
    pool_wu_ = named("dex-pool-weth-usd", Cat::Dex, 0);
    pool_tu_ = named("dex-pool-tok-usd", Cat::Dex, 0);
    for (int i = 0; i < 4; ++i) mixer_[i] = named("mixer", Cat::Mixer, 0, static_cast<std::uint16_t>(i));
    relayer_ = named("mixer-relayer", Cat::Service, 1000 * kEther);
    bridge_[0] = named("bridge", Cat::Bridge, 200000 * kEther, 0);
    bridge_[1] = named("bridge", Cat::Bridge, 200000 * kEther, 1);
    bridge_op_ = named("bridge-operator", Cat::Service, 100 * kEther);
    nft_ = named("nft-collection", Cat::Nft, 0);
    market_ = named("nft-market", Cat::Market, 0);
    airdrop_ = named("airdrop", Cat::Contract, 0);
    airdrop_admin_ = named("airdrop-admin", Cat::Service, 100 * kEther);
    disperse_ = named("disperse", Cat::Contract, 0);
    factory_ = named("create2-factory", Cat::Contract, 0);
    minter_ = named("minter", Cat::Service, 100 * kEther);
    lp_ = named("liquidity", Cat::Service, 110000 * kEther);
    poisoner_ = named("poisoner", Cat::Service, 50 * kEther);
    safe_impl_ = named("safe-master-copy", Cat::Contract, 0);
    for (std::uint16_t i = 0; i < 8; ++i) builders_.push_back(named("builder", Cat::Builder, kEther, i));
    for (std::uint16_t i = 0; i < 32; ++i) stakers_.push_back(named("staker", Cat::Staker, 0, i));
    for (std::uint32_t e = 0; e < cfg_.exchanges; ++e) {
        ex_hot_.push_back(named("exchange-hot", Cat::Exchange, 30000 * kEther, static_cast<std::uint16_t>(e + 1)));
        ex_cold_.push_back(named("exchange-cold", Cat::ExchangeCold, 300000 * kEther, static_cast<std::uint16_t>(e + 1)));
    }
    users_.reserve(cfg_.users);
    zipf_cum_.reserve(cfg_.users);
    std::uint64_t cum = 0;
    for (std::uint32_t i = 0; i < cfg_.users; ++i) {
        std::uint32_t u = add_actor(derive("user", i), Cat::User);
        bal_[u][kEth] = static_cast<u128>(50000) * kEther / (i + 1) + kEther / 20 + static_cast<u128>(rng_.below(2000)) * kEther / 1000;
        users_.push_back(u);
        cum += (std::uint64_t{1} << 32) / (i + 1);  // Zipf (s = 1) activity by rank
        zipf_cum_.push_back(cum);
    }
    heists_.reserve(cfg_.heists.size());
    for (std::size_t i = 0; i < cfg_.heists.size(); ++i) {
        HeistState& h = heists_.emplace_back();
        h.spec = cfg_.heists[i];
        h.index = static_cast<std::uint16_t>(i + 1);
        switch (h.spec.kind) {
            case HeistKind::SafeDrain: h.victim = named("safe-proxy", Cat::Victim, h.spec.eth, h.index); break;
            case HeistKind::BridgeDrain:
                h.victim = bridge_[0];
                bal_[h.victim][kEth] += h.spec.eth;
                break;
            case HeistKind::HotWallet:
                h.victim = ex_hot_[0];
                bal_[h.victim][kEth] += h.spec.eth;
                break;
        }
        h.attacker = named("attacker", Cat::Attacker, 0, h.index);
        h.prep = named("attacker-prep", Cat::Attacker, 5 * kEther, h.index);
        h.owner = named("safe-owner", Cat::User, 2 * kEther, h.index);
        h.attacker_addrs = {h.attacker, h.prep};
        refs_.emplace_back([this](std::uint32_t id) { return role(id); }, h.index);
    }
    nft_owner_.assign(cfg_.nfts + 1, 0);
    genesis_.resize(addr_.size());
    for (std::size_t i = 0; i < addr_.size(); ++i) genesis_[i] = bal_[i][kEth];
    for (std::size_t i = 0; i < addr_.size(); ++i)
        if (genesis_[i] > 0) emit(Rec{0, kBlockLevelTx, static_cast<std::uint32_t>(i), TransferKind::Genesis, Typology::None, 0, static_cast<std::uint32_t>(i), kEth, 0, 0, genesis_[i]}, nullptr), bal_[i][kEth] -= genesis_[i];
    for (auto& r : refs_) r.end_tx();
    write_genesis();

    writer_ = opt_.format == Format::Rpc
                  ? make_rpc_writer((fs::path(opt_.out_dir) / "chain").string(), opt_.blocks_per_file,
                                    opt_.layout == Layout::PerResponse, AddressBook{&addr_}, kChainId, opt_.discard_chain)
                  : make_etl_writer((fs::path(opt_.out_dir) / "chain").string(), opt_.blocks_per_file, AddressBook{&addr_}, opt_.discard_chain);
    parent_ = keccak256(fmt::format("chainward-sim genesis {}", cfg_.seed));

    for (auto& h : heists_) plan_heist(h);
    for (std::uint64_t n = 1; n <= cfg_.blocks; ++n) {
        new_block(n);
        if (n == 1) setup_block();
        while (!events_.empty() && events_.begin()->first <= n) {
            auto fn = std::move(events_.begin()->second);
            events_.erase(events_.begin());
            fn();
        }
        const std::uint64_t k = cfg_.txs_per_block / 2 + rng_.below(cfg_.txs_per_block + 1);
        for (std::uint64_t i = 0; i < k && block_.gas_used < 24000000; ++i) background_tx();
        end_block();
        if (cfg_.stop_after_transfers && transfers_ >= cfg_.stop_after_transfers) break;
    }
    writer_->finish();
    st_.bytes_written = writer_->bytes();
    st_.transfers = transfers_;
    st_.actors = addr_.size();

    if (opt_.on_holding) report_holdings();
    std::vector<std::vector<FreezePoint>> fps;
    for (auto& r : refs_) fps.push_back(r.freeze_points());
    write_labels_and_truth(fps);
    for (std::size_t i = 1; i < addr_.size(); ++i) {
        auto lg = [](std::uint32_t d) { std::uint32_t l = 0; while (d > 1) { d >>= 1; ++l; } return l; };
        if (outdeg_[i]) st_.out_degree_log2[lg(outdeg_[i])]++;
        if (indeg_[i]) st_.in_degree_log2[lg(indeg_[i])]++;
    }
    return st_;
}

void Gen::report_holdings() const {
    const Address contract[kFungibleAssets] = {Address{}, addr_[weth_], addr_[tok_], addr_[usd_]};
    for (std::size_t i = 1; i < addr_.size(); ++i)
        for (std::uint32_t a = 0; a < kFungibleAssets; ++a)
            if (bal_[i][a] > 0) opt_.on_holding(addr_[i], AssetKey{a == kEth ? AssetType::Native : AssetType::Erc20, contract[a], 0}, bal_[i][a]);
    for (std::size_t id = 0; id < nft_owner_.size(); ++id)
        if (nft_owner_[id]) opt_.on_holding(addr_[nft_owner_[id]], AssetKey{AssetType::Erc721, addr_[nft_], id}, 1);
}

// ---------------------------------------------------------------------------------------------
// genesis.json, labels.csv, truth.json, stats.json

namespace {
void write_file(const std::string& path, const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("simulate: cannot create " + path);
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) != 0 || !ok) throw std::runtime_error("simulate: write failed: " + path);
}
std::string qhex(u128 v) {
    std::string s;
    do {
        s.insert(s.begin(), "0123456789abcdef"[static_cast<unsigned>(v & 15)]);
        v >>= 4;
    } while (v);
    return "0x" + s;
}
}  // namespace

void Gen::write_genesis() {
    std::string out = fmt::format(
        "{{\"config\":{{\"chainId\":{},\"homesteadBlock\":0,\"eip150Block\":0,\"eip155Block\":0,\"eip158Block\":0,"
        "\"byzantiumBlock\":0,\"constantinopleBlock\":0,\"petersburgBlock\":0,\"istanbulBlock\":0,\"berlinBlock\":0,"
        "\"londonBlock\":0,\"mergeNetsplitBlock\":0,\"shanghaiTime\":0,\"terminalTotalDifficulty\":0,"
        "\"terminalTotalDifficultyPassed\":true}},\"nonce\":\"0x0\",\"timestamp\":\"{}\",\"extraData\":\"0x\","
        "\"gasLimit\":\"0x1c9c380\",\"difficulty\":\"0x0\",\"baseFeePerGas\":\"0x4a817c800\",\"alloc\":{{",
        kChainId, qhex(kGenesisTime));
    bool first = true;
    for (std::size_t i = 1; i < addr_.size(); ++i) {
        const bool code = cat_[i] == Cat::Token || cat_[i] == Cat::Dex || cat_[i] == Cat::Weth || cat_[i] == Cat::Mixer ||
                          cat_[i] == Cat::Bridge || cat_[i] == Cat::Nft || cat_[i] == Cat::Market || cat_[i] == Cat::Contract ||
                          cat_[i] == Cat::Victim;
        if (!genesis_[i] && !code) continue;
        out += fmt::format("{}\"{}\":{{\"balance\":\"{}\"{}}}", first ? "" : ",", addr_[i].hex(), qhex(genesis_[i]),
                           code ? ",\"code\":\"0x6080604052\"" : "");
        first = false;
    }
    out += "}}\n";
    write_file(opt_.out_dir + "/genesis.json", out);
}

std::vector<std::pair<std::uint32_t, std::pair<std::string, std::string>>> Gen::labels() const {
    std::vector<std::pair<std::uint32_t, std::pair<std::string, std::string>>> out;
    auto add = [&](std::uint32_t id, std::string entity, std::string cat) { out.push_back({id, {std::move(entity), std::move(cat)}}); };
    add(weth_, "Wrapped Ether", "dex");
    add(router_, "SimSwap", "dex");
    add(pool_wt_, "SimSwap", "dex");
    add(pool_wu_, "SimSwap", "dex");
    add(pool_tu_, "SimSwap", "dex");
    static const char* denoms[] = {"0.1", "1", "10", "100"};
    for (int i = 0; i < 4; ++i) add(mixer_[i], fmt::format("Mixer {} ETH", denoms[i]), "mixer");
    add(bridge_[0], "Ronin-like Bridge", "bridge");
    add(bridge_[1], "THORChain-like Router", "bridge");
    add(market_, "SimSea", "nft_marketplace");
    for (std::size_t e = 0; e < ex_hot_.size(); ++e) {
        add(ex_hot_[e], fmt::format("Exchange {}", e + 1), "exchange");
        add(ex_cold_[e], fmt::format("Exchange {}", e + 1), "exchange");
    }
    // deposit addresses in id order (the map is only used for lookups)
    for (std::size_t i = 1; i < addr_.size(); ++i)
        if (cat_[i] == Cat::Deposit) add(static_cast<std::uint32_t>(i), fmt::format("Exchange {}", entity_[i]), "exchange_deposit");
    for (const auto& h : heists_) {
        add(h.victim, fmt::format("Heist {} victim", h.index), "heist_victim");
        add(h.attacker, fmt::format("Heist {} exploiter", h.index), "heist_attacker");
        add(h.attacker, fmt::format("Heist {} exploiter", h.index), "sanctioned");
    }
    return out;
}

std::string Gen::asset_json(std::uint32_t asset, std::uint32_t token_id) const {
    switch (asset) {
        case kEth: return "\"asset\":\"ETH\"";
        case kWeth: return fmt::format("\"asset\":\"{}\",\"symbol\":\"WETH\"", addr_[weth_].checksum());
        case kTok: return fmt::format("\"asset\":\"{}\",\"symbol\":\"sLST\"", addr_[tok_].checksum());
        case kUsd: return fmt::format("\"asset\":\"{}\",\"symbol\":\"sUSD\"", addr_[usd_].checksum());
        default: return fmt::format("\"asset\":\"{}\",\"symbol\":\"SIMNFT\",\"token_id\":\"{}\"", addr_[nft_].checksum(), token_id);
    }
}

void Gen::write_labels_and_truth(const std::vector<std::vector<FreezePoint>>& fps) {
    const auto ls = labels();
    std::string csv = "address,entity,category\n";
    for (const auto& [id, ec] : ls) csv += fmt::format("{},{},{}\n", addr_[id].checksum(), ec.first, ec.second);
    write_file(opt_.out_dir + "/labels.csv", csv);

    auto rec_json = [&](const Rec& r) {
        std::uint8_t buf[24];
        std::memcpy(buf, &cfg_.seed, 8);
        std::memcpy(buf + 8, &r.block, 8);
        std::uint64_t pos = r.tx;
        std::memcpy(buf + 16, &pos, 8);
        return fmt::format("{{\"block\":{},\"tx_index\":{},\"seq\":{},\"tx_hash\":\"{}\",\"kind\":\"{}\",\"typology\":\"{}\",\"from\":\"{}\",\"to\":\"{}\",{},\"amount\":\"{}\"}}",
                           r.block, r.tx, r.seq, keccak256(std::span<const std::uint8_t>(buf, 24)).hex(), kind_name(r.kind),
                           typology_name(r.typ), addr_[r.from].checksum(), addr_[r.to].checksum(), asset_json(r.asset, r.token_id), dec(r.amount));
    };
    std::string out = fmt::format("{{\"preset\":\"{}\",\"seed\":{},\"chain_id\":{},\"blocks\":{},\"labels\":[", cfg_.preset, cfg_.seed, kChainId, st_.blocks);
    for (std::size_t i = 0; i < ls.size(); ++i)
        out += fmt::format("{}{{\"address\":\"{}\",\"entity\":\"{}\",\"category\":\"{}\"}}", i ? "," : "", addr_[ls[i].first].checksum(), ls[i].second.first, ls[i].second.second);
    out += "],\"heists\":[";
    for (std::size_t i = 0; i < heists_.size(); ++i) {
        const HeistState& h = heists_[i];
        out += fmt::format("{}{{\"index\":{},\"kind\":\"{}\",\"block\":{},\"victim\":\"{}\",\"attacker\":\"{}\",\"stolen\":{{\"ETH\":\"{}\",\"sLST\":\"{}\",\"sUSD\":\"{}\"}},\"attacker_addresses\":[",
                           i ? "," : "", h.index, heist_kind_name(h.spec.kind), h.spec.block, addr_[h.victim].checksum(), addr_[h.attacker].checksum(),
                           dec(h.stolen[kEth]), dec(h.stolen[kTok]), dec(h.stolen[kUsd]));
        for (std::size_t k = 0; k < h.attacker_addrs.size(); ++k) out += fmt::format("{}\"{}\"", k ? "," : "", addr_[h.attacker_addrs[k]].checksum());
        out += "],\"source_transfers\":[";
        for (std::size_t k = 0; k < h.sources.size(); ++k) out += (k ? "," : "") + rec_json(h.sources[k]);
        out += "],\"laundering_transfers\":[";
        for (std::size_t k = 0; k < h.laundering.size(); ++k) out += (k ? "," : "") + rec_json(h.laundering[k]);
        out += "],\"freeze_points\":[";
        const auto& fp = fps[i];
        for (std::size_t k = 0; k < fp.size(); ++k) {
            const FreezePoint& f = fp[k];
            std::string entity = "?", category = "?";
            for (const auto& [id, ec] : ls)
                if (id == f.actor) {
                    entity = ec.first;
                    category = ec.second;
                    break;
                }
            out += fmt::format("{}{{\"address\":\"{}\",\"entity\":\"{}\",\"category\":\"{}\",{},\"poison\":\"{}\",\"haircut\":\"{}\",\"first_block\":{},\"transfers\":{}}}",
                               k ? "," : "", addr_[f.actor].checksum(), entity, category, asset_json(f.asset, f.token_id), dec(f.poison), dec(f.haircut),
                               f.first_block, f.transfers);
        }
        out += "]}";
    }
    out += "]}\n";
    write_file(opt_.out_dir + "/truth.json", out);

    if (opt_.write_stats) {
        std::string s = fmt::format("{{\"blocks\":{},\"transactions\":{},\"failed_transactions\":{},\"logs\":{},\"transfers\":{},\"actors\":{},\"bytes\":{}",
                                    st_.blocks, st_.txs, st_.failed_txs, st_.logs, transfers_, addr_.size(), writer_->bytes());
        auto map_json = [](const auto& m) {
            std::string o = "{";
            bool first = true;
            for (const auto& [k, v] : m) {
                o += fmt::format("{}\"{}\":{}", first ? "" : ",", k, v);
                first = false;
            }
            return o + "}";
        };
        s += ",\"by_kind\":" + map_json(st_.by_kind) + ",\"by_typology\":" + map_json(st_.by_typology) + ",\"by_action\":" + map_json(st_.by_action);
        s += "}\n";
        write_file(opt_.out_dir + "/stats.json", s);
    }
}

}  // namespace

std::vector<std::string> preset_names() { return {"tiny", "bybit", "ronin", "hotwallet", "bench-10m", "bench-50m"}; }

Config preset(const std::string& name, std::uint64_t seed) {
    Config c;
    c.preset = name;
    c.seed = seed;
    HeistSpec bybit;
    bybit.kind = HeistKind::SafeDrain;
    if (name == "tiny") {
        c.blocks = 240;
        c.txs_per_block = 12;
        c.users = 400;
        c.nfts = 60;
        bybit.block = 60;
        bybit.eth = 4000 * kEther;
        bybit.tok = 900 * kEther;
        bybit.usd = 0;
        bybit.playbook.fanout = 8;
        bybit.playbook.swap_chunks = 2;
        bybit.playbook.delay_min = 1;
        bybit.playbook.delay_max = 12;
        bybit.playbook.fanout_delay = 3;
        bybit.playbook.peel_len = 3;
        c.heists.push_back(bybit);
    } else if (name == "bybit") {
        c.blocks = 12000;  // ~40 hours
        c.txs_per_block = 6;
        c.users = 20000;
        bybit.block = 300;
        bybit.eth = static_cast<u128>(401346) * kEther;
        bybit.tok = static_cast<u128>(90375) * kEther;
        bybit.playbook.fanout = 50;
        bybit.playbook.delay_min = 5;     // 1 minute
        bybit.playbook.delay_max = 1500;  // 5 hours
        c.heists.push_back(bybit);
    } else if (name == "ronin" || name == "hotwallet") {
        c.blocks = 6000;
        c.txs_per_block = 6;
        c.users = 10000;
        HeistSpec h;
        h.kind = name == "ronin" ? HeistKind::BridgeDrain : HeistKind::HotWallet;
        h.block = 200;
        h.eth = name == "ronin" ? static_cast<u128>(173600) * kEther : static_cast<u128>(20000) * kEther;
        h.usd = name == "ronin" ? static_cast<u128>(25500000) * kUsdUnit : static_cast<u128>(5000000) * kUsdUnit;
        h.playbook.fanout = name == "ronin" ? 20 : 10;
        h.playbook.w_mixer = name == "ronin" ? 8 : 1;
        h.playbook.w_peel = name == "ronin" ? 1 : 4;
        h.playbook.delay_max = 600;
        c.heists.push_back(h);
    } else if (name == "bench-10m" || name == "bench-50m") {
        const bool big = name == "bench-50m";
        c.blocks = 100000000;  // stops on the transfer count
        c.stop_after_transfers = big ? 50000000 : 10000000;
        c.txs_per_block = 150;
        c.users = big ? 2000000 : 500000;
        c.nfts = 5000;
        bybit.block = 2000;
        bybit.eth = static_cast<u128>(401346) * kEther;
        bybit.tok = static_cast<u128>(90375) * kEther;
        bybit.playbook.delay_max = 1500;
        c.heists.push_back(bybit);
        HeistSpec ronin;
        ronin.kind = HeistKind::BridgeDrain;
        ronin.block = 6000;
        ronin.eth = static_cast<u128>(173600) * kEther;
        ronin.usd = static_cast<u128>(25500000) * kUsdUnit;
        ronin.playbook.w_mixer = 8;
        c.heists.push_back(ronin);
    } else {
        throw InputError("unknown preset '" + name + "' (tiny, bybit, ronin, hotwallet, bench-10m, bench-50m)");
    }
    return c;
}

Stats simulate(const Config& cfg, const Options& opt) {
    Gen g(cfg, opt);
    return g.run();
}

}  // namespace chainward::sim
