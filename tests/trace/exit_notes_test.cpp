// Bridge exit notes count only at the bridge that emitted them (docs/tracing.md, Bridges). By
// hand: 100 stolen reach A; A pays 30 to bridge BR in a transaction whose exit note a decoy
// contract emitted, 30 to bridge BR2 whose own note names bc1qgood, 20 to exchange EX with a note
// EX "emitted", 20 to plain P with a note P "emitted". Only BR2's freeze point names an exit.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "label/label.hpp"
#include "trace/trace.hpp"

namespace chainward::trace {
namespace {

constexpr AddressId V = 1, A = 2, BR = 3, BR2 = 4, EX = 5, P = 6, DECOY = 7;

Address addr_of(AddressId id) {
    Address a;
    a.b[19] = static_cast<std::uint8_t>(id);
    a.b[0] = 0xee;
    return a;
}

/// A MemoryGraph whose transactions carry notes.
class NotedGraph final : public Graph {
public:
    MemoryGraph g;
    std::map<Hash32, std::vector<std::string>> notes;
    void transfers_of(AddressId a, const std::function<bool(const TransferRef&)>& f, std::uint64_t from_id) const override {
        g.transfers_of(a, f, from_id);
    }
    Hash32 tx_hash(const TransferRef& t) const override { return g.tx_hash(t); }
    std::optional<AddressId> find_address(const Address& a) const override { return g.find_address(a); }
    Address address(AddressId id) const override { return g.address(id); }
    AssetKey asset(AssetId id) const override { return g.asset(id); }
    std::vector<std::string> tx_notes(const TransferRef& t) const override {
        auto it = notes.find(g.tx_hash(t));
        return it == notes.end() ? std::vector<std::string>{} : it->second;
    }
};

}  // namespace

TEST(ExitNotes, OnlyTheEmittingBridgeNamesAnExit) {
    NotedGraph n;
    for (AddressId id : {V, A, BR, BR2, EX, P, DECOY}) n.g.set_address(id, addr_of(id));
    auto tx = [&](std::uint64_t block, std::uint32_t index, AddressId from, AddressId to, unsigned amount, std::string note) {
        TransferRef r;
        r.block = block;
        r.tx_index = index;
        r.kind = TransferKind::Call;
        r.from = from;
        r.to = to;
        r.amount = amount;
        Hash32 h{};
        h.b[0] = static_cast<std::uint8_t>(block);
        h.b[1] = static_cast<std::uint8_t>(index);
        if (!note.empty()) n.notes[h].push_back(std::move(note));
        return n.g.add(r, h);
    };
    auto note = [](AddressId emitter, const char* dest) {
        return exit_note("thorchain", addr_of(emitter), std::string("=:BTC.BTC:") + dest + ":0/1/0");
    };
    auto theft = tx(1, 0, V, A, 100, "");
    tx(2, 0, A, BR, 30, note(DECOY, "bc1qdecoy"));
    tx(2, 1, A, BR2, 30, note(BR2, "bc1qgood"));
    tx(2, 2, A, EX, 20, note(EX, "bc1qexchange"));
    tx(2, 3, A, P, 20, note(P, "bc1qplain"));

    label::LabelSet labels;
    labels.add(addr_of(BR), {"Bridge One", "bridge"});
    labels.add(addr_of(BR2), {"Bridge Two", "bridge"});
    labels.add(addr_of(EX), {"Exchange", "exchange"});
    Options o;
    o.model = Model::Haircut;
    o.roles = {{BR, Role::Terminal}, {BR2, Role::Terminal}, {EX, Role::Terminal}};
    o.source_transfers = {n.g.transfers()[theft]};
    Result r = trace(n, o);
    ReportContext c;
    c.graph = &n;
    c.labels = &labels;
    // CSV: the last two columns are exit_chain and exit_address.
    std::map<std::string, std::string> exit_by_address;
    std::istringstream csv(report_csv(r, c));
    std::string line;
    std::getline(csv, line);
    while (std::getline(csv, line)) {
        auto first = line.find(','), second = line.find(',', first + 1);
        std::string address = line.substr(first + 1, second - first - 1);
        auto last = line.rfind(','), before = line.rfind(',', last - 1);
        exit_by_address[address] = line.substr(before + 1, last - before - 1) + " " + line.substr(last + 1);
    }
    EXPECT_EQ(exit_by_address.at(addr_of(BR2).checksum()), "BTC bc1qgood");
    EXPECT_EQ(exit_by_address.at(addr_of(BR).checksum()), " ") << "a decoy contract's note names no exit";
    EXPECT_EQ(exit_by_address.at(addr_of(EX).checksum()), " ") << "an exchange is no bridge";
    EXPECT_EQ(exit_by_address.at(addr_of(P).checksum()), " ") << "a plain holding is no freeze point";
}

}  // namespace chainward::trace
