// Test helpers: read blockchain-etl expected CSVs and collect parsed node responses.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "eth/eth.hpp"

namespace chainward::test {

inline std::string shared(const std::string& rel) { return std::string(CHAINWARD_SHARED_DATA) + "/" + rel; }

/// Rows of a CSV with a header line, as column -> value (the fixtures hold no quoted commas).
inline std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    auto split = [](const std::string& line) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        std::string x;
        while (std::getline(ss, x, ',')) f.push_back(x);
        if (!line.empty() && line.back() == ',') f.push_back("");
        return f;
    };
    std::string line;
    std::getline(in, line);
    auto header = split(line);
    std::vector<std::map<std::string, std::string>> rows;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto f = split(line);
        std::map<std::string, std::string> r;
        for (std::size_t i = 0; i < header.size(); ++i) r[header[i]] = i < f.size() ? f[i] : "";
        rows.push_back(std::move(r));
    }
    return rows;
}

/// Collects everything parsed, unassembled.
struct Collect : eth::ResponseSink {
    std::vector<eth::BlockData> blocks;
    std::vector<eth::ReceiptData> receipts;
    std::vector<eth::ParsedCallTraces> call_traces;
    std::vector<eth::ParsedParityTraces> parity;
    void on_block(eth::BlockData&& b, const eth::SourceRef&) override { blocks.push_back(std::move(b)); }
    void on_receipts(std::vector<eth::ReceiptData>&& r, const eth::SourceRef&) override {
        for (auto& x : r) receipts.push_back(std::move(x));
    }
    void on_call_traces(eth::ParsedCallTraces&& t, const eth::SourceRef&) override { call_traces.push_back(std::move(t)); }
    void on_parity_traces(eth::ParsedParityTraces&& t, const eth::SourceRef&) override { parity.push_back(std::move(t)); }
};

}  // namespace chainward::test
