#include "api/metrics.hpp"

#include <fmt/format.h>

#include <atomic>

namespace chainward::api {
namespace {

std::atomic<std::uint64_t> next_id{1};

/// Methods as metric labels: the known ones, else "other" (a client cannot grow the series).
const char* method_label(std::string_view m) {
    for (const char* k : {"GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS"})
        if (m == k) return k;
    return m == "-" ? "-" : "other";
}

}  // namespace

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

Metrics::Metrics() : id_(next_id++) {}

Metrics::Shard& Metrics::local() {
    thread_local std::vector<std::pair<std::uint64_t, Shard*>> mine;  // (Metrics id, shard)
    for (auto& [id, sh] : mine)
        if (id == id_) return *sh;
    std::lock_guard lk(shards_mu_);
    shards_.push_back(std::make_unique<Shard>());
    mine.emplace_back(id_, shards_.back().get());
    return *shards_.back();
}

void Metrics::request(const std::string* route, std::string_view method, unsigned status, double seconds) {
    Shard& sh = local();
    std::lock_guard lk(sh.mu);
    auto& s = sh.requests[{route, method_label(method), status}];
    ++s.count;
    s.sum += seconds;
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i]) ++s.buckets[i];
}

void Metrics::decision(std::string_view decision, std::string_view risk) {
    Shard& sh = local();
    std::lock_guard lk(sh.mu);
    ++sh.decisions[{std::string(decision), std::string(risk)}];
}

std::string Metrics::text(const std::string& extra) const {
    std::map<std::tuple<std::string, std::string, unsigned>, Series> requests;
    std::map<std::pair<std::string, std::string>, std::uint64_t> decisions;
    {
        std::lock_guard lk(shards_mu_);
        for (const auto& sh : shards_) {
            std::lock_guard l2(sh->mu);
            for (const auto& [k, s] : sh->requests) {
                auto& t = requests[{*std::get<0>(k), std::get<1>(k), std::get<2>(k)}];
                t.count += s.count;
                t.sum += s.sum;
                for (std::size_t i = 0; i < kBuckets.size(); ++i) t.buckets[i] += s.buckets[i];
            }
            for (const auto& [k, n] : sh->decisions) decisions[k] += n;
        }
    }
    std::string o;
    o += "# HELP chainward_http_requests_total HTTP requests answered, by route, method and status.\n";
    o += "# TYPE chainward_http_requests_total counter\n";
    for (const auto& [k, s] : requests) {
        const auto& [route, method, status] = k;
        o += fmt::format("chainward_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                         prom_label(route), method, status, s.count);
    }
    o += "# HELP chainward_http_request_duration_seconds Time from a whole request to its response, by route, method and status.\n";
    o += "# TYPE chainward_http_request_duration_seconds histogram\n";
    for (const auto& [k, s] : requests) {
        const auto& [route, method, status] = k;
        const std::string l = fmt::format("route=\"{}\",method=\"{}\",status=\"{}\"", prom_label(route), method, status);
        for (std::size_t i = 0; i < kBuckets.size(); ++i)
            o += fmt::format("chainward_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", l, kBuckets[i], s.buckets[i]);
        o += fmt::format("chainward_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", l, s.count);
        o += fmt::format("chainward_http_request_duration_seconds_sum{{{}}} {}\n", l, s.sum);
        o += fmt::format("chainward_http_request_duration_seconds_count{{{}}} {}\n", l, s.count);
    }
    o += "# HELP chainward_decisions_total Screening decisions given (addresses, transfers, withdrawals), by decision and risk level.\n";
    o += "# TYPE chainward_decisions_total counter\n";
    for (const auto& [k, n] : decisions)
        o += fmt::format("chainward_decisions_total{{decision=\"{}\",risk=\"{}\"}} {}\n", prom_label(k.first), prom_label(k.second), n);
    o += extra;
    return o;
}

}  // namespace chainward::api
