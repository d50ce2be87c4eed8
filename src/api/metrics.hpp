// Internal to src/api: Prometheus counters and histograms, written in the text exposition format.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace chainward::api {

class Metrics {
  public:
    /// One request: its route template ("/v1/addresses/{chain}/{address}"), method, status, time.
    void request(const std::string& route, const std::string& method, unsigned status, double seconds);
    void decision(const std::string& level);  ///< a decision given (allow, review, block)
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
    mutable std::mutex mu_;
    std::map<std::tuple<std::string, std::string, unsigned>, Series> requests_;
    std::map<std::string, std::uint64_t> decisions_;
};

/// A label value for the exposition format (backslash, quote and newline escaped).
std::string prom_label(const std::string& v);

}  // namespace chainward::api
