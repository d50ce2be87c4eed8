// Label store against SQLite and (when CHAINWARD_TEST_PG names a server, see with_postgres.sh)
// PostgreSQL: idempotent imports, ending and relisting, history, the change counter seen by a
// second connection, queries by address and category.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <unistd.h>

#include <pqxx/pqxx>

#include "label/label.hpp"

namespace chainward::label {
namespace {

const char* kA = "0x00000000000000000000000000000000000000aa";
const char* kB = "0x00000000000000000000000000000000000000bb";
const char* kBtc = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";  // the genesis coinbase address

Record rec(const char* addr, const char* chain, const char* category, const char* entity) {
    Record r;
    r.address = addr;
    r.chain = chain;
    r.category = category;
    r.entity = entity;
    r.confidence = 80;
    return r;
}

std::vector<std::string> backends() {
    std::vector<std::string> b{"sqlite"};
    if (const char* pg = std::getenv("CHAINWARD_TEST_PG"); pg && *pg) b.push_back("postgres");
    return b;
}

class Store : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        static std::atomic<int> n{0};
        const std::string name = fmt_name(n++);
        if (GetParam() == "sqlite") {
            dir_ = std::filesystem::temp_directory_path() / ("cw-labels-" + std::to_string(::getpid()) + "-" + name);
            std::filesystem::remove_all(dir_);
            std::filesystem::create_directories(dir_);
            where_ = LabelStore::default_path(dir_).string();
        } else {
            // a fresh database per test on the server the wrapper started
            std::string admin = std::getenv("CHAINWARD_TEST_PG");
            pqxx::connection c(admin);
            pqxx::nontransaction t(c);
            t.exec("DROP DATABASE IF EXISTS " + name);
            t.exec("CREATE DATABASE " + name);
            where_ = admin.substr(0, admin.rfind('/') + 1) + name;
        }
        store_ = LabelStore::open(where_);
    }
    void TearDown() override {
        store_.reset();
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }
    static std::string fmt_name(int i) { return "cwt_" + std::to_string(::getpid()) + "_" + std::to_string(i); }
    std::filesystem::path dir_;
    std::string where_;
    std::unique_ptr<LabelStore> store_;
};

TEST_P(Store, ImportIsIdempotentAndQueriesAnswerPerAddressAndCategory) {
    Batch b;
    b.records = {rec(kA, "eth", "sanctioned", "Tornado Cash"), rec(kA, "eth", "mixer", "Tornado Cash"), rec(kB, "eth", "exchange", "Ex"),
                 rec(kBtc, "btc", "sanctioned", "Someone")};
    b.records[0].valid_from = Bound::parse("2022-08-08");
    b.records[0].valid_to = Bound::parse("2025-03-21");
    b.records[0].note = "program CYBER2";
    b.entities = {{"Tornado Cash", "mixer", ""}, {"Ex", "exchange", "SC"}};
    const auto v0 = store_->version();
    auto r1 = store_->import(b, "test", "csv", {"a.csv"});
    EXPECT_EQ(r1.added, 4u);
    EXPECT_EQ(r1.records, 4u);
    EXPECT_GT(store_->version(), v0);
    const auto v1 = store_->version();
    auto r2 = store_->import(b, "test", "csv", {"a.csv"});
    EXPECT_EQ(r2.added, 0u);
    EXPECT_EQ(r2.changed, 0u);
    EXPECT_EQ(r2.ended, 0u);
    EXPECT_EQ(r2.unchanged, 4u);
    EXPECT_EQ(store_->version(), v1);  // nothing changed: readers need not reload
    EXPECT_EQ(store_->count(), 4u);

    auto a = store_->find(std::string_view("0x00000000000000000000000000000000000000AA"));
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0].category, "sanctioned");
    EXPECT_EQ(a[0].entity, "Tornado Cash");
    EXPECT_EQ(a[0].source, "test");
    EXPECT_EQ(a[0].confidence, 80);
    EXPECT_EQ(a[0].valid_from, Bound::time(1659916800));  // 2022-08-08T00:00:00Z
    EXPECT_EQ(a[0].valid_to, Bound::time(1742515200));    // 2025-03-21T00:00:00Z
    EXPECT_EQ(a[0].note, "program CYBER2");
    EXPECT_TRUE(a[0].listed);
    EXPECT_TRUE(a[0].valid_at(0, 1700000000));
    EXPECT_FALSE(a[0].valid_at(0, 1659916799));
    EXPECT_FALSE(a[0].valid_at(0, 1742515200));
    EXPECT_EQ(store_->find(parse_address(kA)).size(), 2u);
    auto btc = store_->find(std::string_view(kBtc));
    ASSERT_EQ(btc.size(), 1u);
    EXPECT_EQ(btc[0].chain, "btc");

    auto sanctioned = store_->list({.category = "sanctioned"});
    ASSERT_EQ(sanctioned.size(), 2u);
    EXPECT_EQ(sanctioned[0].chain, "btc");  // ordered by chain, address
    EXPECT_EQ(store_->list({.category = "sanctioned", .chain = "eth"}).size(), 1u);
    EXPECT_EQ(store_->list({.source = "other"}).size(), 0u);
    EXPECT_EQ(store_->entity("Ex"), (Entity{"Ex", "exchange", "SC"}));
    EXPECT_EQ(store_->entities().size(), 2u);

    auto set = store_->label_set();
    EXPECT_EQ(set.addresses(), 2u);  // EVM only
    ASSERT_NE(set.find(parse_address(kB), "exchange"), nullptr);
    EXPECT_EQ(set.find(parse_address(kB), "exchange")->entity, "Ex");
}

TEST_P(Store, ReimportEndsChangesAndRelistsWithHistory) {
    Batch b;
    b.records = {rec(kA, "eth", "sanctioned", "T"), rec(kB, "eth", "sanctioned", "U")};
    auto r1 = store_->import(b, "ofac", "list", {"one.txt"});
    const auto v1 = store_->version();

    Batch c;  // kB delisted; kA gets an end date
    c.records = {rec(kA, "eth", "sanctioned", "T")};
    c.records[0].valid_to = Bound::block(22000000);
    auto r2 = store_->import(c, "ofac", "list", {"two.txt"});
    EXPECT_EQ(r2.changed, 1u);
    EXPECT_EQ(r2.ended, 1u);
    EXPECT_GT(store_->version(), v1);
    auto b_now = store_->find(std::string_view(kB));
    ASSERT_EQ(b_now.size(), 1u);  // ended, not deleted
    EXPECT_FALSE(b_now[0].listed);
    EXPECT_EQ(b_now[0].valid_to.kind, Bound::Kind::Time);
    EXPECT_EQ(store_->list({.source = "ofac", .listed_only = true}).size(), 1u);
    auto a_now = store_->find(std::string_view(kA));
    EXPECT_EQ(a_now[0].valid_to, Bound::block(22000000));
    EXPECT_TRUE(a_now[0].valid_at(21999999, 0));
    EXPECT_FALSE(a_now[0].valid_at(22000000, 0));

    auto h = store_->history(a_now[0].id);
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h[0].action, "add");
    EXPECT_EQ(h[0].import_id, r1.import_id);
    EXPECT_EQ(h[1].action, "change");
    EXPECT_EQ(h[1].detail, "valid_to: open -> block:22000000");
    EXPECT_EQ(h[1].files, "two.txt");
    EXPECT_EQ(h[1].source, "ofac");
    auto hb = store_->history_of(kB);
    ASSERT_EQ(hb.size(), 2u);
    EXPECT_EQ(hb[1].action, "end");

    // back on the list: relisted with the source's values, one row still
    auto r3 = store_->import(b, "ofac", "list", {"three.txt"});
    EXPECT_EQ(r3.changed, 2u);
    EXPECT_EQ(store_->count(), 2u);
    auto b_again = store_->find(std::string_view(kB));
    EXPECT_TRUE(b_again[0].listed);
    EXPECT_FALSE(b_again[0].valid_to.set());
    EXPECT_EQ(store_->history(b_again[0].id).back().action, "relist");

    // another source's import leaves these alone
    Batch d;
    d.records = {rec(kA, "eth", "mixer", "T")};
    store_->import(d, "other", "csv", {"x.csv"});
    EXPECT_EQ(store_->list({.source = "ofac", .listed_only = true}).size(), 2u);
    // end_missing = false only adds
    Batch e;
    e.records = {rec(kB, "eth", "mixer", "U")};
    auto r5 = store_->import(e, "other", "csv", {"y.csv"}, false);
    EXPECT_EQ(r5.ended, 0u);
    EXPECT_EQ(store_->list({.source = "other", .listed_only = true}).size(), 2u);
}

TEST_P(Store, ASecondConnectionSeesChangesThroughTheCounterAndTheIndex) {
    auto reader = LabelStore::open(where_);
    LabelIndex idx(*reader);
    EXPECT_EQ(idx.find(parse_address(kA)), nullptr);
    EXPECT_FALSE(idx.refresh());
    Batch b;
    b.records = {rec(kA, "eth", "hacker", "H"), rec(kBtc, "btc", "hacker", "H")};
    store_->import(b, "s", "csv", {"f"});
    EXPECT_TRUE(idx.refresh());  // committed: the next poll sees it
    ASSERT_NE(idx.find(parse_address(kA)), nullptr);
    EXPECT_EQ(idx.find(parse_address(kA))->at(0).category, "hacker");
    ASSERT_NE(idx.find(kBtc), nullptr);
    EXPECT_EQ(idx.of_category("hacker").size(), 2u);
    EXPECT_EQ(idx.version(), reader->version());
    EXPECT_FALSE(idx.refresh());
}

std::vector<Record> without_ids(std::vector<Record> v) {
    for (auto& r : v) r.id = 0;
    return v;
}

// The importers' output stored on this backend: the published OFAC files and the shipped DPRK
// list import, re-import without change, and come back identical through a TagPack export.
TEST_P(Store, PublishedListsImportIdempotentlyAndRoundTripThroughTagPack) {
    const std::filesystem::path data = CHAINWARD_SHARED_DATA;
    ImportOptions o;
    Batch sdn = read_file(data / "ofac-sdn-csv/sdn_2024-05-03.csv", o);
    auto r1 = store_->import(sdn, "ofac-sdn", "ofac-csv", {"sdn.csv"});
    EXPECT_GT(r1.added, 250u);
    EXPECT_EQ(store_->import(sdn, "ofac-sdn", "ofac-csv", {"sdn.csv"}).unchanged, r1.added);
    ImportOptions d;
    d.columns = "note=incident+role+date+source_url+note";
    Batch dprk = read_file(std::filesystem::path(CHAINWARD_SOURCE_DIR) / "data/labels/dprk-attribution.csv", d);
    auto r2 = store_->import(dprk, "dprk-attribution", "csv", {"dprk-attribution.csv"});
    EXPECT_GT(r2.added, 200u);
    const auto v = store_->version();
    EXPECT_EQ(store_->import(dprk, "dprk-attribution", "csv", {"dprk-attribution.csv"}).unchanged, r2.added);
    EXPECT_EQ(store_->version(), v);
    // Lazarus Group's Ronin address carries the OFAC label and the attribution facts
    auto ronin = store_->find(std::string_view("0x098B716B8Aaf21512996dC57EB0615e2383E2f96"));
    std::set<std::string> sources;
    for (const auto& r : ronin) sources.insert(r.source);
    EXPECT_EQ(sources, (std::set<std::string>{"ofac-sdn", "dprk-attribution"}));

    const auto before = without_ids(store_->list({.source = "dprk-attribution"}));
    Batch back = read_text(export_tagpack(before, store_->entities(), "dprk-attribution"), "rt.yaml", ImportOptions{});
    auto r3 = store_->import(back, "dprk-attribution", "tagpack", {"rt.yaml"});
    EXPECT_EQ(r3.unchanged, before.size());  // the export is exactly what is stored
    EXPECT_EQ(r3.added + r3.changed + r3.ended, 0u);
}

TEST(StoreOpen, AnUnreachableStoreIsAStoreError) {
    EXPECT_THROW(LabelStore::open("/nonexistent-dir/x/labels.db"), StoreError);
    EXPECT_THROW(LabelStore::open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"), StoreError);
}

INSTANTIATE_TEST_SUITE_P(Backends, Store, ::testing::ValuesIn(backends()), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace chainward::label
