// Parse-only peer of the ingest benchmark: simdjson DOM over the same files, every element
// visited. The files are loaded into memory first; only parse + walk is timed.
//
// usage: cw_bench_parse_only DIR   (prints one JSON line: bytes, documents, elements, seconds)
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

std::uint64_t walk(simdjson::dom::element e, std::uint64_t& string_bytes) {
    std::uint64_t n = 1;
    switch (e.type()) {
        case simdjson::dom::element_type::ARRAY:
            for (auto x : simdjson::dom::array(e)) n += walk(x, string_bytes);
            break;
        case simdjson::dom::element_type::OBJECT:
            for (auto [k, v] : simdjson::dom::object(e)) {
                string_bytes += k.size();
                n += walk(v, string_bytes);
            }
            break;
        case simdjson::dom::element_type::STRING:
            string_bytes += std::string_view(e).size();
            break;
        default:
            break;
    }
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: cw_bench_parse_only DIR\n");
        return 2;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(argv[1]))
        if (e.path().extension() == ".jsonl") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<simdjson::padded_string> bufs;
    std::uint64_t bytes = 0;
    std::size_t longest = 0;
    for (const auto& f : files) {
        bufs.push_back(simdjson::padded_string::load(f.string()).value());
        bytes += bufs.back().size();
        std::string_view v(bufs.back().data(), bufs.back().size());
        for (std::size_t pos = 0; pos < v.size();) {  // the batch must hold the longest document
            std::size_t nl = v.find('\n', pos);
            if (nl == std::string_view::npos) nl = v.size();
            longest = std::max(longest, nl - pos);
            pos = nl + 1;
        }
    }
    simdjson::dom::parser parser;
    parser.threaded = false;  // one core, as chainward ingest
    std::size_t batch = std::max<std::size_t>(4 << 20, longest + 1024);
    std::uint64_t docs = 0, elements = 0, string_bytes = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (auto& b : bufs) {
        simdjson::dom::document_stream stream = parser.parse_many(b, batch).value();
        for (auto doc : stream) {
            elements += walk(doc.value(), string_bytes);
            ++docs;
        }
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"files\":%zu,\"bytes\":%llu,\"documents\":%llu,\"elements\":%llu,\"string_bytes\":%llu,\"seconds\":%.4f,"
                "\"gb_per_s\":%.3f}\n",
                files.size(), (unsigned long long)bytes, (unsigned long long)docs, (unsigned long long)elements,
                (unsigned long long)string_bytes, secs, bytes / secs / 1e9);
    return 0;
}
