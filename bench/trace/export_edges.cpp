// Writes the store's transfer graph as a text edge list ("from to" per transfer with both sides,
// address ids as vertex ids) for the igraph comparison in bench/trace/run.sh.
#include <cstdio>
#include <string>

#include "store/store.hpp"

int main(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "--id-of") {  // the vertex id of an address
        auto st = chainward::store::TransferStore::open(argv[2], chainward::store::TransferStore::Mode::ReadOnly);
        auto id = st->find_address(chainward::parse_address(argv[3]));
        if (!id) return 1;
        std::printf("%u\n", *id);
        return 0;
    }
    if (argc != 3) {
        std::fprintf(stderr, "usage: trace_export_edges DATA_DIR OUT.txt | --id-of DATA_DIR ADDRESS\n");
        return 2;
    }
    auto st = chainward::store::TransferStore::open(argv[1], chainward::store::TransferStore::Mode::ReadOnly);
    std::FILE* f = std::fopen(argv[2], "wb");
    if (!f) return 1;
    std::uint64_t n = 0;
    char buf[32];
    st->scan([&](const chainward::store::TransferRef& t) {
        if (t.from == 0 || t.to == 0) return true;
        int len = std::snprintf(buf, sizeof buf, "%u %u\n", t.from, t.to);
        std::fwrite(buf, 1, static_cast<std::size_t>(len), f);
        ++n;
        return true;
    });
    std::fclose(f);
    std::printf("edges=%llu vertices=%u\n", static_cast<unsigned long long>(n), st->address_count() + 1);
    return 0;
}
