// Hand-computed traces on small graphs: every model on the 3-stolen + 7-clean example, time
// order, terminals, limits, swaps, wraps, NFT purchases, reverted transactions, reports.
#include <gtest/gtest.h>

#include "transfer_util.hpp"

namespace chainward::trace {
namespace {

// Address ids used below.
constexpr AddressId V = 1, A = 2, B = 3, C = 4, D = 5, EX = 20, DEX = 21, WETH = 22, MKT = 23, MINER = 24;
constexpr AssetId ETH = 0, TOK = 1, WETH_T = 3, NFT7 = 10;

struct Chain {
    MemoryGraph g;
    std::unordered_map<AddressId, Role> roles{{EX, Role::Terminal}, {DEX, Role::Converter}, {WETH, Role::Converter}, {MKT, Role::Converter}};
    std::uint64_t t(std::uint64_t block, std::uint32_t tx, std::uint32_t seq, TransferKind k, AddressId from, AddressId to, AssetId asset,
                    U256 amount) {
        TransferRef r = testing::make_transfer(block, tx, seq, k, from, to, asset, amount);
        Hash32 h{};
        h.b[0] = static_cast<std::uint8_t>(block);
        h.b[1] = static_cast<std::uint8_t>(tx);
        return g.add(r, h);
    }
    TransferRef ref(std::uint64_t id) const { return g.transfers()[id]; }
    Options opts(Model m, std::vector<std::uint64_t> src) const {
        Options o;
        o.model = m;
        o.roles = roles;
        for (auto id : src) o.source_transfers.push_back(ref(id));
        return o;
    }
};

U256 rest(const Result& r, AddressId a, AssetId s = ETH) {
    for (const auto& h : r.at_rest)
        if (h.address == a && h.asset == s) return h.amount;
    return 0;
}
U256 frozen(const Result& r, AddressId a, AssetId s = ETH) {
    for (const auto& h : r.freeze_points)
        if (h.address == a && h.asset == s) return h.amount;
    return 0;
}
void expect_balanced(const Result& r) {
    for (const auto& [a, t] : r.totals) {
        EXPECT_EQ(t.inflow(), t.outflow()) << "asset " << a;
        EXPECT_EQ(t.shortfall, 0u) << "asset " << a;
    }
}

// docs/tracing.md worked example: A holds 7 clean, receives 3 stolen, sends 5 to B.
struct ThreeSeven : Chain {
    std::uint64_t theft;
    ThreeSeven() {
        t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, A, ETH, 7000);
        t(0, kBlockLevelTx, 1, TransferKind::Genesis, 0, V, ETH, 3000);
        theft = t(1, 0, 0, TransferKind::Call, V, A, ETH, 3000);
        t(2, 0, 0, TransferKind::Call, A, B, ETH, 5000);
    }
};

TEST(TraceModels, ThreeStolenSevenClean) {
    ThreeSeven c;
    struct Want {
        Model m;
        U256 b, a;
    };
    for (Want w : {Want{Model::Poison, 5000, 5000}, Want{Model::Haircut, 1500, 1500}, Want{Model::Fifo, 0, 3000},
                   Want{Model::Lifo, 3000, 0}, Want{Model::Tiho, 3000, 0}}) {
        Result r = trace(c.g, c.opts(w.m, {c.theft}));
        EXPECT_EQ(rest(r, B), w.b) << model_name(w.m);
        EXPECT_EQ(rest(r, A), w.a) << model_name(w.m);
        EXPECT_EQ(r.totals.at(ETH).traced, 3000u);
        expect_balanced(r);
        if (w.m == Model::Poison) {
            EXPECT_EQ(r.totals.at(ETH).contaminated, 7000u);  // A's clean 7 absorbed
        }
    }
}

TEST(TraceModels, FifoLifoOrderOfLots) {
    // A: 2 clean, 3 stolen, 4 clean (in that order); sends 4 then 4.
    Chain c;
    c.t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, A, ETH, 2);
    c.t(0, kBlockLevelTx, 1, TransferKind::Genesis, 0, V, ETH, 3);
    c.t(0, kBlockLevelTx, 2, TransferKind::Genesis, 0, D, ETH, 4);
    auto theft = c.t(1, 0, 0, TransferKind::Call, V, A, ETH, 3);
    c.t(1, 1, 0, TransferKind::Call, D, A, ETH, 4);
    c.t(2, 0, 0, TransferKind::Call, A, B, ETH, 4);
    c.t(3, 0, 0, TransferKind::Call, A, C, ETH, 4);
    Result f = trace(c.g, c.opts(Model::Fifo, {theft}));
    EXPECT_EQ(rest(f, B), 2u);  // 2 clean + 2 of the stolen lot
    EXPECT_EQ(rest(f, C), 1u);  // the last stolen unit + 3 clean
    EXPECT_EQ(rest(f, A), 0u);
    Result l = trace(c.g, c.opts(Model::Lifo, {theft}));
    EXPECT_EQ(rest(l, B), 0u);  // the newest 4 clean
    EXPECT_EQ(rest(l, C), 3u);  // then the stolen 3 and 1 of the oldest clean
    Result h = trace(c.g, c.opts(Model::Haircut, {theft}));
    EXPECT_EQ(rest(h, B), 1u);  // floor(4*3/9) = 1; A keeps 2 of taint on 5
    EXPECT_EQ(rest(h, C), 1u);  // floor(4*2/5) = 1; A keeps 1 (rounding remainder stays)
    EXPECT_EQ(rest(h, A), 1u);
    for (const Result* r : {&f, &l, &h}) expect_balanced(*r);
}

TEST(TraceTimeOrder, OutflowsBeforeTheTaintAreClean) {
    Chain c;
    c.t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, A, ETH, 10);
    c.t(0, kBlockLevelTx, 1, TransferKind::Genesis, 0, V, ETH, 10);
    c.t(1, 0, 0, TransferKind::Call, A, B, ETH, 5);  // same block, earlier tx
    auto theft = c.t(1, 1, 0, TransferKind::Call, V, A, ETH, 10);
    c.t(1, 1, 1, TransferKind::Internal, A, C, ETH, 5);  // same tx, later position: carries taint
    c.t(1, 2, 0, TransferKind::Call, A, D, ETH, 10);
    Result p = trace(c.g, c.opts(Model::Poison, {theft}));
    EXPECT_EQ(rest(p, B), 0u);
    EXPECT_EQ(rest(p, C), 5u);
    EXPECT_EQ(rest(p, D), 10u);
    Result h = trace(c.g, c.opts(Model::Haircut, {theft}));
    EXPECT_EQ(rest(h, C), 3u);  // floor(5*10/15)
    EXPECT_EQ(rest(h, D), 7u);  // everything left: 7 of 10 tainted
    expect_balanced(h);
}

TEST(TraceTerminals, StopAndReportOrContinueWithThrough) {
    Chain c;
    c.t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, V, ETH, 100);
    c.t(0, kBlockLevelTx, 1, TransferKind::Genesis, 0, EX, ETH, 1000);
    auto theft = c.t(1, 0, 0, TransferKind::Call, V, A, ETH, 100);
    c.t(2, 0, 0, TransferKind::Call, A, EX, ETH, 60);
    c.t(3, 0, 0, TransferKind::Call, EX, B, ETH, 500);  // exchange withdrawal
    Result r = trace(c.g, c.opts(Model::Poison, {theft}));
    EXPECT_EQ(frozen(r, EX), 60u);
    EXPECT_EQ(rest(r, B), 0u);
    EXPECT_EQ(r.totals.at(ETH).terminals, 60u);
    ASSERT_EQ(r.freeze_points.size(), 1u);
    EXPECT_EQ(r.freeze_points[0].first.block, 2u);
    EXPECT_EQ(r.freeze_points[0].hop, 2u);
    auto path = r.path_to(r.freeze_points[0]);
    ASSERT_EQ(path.size(), 2u);
    EXPECT_EQ(path[0].from, V);
    EXPECT_EQ(path[1].to, EX);
    expect_balanced(r);
    Options o = c.opts(Model::Poison, {theft});
    o.through_terminals = true;
    Result t = trace(c.g, o);
    EXPECT_EQ(frozen(t, EX), 60u);   // still reported
    EXPECT_EQ(rest(t, B), 500u);      // poisoned exchange pays out tainted value
    expect_balanced(t);
}

TEST(TraceLimits, HopsMinAmountUntilMaxAddresses) {
    Chain c;
    c.t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, V, ETH, 100);
    auto theft = c.t(1, 0, 0, TransferKind::Call, V, A, ETH, 100);  // hop 1
    c.t(2, 0, 0, TransferKind::Call, A, B, ETH, 90);                  // hop 2
    c.t(2, 0, 1, TransferKind::Internal, A, D, ETH, 3);               // hop 2, small
    c.t(3, 0, 0, TransferKind::Call, B, C, ETH, 80);                  // hop 3
    Options o = c.opts(Model::Haircut, {theft});
    o.max_hops = 2;
    Result r = trace(c.g, o);
    EXPECT_TRUE(r.limits.hops);
    EXPECT_EQ(rest(r, C), 0u);
    EXPECT_EQ(rest(r, B), 10u);
    ASSERT_EQ(r.frontier.size(), 1u);
    EXPECT_EQ(r.frontier[0].address, C);
    EXPECT_EQ(r.frontier[0].amount, 80u);
    expect_balanced(r);

    o = c.opts(Model::Haircut, {theft});
    o.min_amount[ETH] = 5;
    r = trace(c.g, o);
    EXPECT_TRUE(r.limits.min_amount);
    EXPECT_EQ(rest(r, D), 0u);
    EXPECT_EQ(r.totals.at(ETH).below_threshold, 3u);
    expect_balanced(r);

    o = c.opts(Model::Haircut, {theft});
    o.until_block = 2;
    r = trace(c.g, o);
    EXPECT_TRUE(r.limits.until);
    EXPECT_EQ(rest(r, B), 90u);
    EXPECT_EQ(rest(r, C), 0u);
    expect_balanced(r);

    o = c.opts(Model::Haircut, {theft});
    o.max_addresses = 2;  // A and B
    r = trace(c.g, o);
    EXPECT_TRUE(r.limits.max_addresses);
    EXPECT_EQ(r.totals.at(ETH).beyond_limits, 3u + 80u);
    expect_balanced(r);
}

TEST(TraceCrossAsset, SwapPassesTaintProRata) {
    // A holds 40 clean + 60 stolen ETH, swaps 50 ETH for 1000 TOK; the DEX's payout is recorded
    // before A's payment (internal frames precede logs), which must not matter.
    Chain c;
    c.t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, A, ETH, 40);
    c.t(0, kBlockLevelTx, 1, TransferKind::Genesis, 0, V, ETH, 60);
    auto theft = c.t(1, 0, 0, TransferKind::Call, V, A, ETH, 60);
    c.t(2, 0, 0, TransferKind::Token, DEX, A, TOK, 1000);
    c.t(2, 0, 1, TransferKind::Call, A, DEX, ETH, 50);
    c.t(3, 0, 0, TransferKind::Token, A, B, TOK, 1000);
    Result h = trace(c.g, c.opts(Model::Haircut, {theft}));
    EXPECT_EQ(rest(h, B, TOK), 600u);  // 50 paid in, 30 tainted: 60% of what came back
    EXPECT_EQ(rest(h, A, ETH), 30u);
    EXPECT_EQ(h.totals.at(ETH).converted_out, 30u);
    EXPECT_EQ(h.totals.at(TOK).converted_in, 600u);
    expect_balanced(h);
    Result p = trace(c.g, c.opts(Model::Poison, {theft}));
    EXPECT_EQ(rest(p, B, TOK), 1000u);
    Result f = trace(c.g, c.opts(Model::Fifo, {theft}));
    EXPECT_EQ(rest(f, B, TOK), 200u);  // FIFO spends 40 clean + 10 stolen: 20%
    expect_balanced(f);
}

TEST(TraceCrossAsset, WrapAndUnwrap) {
    Chain c;
    c.t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, V, ETH, 100);
    auto theft = c.t(1, 0, 0, TransferKind::Call, V, A, ETH, 100);
    c.t(2, 0, 0, TransferKind::Call, A, WETH, ETH, 100);
    c.t(2, 0, 1, TransferKind::Wrap, 0, A, WETH_T, 100);
    c.t(3, 0, 0, TransferKind::Token, A, B, WETH_T, 100);
    c.t(4, 0, 0, TransferKind::Internal, WETH, B, ETH, 100);  // payout recorded first
    c.t(4, 0, 1, TransferKind::Unwrap, B, 0, WETH_T, 100);
    c.t(5, 0, 0, TransferKind::Call, B, EX, ETH, 100);
    for (Model m : {Model::Poison, Model::Haircut, Model::Fifo, Model::Lifo, Model::Tiho}) {
        Result r = trace(c.g, c.opts(m, {theft}));
        EXPECT_EQ(frozen(r, EX), 100u) << model_name(m);
        EXPECT_EQ(r.totals.at(WETH_T).converted_in, 100u);
        EXPECT_EQ(r.totals.at(WETH_T).converted_out, 100u);
        expect_balanced(r);
    }
}

TEST(TraceCrossAsset, NftBoughtWithTaintedEthIsTainted) {
    Chain c;
    c.t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, V, ETH, 100);
    c.t(0, kBlockLevelTx, 1, TransferKind::Genesis, 0, A, ETH, 300);
    c.t(0, kBlockLevelTx, 2, TransferKind::Nft, 0, D, NFT7, 1);
    auto theft = c.t(1, 0, 0, TransferKind::Call, V, A, ETH, 100);
    c.t(2, 0, 0, TransferKind::Call, A, MKT, ETH, 50);
    c.t(2, 0, 1, TransferKind::Internal, MKT, D, ETH, 50);  // the seller is paid by the marketplace
    c.t(2, 0, 2, TransferKind::Nft, D, A, NFT7, 1);
    c.t(3, 0, 0, TransferKind::Nft, A, EX, NFT7, 1);
    Result h = trace(c.g, c.opts(Model::Haircut, {theft}));
    EXPECT_EQ(frozen(h, EX, NFT7), 1u);
    EXPECT_EQ(rest(h, D), 0u);  // the seller is not followed
    EXPECT_EQ(rest(h, A), 100u - 12u);  // floor(50*100/400) = 12 paid in
    expect_balanced(h);
}

TEST(TraceReverted, OnlyTheFeeOfAFailedTransactionMoves) {
    // A failed transaction leaves only its fee in the store (ingest drops reverted value).
    Chain c;
    c.t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, V, ETH, 1000);
    auto theft = c.t(1, 0, 0, TransferKind::Call, V, A, ETH, 1000);
    c.t(2, 0, 0, TransferKind::Fee, A, MINER, ETH, 7);
    c.t(2, 0, 1, TransferKind::Burn, A, 0, ETH, 3);
    Result r = trace(c.g, c.opts(Model::Poison, {theft}));
    EXPECT_EQ(rest(r, A), 990u);
    EXPECT_EQ(rest(r, MINER), 0u);
    EXPECT_EQ(r.totals.at(ETH).fees, 10u);
    expect_balanced(r);
}

TEST(TraceSources, AddressSinceBlockAndSourceTxChains) {
    Chain c;
    c.t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, A, ETH, 50);
    c.t(1, 0, 0, TransferKind::Call, A, B, ETH, 10);  // before --since: not traced
    c.t(0 + 3, 0, 0, TransferKind::Call, A, C, ETH, 10);
    Options o;
    o.model = Model::Haircut;
    o.source_addresses.push_back({A, 2});
    Result r = trace(c.g, o);
    EXPECT_EQ(r.totals.at(ETH).traced, 40u);
    EXPECT_EQ(rest(r, C), 10u);
    EXPECT_EQ(rest(r, B), 0u);
    EXPECT_EQ(rest(r, A), 30u);
    expect_balanced(r);

    // A source transaction that passes value on within itself counts it once.
    Chain d;
    d.t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, V, ETH, 10);
    auto a = d.t(1, 0, 0, TransferKind::Call, V, A, ETH, 10);
    auto b = d.t(1, 0, 1, TransferKind::Internal, A, B, ETH, 10);
    auto f = d.t(1, 0, 2, TransferKind::Fee, V, MINER, ETH, 0);
    Result s = trace(d.g, d.opts(Model::Haircut, {a, b, f}));
    EXPECT_EQ(s.totals.at(ETH).traced, 10u);
    EXPECT_EQ(rest(s, B), 10u);
    expect_balanced(s);
}

TEST(TraceReport, JsonCarriesTheSchemaFields) {
    ThreeSeven c;
    Options o = c.opts(Model::Haircut, {c.theft});
    c.t(3, 0, 0, TransferKind::Call, B, EX, ETH, 5000);
    o.roles = c.roles;
    Result r = trace(c.g, o);
    label::LabelSet ls;
    ls.add(c.g.address(EX), {"Exchange 1", "exchange_deposit"});
    ReportContext ctx;
    ctx.graph = &c.g;
    ctx.labels = &ls;
    std::string j = report_json(r, ctx);
    for (const char* key : {"\"freeze_points\":[{", "\"at_rest\":[{", "\"entity\":\"Exchange 1\"", "\"category\":\"exchange_deposit\"",
                            "\"asset\":\"native\"", "\"amount\":\"1500\"", "\"first_block\":3", "\"first_tx\":\"0x"})
        EXPECT_NE(j.find(key), std::string::npos) << key << "\n" << j;
    std::string csv = report_csv(r, ctx);
    EXPECT_NE(csv.find("freeze_point," + c.g.address(EX).checksum() + ",Exchange 1,exchange_deposit,native,ETH,1500,"), std::string::npos) << csv;
    std::string dot = report_dot(r, ctx);
    EXPECT_NE(dot.find("digraph"), std::string::npos);
    EXPECT_NE(report_text(r, ctx).find("freeze points"), std::string::npos);
}

// An unwrap pays taint into no address (the token is burnt); a labelled report lists that converted
// row as "none" without looking a label up (`trace --through --labels` failed on a store).
TEST(TraceReport, LabelledReportOfAnUnwrap) {
    Chain c;
    c.t(0, kBlockLevelTx, 0, TransferKind::Genesis, 0, V, ETH, 100);
    auto theft = c.t(1, 0, 0, TransferKind::Call, V, A, ETH, 100);
    c.t(2, 0, 0, TransferKind::Call, A, WETH, ETH, 100);
    c.t(2, 0, 1, TransferKind::Wrap, 0, A, WETH_T, 100);
    c.t(3, 0, 0, TransferKind::Internal, WETH, A, ETH, 100);
    c.t(3, 0, 1, TransferKind::Unwrap, A, 0, WETH_T, 100);
    Result r = trace(c.g, c.opts(Model::Poison, {theft}));
    label::LabelSet ls;
    ls.add(c.g.address(A), {"Thief", "heist_attacker"});
    // the store has no address behind id 0 (looking it up throws); this graph makes one up: it must
    // not be consulted either
    ls.add(c.g.address(store::kNoAddress), {"Made up", "exchange"});
    ReportContext ctx;
    ctx.graph = &c.g;
    ctx.labels = &ls;
    std::string j = report_json(r, ctx);
    EXPECT_NE(j.find("{\"address\":\"none\",\"entity\":\"\","), std::string::npos) << j;
    EXPECT_NE(report_text(r, ctx).find("Thief"), std::string::npos);
}

}  // namespace
}  // namespace chainward::trace
