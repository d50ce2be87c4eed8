// Crashes of the CLI's writers and readers that run while they write:
// - `chainward ingest` SIGKILLed at random moments, resuming each time: the final store holds
//   exactly what one clean ingest stores (counts and content hash);
// - ingest, rollback and compact cut at every fsync they make, with the writes not yet synced
//   lost as in a power cut (tests/ingest/power_loss_shim.cpp) or kept as in a process crash:
//   the store holds either the state before or after the command, never anything else, and the
//   command run again gives the clean result;
// - readers in a loop during an ingest with small batches (merges) and rollbacks never fail.
// Only children that really died of SIGKILL count as crashes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <array>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "chain_gen.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string kBin = std::string(CHAINWARD_BINARY_DIR) + "/chainward";

pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    pid_t pid = ::fork();
    if (pid == 0) {
        for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

/// Exit code, or -SIGNAL for a child killed by a signal.
int run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    int status = 0;
    ::waitpid(spawn(args, env), &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? -WTERMSIG(status) : -1000;
}

bool died_of_sigkill(int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL; }

std::string capture(const std::string& cmd) {
    std::string out;
    FILE* f = ::popen(cmd.c_str(), "r");
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f)) out.append(buf.data(), n);
    ::pclose(f);
    return out;
}

std::string stats(const fs::path& store) { return capture(kBin + " stats --json --hash --data-dir " + store.string()); }

std::string pick(const std::string& s, const std::string& key) {
    auto at = s.find("\"" + key + "\":");
    return at == std::string::npos ? std::string("missing") : s.substr(at, s.find_first_of(",}", at) - at);
}

}  // namespace

TEST(CrashLoop, KilledIngestResumesToTheCleanResult) {
    fs::path base = fs::temp_directory_path() / ("cw-crash-" + std::to_string(::getpid()));
    fs::remove_all(base);
    chainward::test::write_chain(base / "chain", {.first = 1, .last = 1500, .blocks_per_file = 25, .txs_per_block = 12});
    std::vector<std::string> ingest_clean{kBin, "ingest", "-q", "--batch", "400", "--data-dir", (base / "clean").string(),
                                          (base / "chain").string()};
    ASSERT_EQ(run(ingest_clean), 0);
    std::string want = stats(base / "clean");
    ASSERT_NE(want.find("\"content_hash\""), std::string::npos) << want;

    auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(run({kBin, "ingest", "-q", "--batch", "400", "--data-dir", (base / "probe").string(), (base / "chain").string()}), 0);
    auto full = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);

    std::mt19937_64 rng(20261121);
    std::vector<std::string> ingest{kBin, "ingest", "-q", "--batch", "400", "--data-dir", (base / "crashed").string(),
                                    (base / "chain").string()};
    // Only runs that really died of SIGKILL count. A run that finished before its kill came
    // starts the store over, so that later kills again land while it is being written.
    int kills = 0, finished = 0;
    for (int i = 0; i < 120 && kills < 20; ++i) {
        pid_t pid = spawn(ingest);
        // Kill somewhere in the first 40% of a full run, so each run makes some progress and
        // is cut at a new place (mid-parse, mid-segment write, mid-merge, mid-manifest).
        auto delay = std::chrono::microseconds(rng() % std::max<std::int64_t>(1, full.count() * 2 / 5));
        std::this_thread::sleep_for(delay);
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        // Whatever the moment, the store reopens: stats must succeed. (A kill before the first
        // commit, which a loaded machine may delay past the kill, leaves no store yet.)
        if (!fs::exists(base / "crashed" / "MANIFEST.json")) continue;
        EXPECT_NE(stats(base / "crashed").find("\"transfers\""), std::string::npos) << "store unreadable after kill " << i;
        if (died_of_sigkill(status)) {
            ++kills;
        } else {
            EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "run " << i << " failed";
            EXPECT_EQ(pick(stats(base / "crashed"), "content_hash"), pick(want, "content_hash"));
            ++finished;
            fs::remove_all(base / "crashed");
        }
    }
    EXPECT_EQ(kills, 20) << finished << " runs finished before their kill";
    ASSERT_EQ(run(ingest), 0);
    // Same blocks, transfers and content hash as the clean ingest (segment layout may differ).
    std::string got = stats(base / "crashed");
    for (const char* key : {"blocks", "last_block", "transactions", "transfers", "content_hash"})
        EXPECT_EQ(pick(got, key), pick(want, key)) << key;
    fs::remove_all(base);
}

namespace {

const std::string kShim = std::string(CHAINWARD_SHIM);

/// What must match between two stores holding the same chain (segment layout may differ).
std::string summary(const fs::path& store) {
    std::string s = stats(store), out;
    for (const char* key : {"blocks", "last_block", "transactions", "transfers", "addresses", "assets", "content_hash"})
        out += pick(s, key) + " ";
    return out;
}

void copy_store(const fs::path& from, const fs::path& to) {
    fs::remove_all(to);
    fs::copy(from, to, fs::copy_options::recursive);
}

/// The number of fsyncs a command makes in the store (the shim counts them without crashing).
long count_fsyncs(const std::vector<std::string>& cmd, const fs::path& store) {
    std::string line;
    for (const auto& a : cmd) line += "'" + a + "' ";
    std::string out = capture("LD_PRELOAD=" + kShim + " CW_CRASH_DIR=" + store.string() + " " + line + " 2>&1 >/dev/null");
    auto at = out.find("crash-shim: fsyncs ");
    return at == std::string::npos ? -1 : std::stol(out.substr(at + 19));
}

/// Cuts `cmd` (which writes `store`) at each of its fsyncs in turn, on a fresh copy of `base`,
/// both as a power cut (unsynced writes lost) and as a process crash. After each cut the store
/// must open and equal `before` or `after` (summaries); run again, `cmd` must give `after`.
void cut_at_every_fsync(const fs::path& base, const fs::path& store, const std::vector<std::string>& cmd,
                        const std::string& before, const std::string& after) {
    copy_store(base, store);
    const std::string watched = fs::canonical(store).string();
    long n = count_fsyncs(cmd, watched);
    ASSERT_GT(n, 3) << "the command made no fsyncs in the store";
    EXPECT_EQ(summary(store), after);
    int kills = 0, saw_before = 0, saw_after = 0;
    for (long k = 1; k <= n; ++k) {
        for (bool keep : {false, true}) {
            copy_store(base, store);
            int status = 0;
            pid_t pid = spawn(cmd, {"LD_PRELOAD=" + kShim, "CW_CRASH_DIR=" + watched, "CW_CRASH_AT=" + std::to_string(k),
                                    std::string("CW_CRASH_KEEP_WRITES=") + (keep ? "1" : "0")});
            ::waitpid(pid, &status, 0);
            ASSERT_TRUE(died_of_sigkill(status)) << "not cut at fsync " << k;
            ++kills;
            std::string got = summary(store);
            if (got == after) ++saw_after;
            else if (got == before) ++saw_before;
            else ADD_FAILURE() << "cut at fsync " << k << (keep ? " (process crash)" : " (power cut)") << ": store holds " << got
                               << "\n  before: " << before << "\n  after:  " << after;
            if (!keep) {  // (after a process crash the same holds; checked once per point to save time)
                ASSERT_EQ(run(cmd), 0) << "rerun after a cut at fsync " << k;
                EXPECT_EQ(summary(store), after) << "rerun after a cut at fsync " << k;
            }
        }
    }
    EXPECT_EQ(kills, 2 * n);
    if (before != after) {
        EXPECT_GT(saw_before, 0);
    }
    EXPECT_GT(saw_after, 0);
}

}  // namespace

// A committed batch survives a power cut at any later fsync; an uncommitted one leaves no trace
// (the next ingest stores exactly what a clean one does: same blocks, dictionaries and content).
TEST(PowerLoss, CommittedBatchSurvivesUncommittedLeavesNoTrace) {
    if (kShim.empty()) GTEST_SKIP() << "no fsync shim in a sanitizer build";
    fs::path base = fs::temp_directory_path() / ("cw-powerloss-" + std::to_string(::getpid()));
    fs::remove_all(base);
    chainward::Hash32 mid = chainward::test::write_chain(base / "a", {.first = 1, .last = 120, .blocks_per_file = 30, .txs_per_block = 6});
    chainward::test::write_chain(base / "b", {.first = 121, .last = 200, .blocks_per_file = 40, .txs_per_block = 6}, mid);
    auto ingest = [&](const fs::path& store, const char* dir) {
        return std::vector<std::string>{kBin, "ingest", "-q", "--data-dir", store.string(), (base / dir).string()};
    };
    ASSERT_EQ(run(ingest(base / "one", "a")), 0);
    std::string before = summary(base / "one");
    copy_store(base / "one", base / "two");
    ASSERT_EQ(run(ingest(base / "two", "b")), 0);
    std::string after = summary(base / "two");
    ASSERT_NE(before, after);
    // Batch b (one commit, then merges) written over the store holding a.
    cut_at_every_fsync(base / "one", base / "work", ingest(base / "work", "b"), before, after);
    fs::remove_all(base);
}

// rollback and compact cut at every fsync: the store is the old one or the new one.
TEST(PowerLoss, RollbackAndCompactAreAtomicAtEveryFsync) {
    if (kShim.empty()) GTEST_SKIP() << "no fsync shim in a sanitizer build";
    fs::path base = fs::temp_directory_path() / ("cw-powerloss-rc-" + std::to_string(::getpid()));
    fs::remove_all(base);
    chainward::Hash32 mid = chainward::test::write_chain(base / "a", {.first = 1, .last = 130, .blocks_per_file = 26, .txs_per_block = 6});
    chainward::test::write_chain(base / "b", {.first = 131, .last = 200, .blocks_per_file = 35, .txs_per_block = 6}, mid);
    // Several segments (small batches), and the expected result of a rollback to 130 built
    // independently: a store that only ever ingested blocks 1..130.
    ASSERT_EQ(run({kBin, "ingest", "-q", "--batch", "300", "--data-dir", (base / "full").string(), (base / "a").string(),
                   (base / "b").string()}),
              0);
    ASSERT_EQ(run({kBin, "ingest", "-q", "--batch", "300", "--data-dir", (base / "cut").string(), (base / "a").string()}), 0);
    std::string full = summary(base / "full"), cut = summary(base / "cut");
    // Dictionaries keep their rows after a rollback: compare the chain only.
    auto chain_only = [](std::string s) { return s.substr(0, s.find("\"addresses\"")) + s.substr(s.find("\"content_hash\"")); };
    ASSERT_NE(chain_only(full), chain_only(cut));
    {
        std::vector<std::string> cmd{kBin, "rollback", "--to", "130", "--data-dir", (base / "work").string()};
        copy_store(base / "full", base / "work");
        ASSERT_EQ(run(cmd), 0);
        EXPECT_EQ(chain_only(summary(base / "work")), chain_only(cut));
        std::string after = summary(base / "work");
        // (Run again on a rolled-back store, --to 130 is the head: nothing to remove, exit 0.)
        cut_at_every_fsync(base / "full", base / "work", cmd, full, after);
    }
    {
        std::vector<std::string> cmd{kBin, "compact", "--data-dir", (base / "work").string()};
        cut_at_every_fsync(base / "full", base / "work", cmd, full, full);
    }
    fs::remove_all(base);
}

// Readers (stats, balance, transfers) in a loop while ingest commits small batches (merging
// segments after most of them) and rollbacks cut the chain: no reader ever fails.
TEST(Concurrency, ReadersNeverFailDuringIngestMergesAndRollbacks) {
    fs::path base = fs::temp_directory_path() / ("cw-readers-" + std::to_string(::getpid()));
    fs::remove_all(base);
    chainward::test::write_chain(base / "chain", {.first = 1, .last = 400, .blocks_per_file = 20, .txs_per_block = 10});
    fs::path store = base / "store";
    ASSERT_EQ(run({kBin, "ingest", "-q", "--batch", "40", "--data-dir", store.string(), (base / "chain" / "blocks-000000001.jsonl").string()}), 0);
    std::atomic<bool> done{false};
    std::atomic<int> reads{0}, failures{0};
    auto reader = [&](std::vector<std::string> cmd) {
        while (!done) {
            int rc = run(cmd);
            if (rc != 0) ++failures;
            ++reads;
        }
    };
    std::string who = chainward::test::addr(3);
    std::thread r1(reader, std::vector<std::string>{kBin, "stats", "--json", "--data-dir", store.string()});
    std::thread r2(reader, std::vector<std::string>{kBin, "balance", who, "--data-dir", store.string()});
    std::thread r3(reader, std::vector<std::string>{kBin, "transfers", who, "--limit", "5", "--data-dir", store.string()});
    for (int round = 0; round < 2; ++round) {
        EXPECT_EQ(run({kBin, "ingest", "-q", "--batch", "40", "--data-dir", store.string(), (base / "chain").string()}), 0);
        EXPECT_EQ(run({kBin, "rollback", "--blocks", "170", "--data-dir", store.string()}), 0);
    }
    done = true;
    r1.join();
    r2.join();
    r3.join();
    EXPECT_EQ(failures.load(), 0) << "of " << reads.load() << " reader runs";
    EXPECT_GT(reads.load(), 3);
    fs::remove_all(base);
}
