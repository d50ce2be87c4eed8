// Exposure benchmark on an ingested store: maintenance cost per block with >= 200k labels, the
// time to apply a new label, save sizes, and in-process screen lookups (p50/p99).
//
// usage: exposure_bench DATA_DIR LABELS.csv [--extra N] [--tail BLOCKS] [--lookups N] [--out DIR]
//   The labels file's labels (the simulator's: mostly exchange deposit addresses) plus N synthetic
//   illicit ones (every k-th stored address: scam, phishing, sanctioned; each traced forward) are
//   applied to the chain up to its last BLOCKS blocks; then those blocks are applied one at a time
//   (each timed), the state is saved into --out (default DATA_DIR/exposure-bench) and screened.
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "label/label.hpp"
#include "risk/risk.hpp"
#include "trace/trace.hpp"

using namespace chainward;
using Clock = std::chrono::steady_clock;

static double secs(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

static double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr,
                     "usage: exposure_bench DATA_DIR LABELS.csv [--extra N] [--tail BLOCKS] "
                     "[--lookups N] [--out DIR] [--save no] [--dust WEI]\n");
        return 2;
    }
    std::string data = argv[1], labels = argv[2], out = data + "/exposure-bench";
    std::uint64_t extra = 1000, tail = 200, lookups = 1'000'000;
    bool save = true, sqlite = false, index_only = false;
    U256 dust = 0;
    for (int i = 3; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--extra")
            extra = std::strtoull(argv[i + 1], nullptr, 10);
        else if (k == "--tail")
            tail = std::strtoull(argv[i + 1], nullptr, 10);
        else if (k == "--lookups")
            lookups = std::strtoull(argv[i + 1], nullptr, 10);
        else if (k == "--out")
            out = argv[i + 1];
        else if (k == "--save")
            save = std::string(argv[i + 1]) != "no";
        else if (k == "--sqlite")
            sqlite = std::string(argv[i + 1]) == "yes";
        else if (k == "--dust")  // native-coin dust threshold, base units
            dust = parse_u256(argv[i + 1]);
        else if (k == "--index-only")
            index_only = std::string(argv[i + 1]) == "yes";  // lookups on the rows already in --out
    }
    auto st = store::TransferStore::open(data, store::TransferStore::Mode::ReadOnly);
    trace::StoreGraph g(*st);
    const std::uint64_t last = st->last_block().value_or(0);
    std::uint64_t limit = last > tail ? last - tail : 0;
    risk::Chain chain = risk::store_chain(*st, g);
    auto full_scan = chain.scan;
    chain.scan = [&](std::uint64_t from, const std::function<bool(const store::TransferRef&)>& f) {
        full_scan(from, [&](const store::TransferRef& t) { return t.block <= limit && f(t); });
    };

    auto facts = risk::facts_from_labelset(label::LabelSet::load_csv(labels), "sim");
    const std::size_t file_labels = facts.size();
    const std::uint32_t n = st->address_count();
    const std::uint64_t step = std::max<std::uint64_t>(1, n / std::max<std::uint64_t>(extra, 1));
    std::uint64_t made = 0;
    for (std::uint64_t id = 1; id <= n && made < extra; id += step, ++made) {
        const char* cat = made % 3 == 0 ? "scam" : made % 3 == 1 ? "phishing" : "sanctioned";
        facts.push_back(risk::LabelFact{st->address(static_cast<store::AddressId>(id)), cat,
                                        fmt::format("synthetic {}", made % 5000), "bench", 0,
                                        risk::kOpenEnd});
    }
    fmt::print("store: {} blocks, {} addresses; labels: {} from {} + {} synthetic = {}\n", last + 1,
               n, file_labels, labels, made, facts.size());

    if (!index_only) {
        risk::Options opt{4, {}};
        if (dust > 0) opt.min_amount[store::kNativeAsset] = dust;
        risk::Engine e(chain, opt);
        auto t0 = Clock::now();
        e.set_labels(facts);
        e.advance();
        auto t1 = Clock::now();
        fmt::print(
            "initial: blocks 0..{} ({} transfers) in {:.2f} s; {} sources, {} state entries, {} "
            "histories read\n",
            limit, e.applied_transfers(), secs(t0, t1), e.sources(), e.state_entries(),
            e.stats().histories_read);

        // new blocks, one at a time
        std::vector<double> per_block, per_transfer;
        std::uint64_t transfers = 0;
        double total = 0;
        while (limit < last) {
            ++limit;
            const auto before = e.applied_transfers();
            auto a = Clock::now();
            e.advance();
            auto b = Clock::now();
            const auto k = e.applied_transfers() - before;
            transfers += k;
            total += secs(a, b);
            per_block.push_back(secs(a, b) * 1e3);
            if (k) per_transfer.push_back(secs(a, b) * 1e9 / static_cast<double>(k));
        }
        fmt::print(
            "maintenance: {} blocks, {} transfers ({:.0f}/block): {:.3f} ms/block mean, p50 {:.3f} "
            "ms, p99 {:.3f} ms; {:.0f} ns/transfer mean\n",
            per_block.size(), transfers,
            per_block.empty() ? 0.0 : double(transfers) / double(per_block.size()),
            per_block.empty() ? 0.0 : total * 1e3 / double(per_block.size()), pct(per_block, 0.5),
            pct(per_block, 0.99), transfers ? total * 1e9 / double(transfers) : 0.0);

        // one more label: a heavy one (the busiest labelled exchange) and a light one
        auto t2 = Clock::now();
        auto more = facts;
        more.push_back(
            risk::LabelFact{st->address(n / 2), "scam", "late label", "bench", 0, risk::kOpenEnd});
        e.set_labels(more);
        auto t3 = Clock::now();
        fmt::print("one new label: {:.2f} s ({} transfers scanned)\n", secs(t2, t3),
                   e.stats().transfers);

        if (!save) return 0;
        auto t4 = Clock::now();
        e.save(out);
        auto t5 = Clock::now();
        std::uint64_t bytes_state = 0, bytes_rows = 0;
        for (const auto& f : std::filesystem::directory_iterator(out)) {
            auto name = f.path().filename().string();
            if (name.starts_with("state-")) bytes_state = f.file_size();
            if (name.starts_with("rows-")) bytes_rows = f.file_size();
        }
        fmt::print("save: {:.2f} s; state {:.1f} MB, rows {:.1f} MB\n", secs(t4, t5),
                   bytes_state / 1e6, bytes_rows / 1e6);

        auto t6 = Clock::now();
        auto loaded = risk::Engine::load(chain, out);
        auto t7 = Clock::now();
        fmt::print("load state: {:.2f} s\n", secs(t6, t7));
    }

    // lookups: a mix of addresses with and without exposure
    auto ix = risk::Index::open(out);
    fmt::print("index: {} addresses, {} rows\n", ix->addresses(), ix->rows());
    std::mt19937_64 rng(1);
    std::vector<Address> sample(4096);
    for (auto& a : sample) a = st->address(static_cast<store::AddressId>(1 + rng() % n));
    std::vector<double> lat;
    lat.reserve(lookups);
    std::size_t nonempty = 0, rows = 0;
    auto t8 = Clock::now();
    for (std::uint64_t i = 0; i < lookups; ++i) {
        const Address& a = sample[i % sample.size()];
        auto a0 = Clock::now();
        auto r = ix->screen(a);
        auto a1 = Clock::now();
        lat.push_back(std::chrono::duration<double, std::micro>(a1 - a0).count());
        nonempty += !r.exposure.empty();
        rows += r.exposure.size();
    }
    auto t9 = Clock::now();
    fmt::print(
        "lookups: {} in {:.2f} s = {:.0f}/s; p50 {:.2f} us, p99 {:.2f} us, max {:.1f} us; {:.1f}% "
        "with exposure, {:.1f} rows each\n",
        lookups, secs(t8, t9), double(lookups) / secs(t8, t9), pct(lat, 0.5), pct(lat, 0.99),
        pct(lat, 1.0), 100.0 * double(nonempty) / double(lookups),
        nonempty ? double(rows) / double(nonempty) : 0.0);
    if (sqlite) {
        // The alternative store for rows: SQLite, one row per address (key: the 20 bytes; value:
        // the address's screening result as JSON, what a lookup returns), WITHOUT ROWID.
        const std::string db_path = out + "/rows-compare.sqlite";
        std::filesystem::remove(db_path);
        sqlite3* db = nullptr;
        sqlite3_open(db_path.c_str(), &db);
        sqlite3_exec(db,
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; CREATE TABLE rows(a BLOB "
                     "PRIMARY KEY, v BLOB) WITHOUT ROWID;",
                     nullptr, nullptr, nullptr);
        sqlite3_stmt* ins = nullptr;
        sqlite3_prepare_v2(db, "INSERT INTO rows VALUES(?,?)", -1, &ins, nullptr);
        auto name = [](const AssetKey&) { return std::string("x"); };
        auto s0 = Clock::now();
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        std::vector<std::pair<Address, std::string>> all;
        for (std::uint32_t id = 1; id <= n; ++id) {
            Address a = st->address(id);
            auto r = ix->screen(a);
            if (r.exposure.empty() && r.labels.empty()) continue;
            all.emplace_back(a, risk::screen_json(r, name));
        }
        std::sort(all.begin(), all.end(),
                  [](const auto& x, const auto& y) { return x.first < y.first; });
        for (const auto& [a, v] : all) {
            sqlite3_bind_blob(ins, 1, a.b.data(), 20, SQLITE_STATIC);
            sqlite3_bind_blob(ins, 2, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
            sqlite3_step(ins);
            sqlite3_reset(ins);
        }
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
        auto s1 = Clock::now();
        sqlite3_stmt* sel = nullptr;
        sqlite3_prepare_v2(db, "SELECT v FROM rows WHERE a = ?", -1, &sel, nullptr);
        std::vector<double> lat2;
        std::size_t found = 0, bytes = 0;
        auto s2 = Clock::now();
        for (std::uint64_t i = 0; i < lookups; ++i) {
            const Address& a = sample[i % sample.size()];
            auto a0 = Clock::now();
            sqlite3_bind_blob(sel, 1, a.b.data(), 20, SQLITE_STATIC);
            if (sqlite3_step(sel) == SQLITE_ROW) {
                std::string v(static_cast<const char*>(sqlite3_column_blob(sel, 0)),
                              static_cast<std::size_t>(sqlite3_column_bytes(sel, 0)));
                bytes += v.size();
                ++found;
            }
            sqlite3_reset(sel);
            auto a1 = Clock::now();
            lat2.push_back(std::chrono::duration<double, std::micro>(a1 - a0).count());
        }
        auto s3 = Clock::now();
        sqlite3_finalize(ins);
        sqlite3_finalize(sel);
        sqlite3_close(db);
        fmt::print(
            "sqlite: {} addresses written in {:.1f} s ({:.1f} MB); lookups (value bytes only, no "
            "decoding): {:.0f}/s, p50 {:.2f} us, "
            "p99 {:.2f} us; {:.1f}% found\n",
            all.size(), secs(s0, s1), std::filesystem::file_size(db_path) / 1e6,
            double(lookups) / secs(s2, s3), pct(lat2, 0.5), pct(lat2, 0.99),
            100.0 * double(found) / double(lookups));
        std::filesystem::remove(db_path);
    }
    return 0;
}
