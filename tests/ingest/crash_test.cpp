// SIGKILLs `chainward ingest` at random moments, 24 times, resuming each time; the final store
// must hold exactly what one clean ingest stores (count and content hash).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <array>
#include <chrono>
#include <random>
#include <thread>

#include "chain_gen.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string kBin = std::string(CHAINWARD_BINARY_DIR) + "/chainward";

pid_t spawn(const std::vector<std::string>& args) {
    pid_t pid = ::fork();
    if (pid == 0) {
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

int run(const std::vector<std::string>& args) {
    int status = 0;
    ::waitpid(spawn(args), &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string capture(const std::string& cmd) {
    std::string out;
    FILE* f = ::popen(cmd.c_str(), "r");
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f)) out.append(buf.data(), n);
    ::pclose(f);
    return out;
}

std::string stats(const fs::path& store) { return capture(kBin + " stats --json --hash --data-dir " + store.string()); }

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
    int kills = 0;
    for (int i = 0; i < 24; ++i) {
        pid_t pid = spawn(ingest);
        // Kill somewhere in the first 40% of a full run, so each run makes some progress and
        // is cut at a new place (mid-parse, mid-segment write, mid-merge, mid-manifest).
        auto delay = std::chrono::microseconds(rng() % std::max<std::int64_t>(1, full.count() * 2 / 5));
        std::this_thread::sleep_for(delay);
        if (::kill(pid, SIGKILL) == 0) ++kills;
        int status = 0;
        ::waitpid(pid, &status, 0);
        // Whatever the moment, the store reopens: stats must succeed. (A kill before the first
        // commit, which a loaded machine may delay past the kill, leaves no store yet.)
        if (!fs::exists(base / "crashed" / "MANIFEST.json")) continue;
        EXPECT_NE(stats(base / "crashed").find("\"transfers\""), std::string::npos) << "store unreadable after kill " << i;
    }
    EXPECT_GE(kills, 20);
    ASSERT_EQ(run(ingest), 0);
    // Same blocks, transfers and content hash as the clean ingest (segment layout may differ).
    auto pick = [](const std::string& s, const std::string& key) {
        auto at = s.find("\"" + key + "\":");
        return at == std::string::npos ? std::string("missing") : s.substr(at, s.find_first_of(",}", at) - at);
    };
    std::string got = stats(base / "crashed");
    for (const char* key : {"blocks", "last_block", "transactions", "transfers", "content_hash"})
        EXPECT_EQ(pick(got, key), pick(want, key)) << key;
    fs::remove_all(base);
}
