// Exposure on the simulator's labelled workloads: every row (direct and indirect, every category)
// equals the independent computation of expected.hpp on the ingested chain; the heist's labelled
// addresses carry direct exposure to their counterparties; receivers 1-4 hops away carry indirect
// exposure; addresses that never touched tainted value carry none; what the attacker sent before
// the theft is not exposure. Then the CLI: ingesting more blocks updates the stored exposure, and
// `screen --json` equals a rebuild.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

#include "../test_util.hpp"
#include "expected.hpp"
#include "risk/risk.hpp"
#include "trace/trace.hpp"

namespace {

using namespace chainward;
using namespace chainward::risk;
namespace fs = std::filesystem;
const std::string kBin = std::string(CHAINWARD_BINARY_DIR) + "/chainward";

std::string run(const std::string& cmd) {
    int status = 0;
    std::string out = chainward::test::run_command(cmd, &status);
    EXPECT_EQ(status, 0) << cmd;
    return out;
}

struct Sim {
    chainward::test::TempDir dir{"cw-risk-sim"};
    std::uint64_t heist_block = 0;
    std::set<Address> attackers;  ///< labelled heist_attacker or sanctioned
    explicit Sim(const std::string& preset, std::uint64_t seed, const std::string& extra = "") {
        run(kBin + " simulate --preset " + preset + " --seed " + std::to_string(seed) + " --out " +
            (dir.p / "sim").string() + " " + extra + " > /dev/null");
        simdjson::dom::parser tp;
        simdjson::dom::element truth = tp.load((dir.p / "sim/truth.json").string());
        for (simdjson::dom::element h : truth["heists"].get_array()) {
            heist_block = h["block"].get_uint64().value();
            break;
        }
    }
    void ingest(const std::string& what) {
        run(kBin + " ingest --data-dir " + (dir.p / "data").string() + " --genesis " +
            (dir.p / "sim/genesis.json").string() + " " + what + " > /dev/null");
    }
    /// labels.csv, with the heist's labels valid from the theft on.
    std::vector<LabelFact> facts() {
        auto f = facts_from_labelset(label::LabelSet::load_csv(dir.p / "sim/labels.csv"));
        for (auto& x : f)
            if (x.category == "heist_attacker" || x.category == "sanctioned") {
                x.from_block = heist_block;
                attackers.insert(x.address);
            }
        return f;
    }
};

TEST(ExposureSim, TinyPresetMatchesTheReference) {
    Sim sim("tiny", 1);
    sim.ingest((sim.dir.p / "sim/chain").string());
    auto st = store::TransferStore::open(sim.dir.p / "data", store::TransferStore::Mode::ReadOnly);
    trace::StoreGraph g(*st);
    const auto facts = sim.facts();
    ASSERT_FALSE(sim.attackers.empty());
    ASSERT_GT(sim.heist_block, 0u);
    Engine e(store_chain(*st, g), Options{4, {}});
    e.set_labels(facts);
    e.advance();

    std::vector<TransferRef> all;
    st->scan([&](const TransferRef& t) {
        all.push_back(t);
        return true;
    });
    label::LabelSet ls = label::LabelSet::load_csv(sim.dir.p / "sim/labels.csv");
    auto roles = trace::roles_from_labels(g, ls);
    auto want = risk::testing::expected_exposure(
        all, roles, facts, [&](const Address& a) { return g.find_address(a); }, 4);
    risk::testing::Expected got;
    for (AddressId id = 1; id <= st->address_count(); ++id)
        risk::testing::add_rows(got, id, e.screen(st->address(id)).exposure,
                                [&](const AssetKey& k) { return *st->find_asset(k); });
    ASSERT_EQ(got.size(), want.size());
    EXPECT_TRUE(got == want);
    for (const auto& [k, v] : want) {
        auto it = got.find(k);
        if (it == got.end() || it->second != v) {
            ADD_FAILURE() << "address " << st->address(std::get<0>(k)).hex() << " "
                          << std::get<1>(k) << " dir " << std::get<2>(k) << " kind "
                          << std::get<3>(k) << ": want " << to_decimal(v) << " got "
                          << (it == got.end() ? "nothing" : to_decimal(it->second));
            break;
        }
    }

    // the heist's labelled addresses carry direct exposure to their counterparties' categories
    std::set<std::string> attacker_direct;
    for (const auto& a : sim.attackers)
        for (const auto& r : e.screen(a).exposure)
            if (r.kind == Kind::Direct)
                attacker_direct.insert(r.category +
                                       (r.direction == Direction::Sent ? " sent" : " received"));
    EXPECT_FALSE(attacker_direct.empty());
    // receivers up to 4 intermediate hops away carry indirect heist exposure, with paths from the
    // source
    std::set<std::uint32_t> hops_seen;
    std::size_t tainted = 0, clean = 0;
    for (AddressId id = 1; id <= st->address_count(); ++id) {
        const Address a = st->address(id);
        auto r = e.screen(a);
        bool heist = false;
        for (const auto& x : r.exposure) {
            if (x.category != "heist_attacker") continue;
            heist = true;
            if (x.kind == Kind::Indirect) {
                hops_seen.insert(x.hops);
                ASSERT_FALSE(x.path.empty());
                EXPECT_TRUE(sim.attackers.contains(x.path.front().from))
                    << x.path.front().from.hex();
                EXPECT_EQ(x.path.back().to, a);
                EXPECT_LE(x.path.size(), 5u + 1u);
            }
            EXPECT_LE(x.share(), 1.0);
        }
        // never touched tainted value: no heist exposure and (unless labelled itself) no heist risk
        bool any_want = false;
        for (const auto& [k, v] : want)
            if (std::get<0>(k) == id && std::get<1>(k) == "heist_attacker") any_want = true;
        EXPECT_EQ(heist, any_want);
        heist ? ++tainted : ++clean;
        if (!heist && !sim.attackers.contains(a)) {
            for (const auto& x : r.exposure) EXPECT_NE(x.category, "sanctioned") << a.hex();
        }
    }
    // hop h: h-1 intermediate addresses (the tiny playbook launders through up to 3)
    for (std::uint32_t h = 2; h <= 4; ++h)
        EXPECT_TRUE(hops_seen.contains(h)) << "no indirect exposure at hop " << h;
    EXPECT_LE(*hops_seen.rbegin(), 5u);
    EXPECT_GT(tainted, 20u);
    EXPECT_GT(clean, 100u);

    // what the attackers sent before their label's valid_from is not exposure: the playbook only
    // pays gas before the theft, so move valid_from to the middle of the laundering as well
    auto check_before = [&](const Engine& eng, std::uint64_t from_block) {
        std::size_t before = 0;
        for (const auto& t : all) {
            if (t.block >= from_block || t.to == 0 || t.from == 0 ||
                !sim.attackers.contains(st->address(t.from)))
                continue;
            if (t.kind == TransferKind::Fee || t.kind == TransferKind::Burn) continue;
            ++before;
            U256 after = 0;  // what the same receiver got from the same attacker from valid_from on
            for (const auto& u : all)
                if (u.block >= from_block && u.from == t.from && u.to == t.to &&
                    u.asset == t.asset && u.kind != TransferKind::Fee &&
                    u.kind != TransferKind::Burn)
                    after += u.amount;
            U256 direct = 0;
            for (const auto& x : eng.screen(st->address(t.to)).exposure)
                if (x.category == "heist_attacker" && x.kind == Kind::Direct &&
                    x.direction == Direction::Received && st->find_asset(x.asset) == t.asset)
                    direct += x.amount;
            EXPECT_EQ(direct, after) << "receiver " << st->address(t.to).hex();
        }
        return before;
    };
    check_before(e, sim.heist_block);
    std::vector<std::uint64_t> out_blocks;
    for (const auto& t : all)
        if (t.from != 0 && t.block >= sim.heist_block &&
            sim.attackers.contains(st->address(t.from)) && t.kind != TransferKind::Fee)
            out_blocks.push_back(t.block);
    ASSERT_GT(out_blocks.size(), 4u);
    const std::uint64_t mid = out_blocks[out_blocks.size() / 2];
    auto later = facts;
    for (auto& f : later)
        if (sim.attackers.contains(f.address)) f.from_block = mid;
    e.set_labels(later);  // ending and re-adding the sources incrementally
    EXPECT_GT(check_before(e, mid), 0u);
    auto want_later = risk::testing::expected_exposure(
        all, roles, later, [&](const Address& a) { return g.find_address(a); }, 4);
    risk::testing::Expected got_later;
    for (AddressId id = 1; id <= st->address_count(); ++id)
        risk::testing::add_rows(got_later, id, e.screen(st->address(id)).exposure,
                                [&](const AssetKey& k) { return *st->find_asset(k); });
    EXPECT_TRUE(got_later == want_later);
    EXPECT_LT(got_later.size(), got.size());
}

TEST(ExposureSim, IngestUpdatesAndScreenJsonEqualsRebuild) {
    Sim sim("tiny", 2, "--per-file 40");
    std::vector<fs::path> files;
    for (const auto& f : fs::directory_iterator(sim.dir.p / "sim/chain")) files.push_back(f.path());
    std::sort(files.begin(), files.end());
    ASSERT_GE(files.size(), 4u);
    const std::string data = (sim.dir.p / "data").string(),
                      labels = (sim.dir.p / "sim/labels.csv").string();
    sim.ingest(files[0].string() + " " + files[1].string());
    // the labels live in the data dir's label store; exposure reads them from there
    const auto db_path = label::LabelStore::default_path(data).string();
    label::LabelStore::open(db_path)->import(label::read_file(labels, {}), "sim", "csv", {labels});
    run(kBin + " exposure rebuild --data-dir " + data + " > /dev/null");
    Address late_addr;
    for (std::size_t i = 2; i < files.size(); ++i) {
        std::string out = run(kBin + " ingest --data-dir " + data + " " + files[i].string());
        EXPECT_NE(out.find("exposure updated"), std::string::npos) << out;
        if (i == files.size() / 2) {
            // a label arrives while blocks do, valid from a time (block 100's timestamp)
            auto st = store::TransferStore::open(data, store::TransferStore::Mode::ReadOnly);
            late_addr = st->address(st->address_count() / 3);
            label::Batch b;
            b.records.push_back(label::Record{
                0,
                "eth",
                late_addr.hex(),
                "scam",
                "late scam",
                "late",
                80,
                label::Bound::time(static_cast<std::int64_t>(st->block(100)->timestamp)),
                {},
                "",
                true});
            label::LabelStore::open(db_path)->import(b, "late", "csv", {"test"});
        }
    }
    // the same chain and labels from scratch, in-process
    auto st = store::TransferStore::open(data, store::TransferStore::Mode::ReadOnly);
    trace::StoreGraph g(*st);
    Engine e(store_chain(*st, g), Options{4, {}});
    const auto facts = facts_from_records(label::LabelStore::open(db_path)->list(), *st);
    std::size_t late = 0;
    for (const auto& f : facts)
        if (f.source == "late") {
            EXPECT_EQ(f.from_block, 100u);  // the first block at or after the time
            EXPECT_EQ(f.address, late_addr);
            ++late;
        }
    EXPECT_EQ(late, 1u);
    e.set_labels(facts);
    e.advance();
    std::size_t checked = 0, with_rows = 0;
    for (AddressId id = 1; id <= st->address_count(); id += 7) {
        const Address a = st->address(id);
        const auto want = e.screen(a);
        std::string out = run(kBin + " screen --json --data-dir " + data + " " + a.checksum());
        simdjson::dom::parser p;
        simdjson::dom::element j = p.parse(out);
        EXPECT_EQ(std::string_view(j["risk"]), level_name(want.risk.level));
        auto rows = j["exposure"].get_array();
        ASSERT_EQ(rows.size(), want.exposure.size()) << a.hex();
        std::size_t i = 0;
        for (simdjson::dom::element r : rows) {
            const auto& w = want.exposure[i++];
            EXPECT_EQ(std::string_view(r["category"]), w.category);
            EXPECT_EQ(std::string_view(r["direction"]), direction_name(w.direction));
            EXPECT_EQ(std::string_view(r["kind"]), kind_name(w.kind));
            EXPECT_EQ(std::string_view(r["asset"]),
                      w.asset.type == AssetType::Native ? "native" : w.asset.contract.checksum());
            EXPECT_EQ(std::string_view(r["amount"]), to_decimal(w.amount));
            double share = r["share"].get_double();
            EXPECT_GE(share, 0.0);
            EXPECT_LE(share, 1.0);
        }
        std::size_t nl = 0;
        for (simdjson::dom::element l : j["labels"].get_array()) {
            EXPECT_FALSE(std::string_view(l["category"]).empty());
            (void)std::string_view(l["entity"]);
            (void)std::string_view(l["source"]);
            ++nl;
        }
        EXPECT_EQ(nl, want.labels.size());
        with_rows += !want.exposure.empty();
        if (++checked >= 40) break;
    }
    EXPECT_GT(with_rows, 5u);
    // the label that arrived between ingests is in the stored exposure, as in the rebuild
    {
        std::string out =
            run(kBin + " screen --json --data-dir " + data + " " + late_addr.checksum());
        EXPECT_NE(out.find("\"source\":\"late\""), std::string::npos) << out;
        EXPECT_EQ(out,
                  run(kBin + " screen --json --data-dir " + data + " " + late_addr.checksum()));
        std::size_t rows = 0;
        simdjson::dom::parser p;
        for (simdjson::dom::element r : p.parse(out)["exposure"].get_array()) rows += !r.is_null();
        EXPECT_EQ(rows, e.screen(late_addr).exposure.size());
    }
    std::size_t scam_rows = 0;  // its counterparties carry exposure to it
    for (AddressId id = 1; id <= st->address_count(); ++id)
        for (const auto& r : e.screen(st->address(id)).exposure) scam_rows += r.category == "scam";
    EXPECT_GT(scam_rows, 0u);
    std::string after = run(kBin + " exposure update --data-dir " + data);
    EXPECT_NE(after.find("exposure updated"), std::string::npos);
    // the text form names the risk and the evidence
    std::string text = run(kBin + " screen --data-dir " + data + " " + st->address(1).checksum());
    EXPECT_NE(text.find("risk"), std::string::npos);
}

}  // namespace
