#include "api/metrics.hpp"

#include <fmt/format.h>

namespace chainward::api {

std::string prom_label(const std::string& v) {
    std::string o;
    for (char c : v) {
        if (c == '\\') o += "\\\\";
        else if (c == '"') o += "\\\"";
        else if (c == '\n') o += "\\n";
        else o += c;
    }
    return o;
}

void Metrics::request(const std::string& route, const std::string& method, unsigned status, double seconds) {
    std::lock_guard lk(mu_);
    auto& s = requests_[{route, method, status}];
    ++s.count;
    s.sum += seconds;
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i]) ++s.buckets[i];
}

void Metrics::decision(const std::string& level) {
    std::lock_guard lk(mu_);
    ++decisions_[level];
}

std::string Metrics::text(const std::string& extra) const {
    std::string o;
    std::lock_guard lk(mu_);
    o += "# HELP chainward_http_requests_total HTTP requests answered, by route, method and status.\n";
    o += "# TYPE chainward_http_requests_total counter\n";
    for (const auto& [k, s] : requests_) {
        const auto& [route, method, status] = k;
        o += fmt::format("chainward_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                         prom_label(route), method, status, s.count);
    }
    o += "# HELP chainward_http_request_duration_seconds Time from a whole request to its response, by route, method and status.\n";
    o += "# TYPE chainward_http_request_duration_seconds histogram\n";
    for (const auto& [k, s] : requests_) {
        const auto& [route, method, status] = k;
        const std::string l = fmt::format("route=\"{}\",method=\"{}\",status=\"{}\"", prom_label(route), method, status);
        for (std::size_t i = 0; i < kBuckets.size(); ++i)
            o += fmt::format("chainward_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", l, kBuckets[i], s.buckets[i]);
        o += fmt::format("chainward_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", l, s.count);
        o += fmt::format("chainward_http_request_duration_seconds_sum{{{}}} {}\n", l, s.sum);
        o += fmt::format("chainward_http_request_duration_seconds_count{{{}}} {}\n", l, s.count);
    }
    o += "# HELP chainward_decisions_total Screening decisions given, by decision.\n";
    o += "# TYPE chainward_decisions_total counter\n";
    for (const char* d : {"allow", "review", "block"}) {
        auto it = decisions_.find(d);
        o += fmt::format("chainward_decisions_total{{decision=\"{}\"}} {}\n", d, it == decisions_.end() ? 0 : it->second);
    }
    o += extra;
    return o;
}

}  // namespace chainward::api
