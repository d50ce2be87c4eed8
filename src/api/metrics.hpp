// Internal to src/api: Prometheus counters and histograms, written in the text exposition format.
// Each thread counts into a shard of its own (its lock is never contended); a scrape adds them up.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace chainward::api {

class Metrics {
  public:
    Metrics();
    /// One request: its route template (a string that outlives the Metrics), method, status, time.
    void request(const std::string* route, std::string_view method, unsigned status, double seconds);
    /// A decision given (allow, review, block) and the risk level it came from.
    void decision(std::string_view decision, std::string_view risk);
    /// The text of /metrics; `extra` is appended (gauges read at scrape time).
    std::string text(const std::string& extra) const;

    static constexpr std::array<double, 12> kBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                     0.01,   0.025,   0.05,   0.1,   0.5,    2.5};

  private:
    struct Series {
        std::uint64_t count = 0;
        double sum = 0;
        std::array<std::uint64_t, kBuckets.size()> buckets{};
    };
    using Key = std::tuple<const std::string*, const char*, unsigned>;
    struct Shard {
        std::mutex mu;
        std::map<Key, Series> requests;
        std::map<std::pair<std::string, std::string>, std::uint64_t> decisions;
    };
    Shard& local();
    std::uint64_t id_;
    mutable std::mutex shards_mu_;
    std::vector<std::unique_ptr<Shard>> shards_;
};

/// A label value for the exposition format (backslash, quote and newline escaped).
std::string prom_label(const std::string& v);

}  // namespace chainward::api
