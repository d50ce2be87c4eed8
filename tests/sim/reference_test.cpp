// The ground-truth reference on hand-made records (the domain primer's example and the DEX rule).
#include <gtest/gtest.h>

#include "sim/sim.hpp"

using namespace chainward;
using namespace chainward::sim;

namespace {
constexpr u128 E = 1000000000000000000ull;
// actors: 1 victim, 2 attacker, 3 clean funder, 4 exchange deposit (terminal), 5 dex pool (converter), 6 next hop
Role role(std::uint32_t id) { return id == 4 ? Role::Terminal : id == 5 ? Role::Converter : Role::Plain; }
Rec rec(std::uint64_t b, TransferKind k, std::uint32_t from, std::uint32_t to, std::uint32_t asset, u128 amt,
        Typology typ = Typology::None) {
    Rec r;
    r.block = b;
    r.kind = k;
    r.from = from;
    r.to = to;
    r.asset = asset;
    r.amount = amt;
    r.typ = typ;
    r.heist = typ == Typology::HeistSource ? 1 : 0;
    return r;
}
void feed(TaintReference& t, std::initializer_list<Rec> rs) {
    for (const Rec& r : rs) {
        t.add(r);
        t.end_tx();
    }
}
}  // namespace

TEST(SimReference, PrimerExampleThreeStolenSevenCleanFiveLeave) {
    TaintReference t(role, 1);
    feed(t, {rec(0, TransferKind::Genesis, 0, 1, kEth, 100 * E), rec(0, TransferKind::Genesis, 0, 3, kEth, 7 * E),
             rec(1, TransferKind::Call, 1, 2, kEth, 3 * E, Typology::HeistSource), rec(2, TransferKind::Call, 3, 2, kEth, 7 * E),
             rec(3, TransferKind::Call, 2, 4, kEth, 5 * E)});
    auto fp = t.freeze_points();
    ASSERT_EQ(fp.size(), 1u);
    EXPECT_EQ(fp[0].actor, 4u);
    EXPECT_TRUE(fp[0].poison == 5 * E);
    EXPECT_TRUE(fp[0].haircut == 3 * E / 2);
}

TEST(SimReference, SwapCarriesTaintToWhatCameBack) {
    TaintReference t(role, 1);
    feed(t, {rec(0, TransferKind::Genesis, 0, 1, kEth, 10 * E), rec(0, TransferKind::Genesis, 0, 5, kEth, 0),
             rec(1, TransferKind::Call, 1, 2, kEth, 4 * E, Typology::HeistSource), rec(0, TransferKind::Genesis, 0, 2, kEth, 4 * E)});
    // one transaction: 8 ETH (half tainted) into the pool, 1000 USD back; then all USD to the exchange
    t.add(rec(2, TransferKind::Token, 5, 2, kUsd, 1000));  // payout listed first on purpose
    t.add(rec(2, TransferKind::Call, 2, 5, kEth, 8 * E));
    t.end_tx();
    feed(t, {rec(3, TransferKind::Token, 2, 4, kUsd, 1000)});
    auto fp = t.freeze_points();
    ASSERT_EQ(fp.size(), 1u);
    EXPECT_EQ(fp[0].asset, kUsd);
    EXPECT_TRUE(fp[0].poison == 1000);
    EXPECT_TRUE(fp[0].haircut == 500);
}

TEST(SimReference, TerminalsStopTheTraceAndFeesAreNotFollowed) {
    TaintReference t(role, 1);
    feed(t, {rec(0, TransferKind::Genesis, 0, 1, kEth, 10 * E), rec(1, TransferKind::Call, 1, 2, kEth, 10 * E, Typology::HeistSource),
             rec(2, TransferKind::Fee, 2, 6, kEth, E), rec(3, TransferKind::Call, 2, 4, kEth, 9 * E),
             rec(4, TransferKind::Call, 4, 6, kEth, 9 * E), rec(5, TransferKind::Call, 6, 4, kEth, 10 * E)});
    auto fp = t.freeze_points();
    ASSERT_EQ(fp.size(), 1u);
    EXPECT_TRUE(fp[0].poison == 9 * E);  // actor 6 got a fee and a terminal's payout: both clean
    EXPECT_TRUE(fp[0].haircut == 9 * E);
}
