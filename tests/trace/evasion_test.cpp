// Hand-computed traces for the evasions of docs/tracing.md, each worked from its rules (not from
// the code): forwarding within one transaction ("Across assets": a transaction is settled as a
// unit), self-transfers ("Self-transfers"), and amounts that pass 2^256 - 1 ("Amounts").
#include <gtest/gtest.h>

#include "transfer_util.hpp"

namespace chainward::trace {
namespace {

constexpr AddressId V = 1, A = 2, B = 3, C = 4, X = 5, DEX = 20;
constexpr AssetId ETH = 0, TOK = 1, FAKE = 2;

struct Chain {
    MemoryGraph g;
    std::uint32_t seq = 0;
    std::uint64_t t(std::uint64_t block, std::uint32_t tx, TransferKind k, AddressId from, AddressId to, AssetId asset, U256 amount) {
        return g.add(testing::make_transfer(block, tx, seq++, k, from, to, asset, amount));
    }
    Result run(Model m, std::vector<std::uint64_t> src) const {
        Options o;
        o.model = m;
        o.roles = {{DEX, Role::Converter}};
        for (auto id : src) o.source_transfers.push_back(g.transfers()[id]);
        return trace(g, o);
    }
};

U256 rest(const Result& r, AddressId a, AssetId s) {
    for (const auto& h : r.at_rest)
        if (h.address == a && h.asset == s) return h.amount;
    return 0;
}

void expect_balanced(const Result& r) {
    for (const auto& [a, t] : r.totals) EXPECT_TRUE(t.balanced()) << "asset " << a;
}

// A pays the DEX 100 stolen ETH, the DEX pays A 500 TOK, A forwards the 500 TOK to B, all in one
// transaction. The payout carries floor(500 * 100/100) = 500 tainted (poison: all of it), and
// applied in chain order it is in A's pot before A forwards it: B holds 500 tainted TOK, A none.
// The same when the DEX's payout is recorded before A's payment (internal frame before the log).
TEST(TraceEvasion, ForwardingInsideOneTransactionKeepsTheTaint) {
    for (bool payout_first : {false, true}) {
        Chain c;
        c.t(0, kBlockLevelTx, TransferKind::Genesis, 0, V, ETH, 100);
        c.t(0, kBlockLevelTx, TransferKind::Token, 0, DEX, TOK, 1000);
        const auto theft = c.t(1, 0, TransferKind::Call, V, A, ETH, 100);
        if (payout_first) c.t(2, 0, TransferKind::Token, DEX, A, TOK, 500);
        c.t(2, 0, TransferKind::Call, A, DEX, ETH, 100);
        if (!payout_first) c.t(2, 0, TransferKind::Token, DEX, A, TOK, 500);
        c.t(2, 0, TransferKind::Token, A, B, TOK, 500);
        for (Model m : {Model::Poison, Model::Haircut, Model::Fifo, Model::Lifo, Model::Tiho}) {
            Result r = c.run(m, {theft});
            EXPECT_EQ(rest(r, B, TOK), 500u) << model_name(m) << " payout first " << payout_first;
            EXPECT_EQ(rest(r, A, TOK), 0u) << model_name(m);
            EXPECT_EQ(r.totals.at(ETH).converted_out, 100u);
            EXPECT_EQ(r.totals.at(TOK).converted_in, 500u);
            EXPECT_EQ(r.totals.at(TOK).shortfall, 0u);  // the payout is in A's pot before A forwards it
            expect_balanced(r);
        }
    }
}

// Haircut, value paid in and out twice in one transaction: A pays the DEX 100 stolen ETH, gets
// 500 TOK, pays the 500 TOK back, gets 80 ETH and sends them to B. A's payments total 600 units, of
// which 100 + x tainted, x being the tainted part of the TOK payout: x = floor(500(100 + x)/600).
// From x = 0 the rounds give 0, 83, 152, 210, 258, 298, 331, 359, 382, 401, 417, 431, 442, 451,
// 459, 465: still moving after 16 rounds, so (docs) the last round taints those payouts wholly:
// the TOK payout carries 500, A's TOK payment 500, and the ETH payout floor(80 * 600/600) = 80.
TEST(TraceEvasion, ValuePaidInAndOutManyTimesErrsTowardsTaint) {
    Chain c;
    c.t(0, kBlockLevelTx, TransferKind::Genesis, 0, V, ETH, 100);
    c.t(0, kBlockLevelTx, TransferKind::Genesis, 0, DEX, ETH, 1000);
    c.t(0, kBlockLevelTx, TransferKind::Token, 0, DEX, TOK, 1000);
    const auto theft = c.t(1, 0, TransferKind::Call, V, A, ETH, 100);
    c.t(2, 0, TransferKind::Call, A, DEX, ETH, 100);
    c.t(2, 0, TransferKind::Token, DEX, A, TOK, 500);
    c.t(2, 0, TransferKind::Token, A, DEX, TOK, 500);
    c.t(2, 0, TransferKind::Internal, DEX, A, ETH, 80);
    c.t(2, 0, TransferKind::Internal, A, B, ETH, 80);
    Result r = c.run(Model::Haircut, {theft});
    EXPECT_EQ(rest(r, B, ETH), 80u);
    EXPECT_EQ(r.totals.at(TOK).converted_in, 500u);
    EXPECT_EQ(r.totals.at(TOK).converted_out, 500u);
    EXPECT_EQ(r.totals.at(ETH).converted_in, 80u);
    EXPECT_EQ(r.stats.unsettled_transactions, 1u);
    expect_balanced(r);
}

// FIFO: 3 stolen arrive at A, then 7 clean; A sends 3 to itself, then 3 to B. A self-transfer
// moves nothing, so the queue stays [3 stolen, 7 clean] and B gets the oldest 3: all stolen. (Were
// the 3 units to leave and come back, they would go to the back: [7 clean, 3 stolen], B clean.)
// Every model: a self-transfer changes nothing, so B gets what it gets without it.
TEST(TraceEvasion, SelfTransfersMoveNothingUnderEveryModel) {
    Chain c;
    c.t(0, kBlockLevelTx, TransferKind::Genesis, 0, V, ETH, 3);
    c.t(0, kBlockLevelTx, TransferKind::Genesis, 0, X, ETH, 7);
    const auto theft = c.t(1, 0, TransferKind::Call, V, A, ETH, 3);
    c.t(2, 0, TransferKind::Call, X, A, ETH, 7);
    c.t(3, 0, TransferKind::Call, A, A, ETH, 3);
    c.t(4, 0, TransferKind::Call, A, B, ETH, 3);
    struct Want {
        Model m;
        U256 b, a;
    };
    // poison: all 3 (A is poisoned); haircut: floor(3 * 3/10) = 0, A keeps 3; FIFO: 3; LIFO: the
    // newest 3 units, clean: 0; TIHO: tainted first: 3
    for (Want w : {Want{Model::Poison, 3, 7}, Want{Model::Haircut, 0, 3}, Want{Model::Fifo, 3, 0}, Want{Model::Lifo, 0, 3},
                   Want{Model::Tiho, 3, 0}}) {
        Result r = c.run(w.m, {theft});
        EXPECT_EQ(rest(r, B, ETH), w.b) << model_name(w.m);
        EXPECT_EQ(rest(r, A, ETH), w.a) << model_name(w.m);
        for (const auto& h : r.at_rest) {
            if (h.address == A) {
                EXPECT_EQ(h.arrivals, 1u) << model_name(w.m);  // the self-transfer is no arrival
            }
        }
        expect_balanced(r);
    }
    // a self-transfer in a source transaction introduces nothing
    Result s = c.run(Model::Haircut, {c.g.transfers().size() - 2});
    EXPECT_TRUE(s.totals.empty() || s.totals.at(ETH).traced == 0u);
    EXPECT_TRUE(s.at_rest.empty());
}

// A fake token reports balances near 2^256. Followed from the theft, A receives 2^255 + 1 FAKE
// twice (its balance passes 2^256 - 1); or, the other way round, C held 2^255 FAKE twice over
// before taint reaches it (its opening balance does). Either way FAKE is set aside (no totals, no
// holdings) and ETH is traced as if FAKE did not exist: A keeps 5, B 3, C 2.
TEST(TraceEvasion, AnAssetWhoseSumsOverflowIsSetAsideAndTheRestTraced) {
    const U256 half = U256(1) << 255;
    for (Model m : {Model::Poison, Model::Haircut, Model::Fifo, Model::Lifo, Model::Tiho})
        for (bool opening : {false, true}) {
        Chain c;
        c.t(0, kBlockLevelTx, TransferKind::Genesis, 0, V, ETH, 10);
        c.t(0, kBlockLevelTx, TransferKind::Token, 0, C, FAKE, half);
        c.t(0, kBlockLevelTx, TransferKind::Token, 0, C, FAKE, half);
        const auto theft = c.t(1, 0, TransferKind::Call, V, A, ETH, 10);
        auto fake = [&](std::uint64_t b) {
            c.t(b, 0, TransferKind::Token, 0, A, FAKE, half + 1);
            c.t(b + 1, 0, TransferKind::Token, 0, A, FAKE, half + 1);
        };
        auto pay = [&](std::uint64_t b) {
            c.t(b, 0, TransferKind::Call, A, B, ETH, 5);
            c.t(b + 1, 0, TransferKind::Call, B, C, ETH, 2);
        };
        if (opening) {
            pay(2);
            fake(4);
        } else {
            fake(2);
            pay(4);
        }
        c.t(6, 0, TransferKind::Token, A, B, FAKE, 7);
        Result r = c.run(m, {theft});
        EXPECT_EQ(r.set_aside, std::vector<AssetId>{FAKE}) << model_name(m);
        EXPECT_FALSE(r.totals.contains(FAKE)) << model_name(m);
        for (const auto& h : r.at_rest) EXPECT_NE(h.asset, FAKE) << model_name(m);
        EXPECT_EQ(rest(r, A, ETH), 5u) << model_name(m);
        EXPECT_EQ(rest(r, B, ETH), 3u) << model_name(m);
        EXPECT_EQ(rest(r, C, ETH), 2u) << model_name(m);
        EXPECT_EQ(r.totals.at(ETH).traced, 10u);
        expect_balanced(r);
        ReportContext ctx;
        ctx.graph = &c.g;
        EXPECT_NE(report_json(r, ctx).find("\"set_aside\":[{\"asset\":"), std::string::npos);
    }
}

// Backward: A holds 10 ETH from V and has received 2^255 FAKE twice. Walking back, A's FAKE inflows
// pass 2^256 - 1: FAKE is set aside; the ETH is explained as usual (all created at V).
TEST(TraceEvasion, BackwardSetsAsideAnAssetWhoseSumsOverflow) {
    const U256 half = U256(1) << 255;
    Chain c;
    c.t(0, kBlockLevelTx, TransferKind::Genesis, 0, V, ETH, 10);
    c.t(1, 0, TransferKind::Call, V, A, ETH, 10);
    c.t(2, 0, TransferKind::Token, X, A, FAKE, half);
    c.t(3, 0, TransferKind::Token, X, A, FAKE, half);
    for (Model m : {Model::Poison, Model::Haircut, Model::Fifo}) {
        BackwardOptions o;
        o.model = m;
        o.targets = {{A, std::nullopt, std::nullopt}};
        BackwardResult r = trace_backward(c.g, o);
        EXPECT_EQ(r.set_aside, std::vector<AssetId>{FAKE}) << model_name(m);
        EXPECT_FALSE(r.totals.contains(FAKE));
        ASSERT_EQ(r.origins.size(), 1u) << model_name(m);
        EXPECT_EQ(r.origins[0].address, V);
        EXPECT_EQ(r.origins[0].amount, 10u);
        ReportContext ctx;
        ctx.graph = &c.g;
        const std::string j = report_json(r, ctx);
        EXPECT_NE(j.find("],\"set_aside\":[{\"asset\":"), std::string::npos) << j;
        EXPECT_NE(j.find("],\"origins\":[{"), std::string::npos) << j;
    }
}

}  // namespace
}  // namespace chainward::trace
