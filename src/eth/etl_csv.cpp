// blockchain-etl CSV tables -> BlockData pieces for the BlockAssembler. The column names are
// those ethereum-etl writes (see docs/formats/etl-csv.md); order and extra columns do not matter.
#include "eth/etl_csv.hpp"

#include <simdjson.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "eth/csv.hpp"

namespace chainward::eth {
namespace fs = std::filesystem;

namespace {

const char* const kTables[] = {"blocks", "transactions", "receipts", "logs", "token_transfers", "traces"};

std::vector<fs::path>* table_of(EtlFiles& f, std::string_view t) {
    if (t == "blocks") return &f.blocks;
    if (t == "transactions") return &f.transactions;
    if (t == "receipts") return &f.receipts;
    if (t == "logs") return &f.logs;
    if (t == "token_transfers") return &f.token_transfers;
    if (t == "traces") return &f.traces;
    return nullptr;
}

/// The table a file name belongs to, and its partition key (the rest of the stem).
std::optional<std::pair<std::string, std::string>> classify(const fs::path& p) {
    if (p.extension() != ".csv") return std::nullopt;
    std::string stem = p.stem().string();
    if (stem.starts_with("expected_")) stem.erase(0, 9);
    for (const char* t : kTables) {
        std::string_view tv(t);
        if (stem == tv) return std::pair{std::string(t), std::string()};
        if (stem.size() > tv.size() && stem.starts_with(tv) && stem[tv.size()] == '_')
            return std::pair{std::string(t), stem.substr(tv.size())};
    }
    return std::nullopt;
}

std::string key_of(const fs::path& p) { return classify(p)->second; }

/// Typed access to the current record of a CsvFile; every conversion error names the column.
class Rows {
public:
    explicit Rows(const fs::path& p) : f_(p) {}
    CsvFile& csv() { return f_; }
    bool empty() const { return f_.empty(); }
    std::size_t req(const char* c) { return f_.require(c); }
    std::optional<std::size_t> opt(const char* c) { return f_.column(c); }
    bool next() { return f_.next(); }
    std::string_view str(std::size_t c) { return f_.field(c); }
    bool blank(std::optional<std::size_t> c) { return !c || f_.field(*c).empty(); }

    template <class F>
    auto conv(std::size_t c, F fn) {
        std::string_view s = f_.field(c);
        if (s.empty()) f_.fail(c, "empty value");
        try {
            return fn(s);
        } catch (const std::invalid_argument& e) {
            f_.fail(c, e.what());
        }
    }
    std::uint64_t u64(std::size_t c) { return conv(c, parse_u64); }
    U256 u256(std::size_t c) { return conv(c, parse_u256); }
    Address address(std::size_t c) { return conv(c, parse_address); }
    Hash32 hash(std::size_t c) { return conv(c, parse_hash); }
    std::vector<std::uint8_t> bytes(std::size_t c) { return conv(c, parse_hex_bytes); }
    std::optional<Address> opt_address(std::optional<std::size_t> c) {
        if (blank(c)) return std::nullopt;
        return address(*c);
    }
    std::optional<U256> opt_u256(std::optional<std::size_t> c) {
        if (blank(c)) return std::nullopt;
        return u256(*c);
    }
    std::uint32_t u32(std::size_t c) {
        std::uint64_t v = u64(c);
        if (v > 0xFFFFFFFEu) f_.fail(c, "value too large");
        return static_cast<std::uint32_t>(v);
    }
    [[noreturn]] void fail(std::size_t c, const std::string& why) { f_.fail(c, why); }
    [[noreturn]] void fail_record(const std::string& why) { f_.fail_record(why); }
    SourceRef ref() const { return {f_.name(), f_.line()}; }
    std::string where() const { return f_.name() + ": line " + std::to_string(f_.line()); }

private:
    CsvFile f_;
};

Hash32 empty_uncles_hash() {
    static const Hash32 h = parse_hash("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
    return h;
}

Hash32 word_of(const U256& v) {
    Hash32 w;
    for (int i = 0; i < 32; ++i) w.b[31 - i] = static_cast<std::uint8_t>((v >> (8 * i)) & 0xff);
    return w;
}
Hash32 word_of(const Address& a) {
    Hash32 w;
    std::copy(a.b.begin(), a.b.end(), w.b.begin() + 12);
    return w;
}

/// Withdrawals: {"index":…,"validator_index":…,"address":…,"amount":<gwei>} objects.
std::vector<WithdrawalData> parse_withdrawals(Rows& r, std::size_t c, simdjson::dom::parser& parser) {
    std::vector<WithdrawalData> out;
    std::string_view s = r.str(c);
    if (s.empty()) return out;
    // ethereum-etl joins the objects with commas ({…},{…}); a JSON list is accepted too.
    std::string text = s.front() == '[' ? std::string(s) : "[" + std::string(s) + "]";
    simdjson::dom::element doc;
    if (parser.parse(simdjson::padded_string(text)).get(doc)) r.fail(c, "malformed JSON");
    simdjson::dom::array a;
    if (doc.get(a)) r.fail(c, "expected a JSON list");
    auto num = [&](simdjson::dom::element e, const char* k) -> std::uint64_t {
        simdjson::dom::element v;
        if (e[k].get(v)) r.fail(c, std::string("withdrawal without ") + k);
        std::uint64_t n;
        if (v.get(n) == simdjson::SUCCESS) return n;
        std::string_view sv;
        if (v.get(sv) == simdjson::SUCCESS) try {
                return parse_u64(sv);
            } catch (const std::invalid_argument& ex) {
                r.fail(c, std::string(k) + ": " + ex.what());
            }
        r.fail(c, std::string(k) + ": expected a number");
    };
    for (simdjson::dom::element e : a) {
        std::string_view addr;
        if (e["address"].get(addr)) r.fail(c, "withdrawal without address");
        WithdrawalData w;
        w.index = num(e, "index");
        try {
            w.address = parse_address(addr);
        } catch (const std::invalid_argument& ex) {
            r.fail(c, std::string("address: ") + ex.what());
        }
        w.amount_gwei = num(e, "amount");
        out.push_back(w);
    }
    return out;
}

FrameType call_type(Rows& r, std::size_t c) {
    std::string_view s = r.str(c);
    if (s == "call") return FrameType::Call;
    if (s == "callcode") return FrameType::CallCode;
    if (s == "delegatecall") return FrameType::DelegateCall;
    if (s == "staticcall") return FrameType::StaticCall;
    r.fail(c, "unknown call_type");
}

struct PendingBlock {
    BlockData block;
    SourceRef src;
    std::optional<std::uint64_t> tx_count;
    bool has_uncles = false;
    std::vector<std::pair<std::uint32_t, SourceRef>> tx_lines;
};

struct TraceRow {
    std::uint32_t tx_index = 0;
    std::vector<std::uint32_t> address;
    CallFrame frame;
    std::optional<Hash32> tx_hash;
    SourceRef src;
};

class GroupReader {
public:
    GroupReader(ResponseSink& sink, EtlReport& rep) : sink_(sink), rep_(rep) {}

    void blocks(const fs::path& p) {
        Rows r(p);
        if (r.empty()) return;
        auto number = r.req("number"), hash = r.req("hash"), parent = r.req("parent_hash"), miner = r.req("miner"),
             ts = r.req("timestamp");
        auto base_fee = r.opt("base_fee_per_gas"), withdrawals = r.opt("withdrawals"),
             count = r.opt("transaction_count"), uncles = r.opt("sha3_uncles");
        while (r.next()) {
            PendingBlock pb;
            BlockData& b = pb.block;
            b.number = r.u64(number);
            b.hash = r.hash(hash);
            b.parent_hash = r.hash(parent);
            b.miner = r.address(miner);
            b.timestamp = r.u64(ts);
            b.base_fee = r.opt_u256(base_fee);
            if (withdrawals) b.withdrawals = parse_withdrawals(r, *withdrawals, json_);
            if (!r.blank(count)) pb.tx_count = r.u64(*count);
            if (!r.blank(uncles)) pb.has_uncles = r.hash(*uncles) != empty_uncles_hash();
            b.source = r.where();
            pb.src = r.ref();
            if (blocks_.count(b.number)) r.fail(number, "block appears twice");
            blocks_.emplace(b.number, std::move(pb));
        }
    }

    void transactions(const fs::path& p) {
        Rows r(p);
        if (r.empty()) return;
        auto hash = r.req("hash"), number = r.req("block_number"), index = r.req("transaction_index"),
             from = r.req("from_address"), to = r.req("to_address"), value = r.req("value");
        auto gas_price = r.opt("gas_price"), block_hash = r.opt("block_hash");
        while (r.next()) {
            std::uint64_t n = r.u64(number);
            auto it = blocks_.find(n);
            if (it == blocks_.end()) r.fail(number, "transaction of a block that is not in the blocks table");
            if (!r.blank(block_hash) && r.hash(*block_hash) != it->second.block.hash)
                r.fail(*block_hash, "differs from the hash of block " + std::to_string(n) + " in the blocks table");
            TxData tx;
            tx.hash = r.hash(hash);
            tx.index = r.u32(index);
            tx.from = r.address(from);
            tx.to = r.opt_address(to);
            tx.value = r.u256(value);
            tx.gas_price = r.opt_u256(gas_price);
            it->second.block.txs.push_back(tx);
            it->second.tx_lines.emplace_back(tx.index, r.ref());
            rep_.txs++;
        }
    }

    void receipts(const fs::path& p) {
        Rows r(p);
        if (r.empty()) return;
        auto hash = r.req("transaction_hash"), index = r.req("transaction_index"), bhash = r.req("block_hash"),
             number = r.req("block_number"), gas_used = r.req("gas_used");
        auto contract = r.opt("contract_address"), status = r.opt("status"), price = r.opt("effective_gas_price"),
             blob_used = r.opt("blob_gas_used"), blob_price = r.opt("blob_gas_price");
        while (r.next()) {
            ReceiptData rc;
            rc.tx_hash = r.hash(hash);
            rc.tx_index = r.u32(index);
            rc.block_hash = r.hash(bhash);
            rc.block_number = r.u64(number);
            rc.gas_used = r.u64(gas_used);
            rc.contract_address = r.opt_address(contract);
            rc.effective_gas_price = r.opt_u256(price);
            if (blob_used && !r.blank(blob_used)) rc.blob_gas_used = r.u64(*blob_used);
            rc.blob_gas_price = r.opt_u256(blob_price);
            if (!r.blank(status)) {
                std::uint64_t s = r.u64(*status);
                if (s > 1) r.fail(*status, "status must be 0 or 1");
                rc.status = static_cast<std::uint8_t>(s);
            }
            if (receipt_of_.count(rc.tx_hash)) r.fail(hash, "a second receipt for this transaction");
            receipt_of_[rc.tx_hash] = receipts_.size();
            receipts_.emplace_back(std::move(rc), r.ref());
            rep_.receipts++;
        }
    }

    ReceiptData& receipt_for(Rows& r, std::size_t col, const Hash32& tx) {
        auto it = receipt_of_.find(tx);
        if (it == receipt_of_.end()) r.fail(col, "no receipt for this transaction in the receipts table");
        return receipts_[it->second].first;
    }

    void logs(const fs::path& p) {
        Rows r(p);
        if (r.empty()) return;
        auto index = r.req("log_index"), tx = r.req("transaction_hash"), address = r.req("address"),
             data = r.req("data"), topics = r.req("topics");
        while (r.next()) {
            LogData l;
            l.log_index = r.u32(index);
            l.address = r.address(address);
            l.data = r.str(data).empty() ? std::vector<std::uint8_t>{} : r.bytes(data);
            std::string_view ts = r.str(topics);
            while (!ts.empty()) {  // "t0,t1,…" in one field
                std::size_t comma = ts.find(',');
                std::string_view t = ts.substr(0, comma);
                try {
                    l.topics.push_back(parse_hash(t));
                } catch (const std::invalid_argument& e) {
                    r.fail(topics, "topic " + std::to_string(l.topics.size()) + ": " + e.what());
                }
                ts = comma == std::string_view::npos ? std::string_view{} : ts.substr(comma + 1);
            }
            receipt_for(r, tx, r.hash(tx)).logs.push_back(std::move(l));
            rep_.logs++;
        }
    }

    void token_transfers(const fs::path& p) {
        static const Hash32 transfer = keccak256("Transfer(address,address,uint256)");
        Rows r(p);
        if (r.empty()) return;
        auto token = r.req("token_address"), from = r.req("from_address"), to = r.req("to_address"),
             value = r.req("value"), tx = r.req("transaction_hash"), index = r.req("log_index");
        while (r.next()) {
            LogData l;
            l.address = r.address(token);
            l.topics = {transfer, word_of(r.address(from)), word_of(r.address(to))};
            Hash32 v = word_of(r.u256(value));
            l.data.assign(v.b.begin(), v.b.end());
            l.log_index = r.u32(index);
            receipt_for(r, tx, r.hash(tx)).logs.push_back(std::move(l));
            rep_.token_transfers++;
        }
    }

    void traces(const fs::path& p) {
        Rows r(p);
        if (r.empty()) return;
        auto number = r.req("block_number"), type = r.req("trace_type"), from = r.req("from_address"),
             to = r.req("to_address"), value = r.req("value"), addr = r.req("trace_address"), error = r.req("error");
        auto tx_index = r.opt("transaction_index"), tx_hash = r.opt("transaction_hash"), ctype = r.opt("call_type"),
             rtype = r.opt("reward_type");
        while (r.next()) {
            rep_.trace_rows++;
            std::uint64_t n = r.u64(number);
            auto& bt = traces_[n];
            bt.block_number = n;
            std::string_view t = r.str(type);
            U256 v = r.str(value).empty() ? U256(0) : r.u256(value);
            if (t == "reward") {
                bt.rewards.push_back({r.address(to), v, rtype ? std::string(r.str(*rtype)) : std::string()});
                continue;
            }
            if (t == "genesis" || t == "daofork") {
                rep_.skipped_trace_rows++;
                continue;
            }
            TraceRow row;
            row.src = r.ref();
            CallFrame& c = row.frame;
            c.error = !r.str(error).empty();
            c.value = v;
            c.to = r.opt_address(to);
            if (t == "call") {
                if (!ctype) r.fail_record("column call_type: missing from the header");
                c.type = call_type(r, *ctype);
                c.from = r.address(from);
            } else if (t == "create") {
                c.type = FrameType::Create;
                c.from = r.address(from);
            } else if (t == "suicide" || t == "selfdestruct") {
                c.type = FrameType::SelfDestruct;
                c.from = r.address(from);
            } else {
                r.fail(type, "unknown trace_type");
            }
            if (!tx_index) r.fail_record("column transaction_index: missing from the header");
            row.tx_index = r.u32(*tx_index);
            if (!r.blank(tx_hash)) row.tx_hash = r.hash(*tx_hash);
            std::string_view a = r.str(addr);
            while (!a.empty()) {  // "0,1,…": the frame's path under its transaction
                std::size_t comma = a.find(',');
                std::string_view part = a.substr(0, comma);
                std::uint64_t k;
                try {
                    k = parse_u64(part);
                } catch (const std::invalid_argument& e) {
                    r.fail(addr, e.what());
                }
                if (k > 0xFFFFFFFEu) r.fail(addr, "value too large");
                row.address.push_back(static_cast<std::uint32_t>(k));
                a = comma == std::string_view::npos ? std::string_view{} : a.substr(comma + 1);
            }
            trace_rows_[n].push_back(std::move(row));
        }
    }

    /// Joins the tables and hands the group's blocks to the sink.
    void emit() {
        // Receipts go out per block after their block, so the assembler's checks name both.
        std::map<std::uint64_t, std::vector<std::size_t>> receipts_by_block;
        for (std::size_t i = 0; i < receipts_.size(); ++i) receipts_by_block[receipts_[i].first.block_number].push_back(i);
        for (auto& [n, pb] : blocks_) {
            BlockData& b = pb.block;
            std::vector<std::size_t> order(b.txs.size());
            for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
            std::sort(order.begin(), order.end(), [&](auto x, auto y) { return b.txs[x].index < b.txs[y].index; });
            std::vector<TxData> txs;
            for (std::size_t k = 0; k < order.size(); ++k) {
                const auto& [idx, src] = pb.tx_lines[order[k]];
                if (idx != k)
                    throw InputError(src.file + ": line " + std::to_string(src.record) + ": column transaction_index: block " +
                                     std::to_string(n) + " has no transaction " + std::to_string(k) +
                                     (k > 0 && idx == k - 1 ? " (this index appears twice)" : ""));
                txs.push_back(b.txs[order[k]]);
            }
            b.txs = std::move(txs);
            if (pb.tx_count && *pb.tx_count != b.txs.size())
                throw InputError(pb.src.file + ": line " + std::to_string(pb.src.record) + ": column transaction_count: block " +
                                 std::to_string(n) + " has " + std::to_string(*pb.tx_count) + " transactions but " +
                                 std::to_string(b.txs.size()) + " are in the transactions table");
            auto tr = traces_.find(n);
            std::optional<ParsedParityTraces> parsed;
            if (tr != traces_.end()) {
                parsed = build_traces(b, tr->second, trace_rows_[n]);
                traces_.erase(tr);
            } else if (pb.has_uncles) {
                rep_.blocks_with_unknown_uncles++;
            }
            SourceRef src = pb.src;
            std::vector<ReceiptData> rs;
            if (auto it = receipts_by_block.find(n); it != receipts_by_block.end()) {
                for (auto i : it->second) {
                    auto& rc = receipts_[i].first;
                    std::sort(rc.logs.begin(), rc.logs.end(), [](auto& x, auto& y) { return x.log_index < y.log_index; });
                    rs.push_back(std::move(rc));
                }
                receipts_by_block.erase(it);
            }
            rep_.blocks++;
            sink_.on_block(std::move(b), src);
            if (!rs.empty()) sink_.on_receipts(std::move(rs), src);
            if (parsed) sink_.on_parity_traces(std::move(*parsed), src);
        }
        // Receipts and traces of blocks outside this group: the assembler reports them (or joins
        // them with a block of a later group).
        for (auto& [n, idx] : receipts_by_block) {
            std::vector<ReceiptData> rs;
            for (auto i : idx) rs.push_back(std::move(receipts_[i].first));
            sink_.on_receipts(std::move(rs), receipts_[idx.front()].second);
        }
        for (auto& [n, t] : traces_) {
            auto rows = std::move(trace_rows_[n]);
            SourceRef src = rows.empty() ? SourceRef{} : rows.front().src;
            throw InputError(src.file + ": traces of block " + std::to_string(n) + ", which is not in the blocks table");
        }
    }

private:
    ParsedParityTraces build_traces(const BlockData& b, ParsedParityTraces& out, std::vector<TraceRow>& rows) {
        // Rows may come in any order (BigQuery exports do not keep it): sort into depth-first
        // order by (transaction_index, trace_address), then rebuild the trees.
        std::stable_sort(rows.begin(), rows.end(), [](const TraceRow& x, const TraceRow& y) {
            if (x.tx_index != y.tx_index) return x.tx_index < y.tx_index;
            return x.address < y.address;
        });
        std::vector<CallFrame*> stack;
        auto bad = [](const TraceRow& row, const std::string& why) {
            throw InputError(row.src.file + ": line " + std::to_string(row.src.record) + ": " + why);
        };
        for (auto& row : rows) {
            if (row.tx_hash && row.tx_index < b.txs.size() && *row.tx_hash != b.txs[row.tx_index].hash)
                bad(row, "column transaction_hash: differs from transaction " + std::to_string(row.tx_index) + " of block " +
                             std::to_string(b.number));
            if (row.address.empty()) {
                if (out.frames.size() != row.tx_index)
                    bad(row, "column transaction_index: block " + std::to_string(b.number) + " has no top-level trace for transaction " +
                                 std::to_string(out.frames.size()));
                out.tx_positions.push_back(row.tx_index);
                out.frames.push_back(std::move(row.frame));
                stack.assign(1, &out.frames.back());
                continue;
            }
            if (stack.empty() || out.tx_positions.back() != row.tx_index || row.address.size() > stack.size())
                bad(row, "column trace_address: a frame without its parent trace");
            stack.resize(row.address.size());
            CallFrame* parent = stack.back();
            if (row.address.back() != parent->calls.size())
                bad(row, "column trace_address: frames missing before this one");
            parent->calls.push_back(std::move(row.frame));
            stack.push_back(&parent->calls.back());
        }
        return std::move(out);
    }

    ResponseSink& sink_;
    EtlReport& rep_;
    simdjson::dom::parser json_;
    std::map<std::uint64_t, PendingBlock> blocks_;
    std::vector<std::pair<ReceiptData, SourceRef>> receipts_;
    std::unordered_map<Hash32, std::size_t> receipt_of_;
    std::map<std::uint64_t, ParsedParityTraces> traces_;
    std::map<std::uint64_t, std::vector<TraceRow>> trace_rows_;
};

}  // namespace

std::vector<fs::path> EtlFiles::all() const {
    std::vector<fs::path> out;
    for (const auto* v : {&blocks, &transactions, &receipts, &logs, &token_transfers, &traces})
        out.insert(out.end(), v->begin(), v->end());
    return out;
}

EtlFiles find_etl_files(const fs::path& dir) {
    if (!fs::is_directory(dir)) throw InputError(dir.string() + ": not a directory");
    EtlFiles f;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        if (auto c = classify(e.path())) table_of(f, c->first)->push_back(e.path());
    }
    for (const char* t : kTables) {
        auto* v = table_of(f, t);
        std::sort(v->begin(), v->end());
    }
    for (const char* t : {"blocks", "transactions", "receipts"})
        if (table_of(f, t)->empty())
            throw InputError((dir / (std::string(t) + ".csv")).string() +
                             ": missing: a blockchain-etl export needs blocks.csv (hash, parent hash, miner), "
                             "transactions.csv and receipts.csv");
    return f;
}

bool looks_like_etl_dir(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return false;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        auto c = classify(e.path());
        if (c && (c->first == "blocks" || c->first == "transactions")) return true;
        if (e.is_directory() && (e.path().filename() == "blocks" || e.path().filename() == "transactions")) return true;
    }
    return false;
}

EtlReport read_etl(const EtlFiles& files, ResponseSink& sink, const std::function<void()>& after_group) {
    EtlReport rep;
    bool use_logs = !files.logs.empty();
    rep.token_transfers_ignored = use_logs && !files.token_transfers.empty();
    rep.logs_from_token_transfers = !use_logs && !files.token_transfers.empty();

    // Partitions of one block range share the key after the table name; when every table's keys
    // are among the blocks' keys, read one range at a time, else everything as one group.
    std::map<std::string, EtlFiles> groups;
    bool aligned = true;
    for (const auto& p : files.blocks) groups[key_of(p)].blocks.push_back(p);
    auto place = [&](const std::vector<fs::path>& v, std::vector<fs::path> EtlFiles::*m) {
        for (const auto& p : v) {
            auto it = groups.find(key_of(p));
            if (it == groups.end()) aligned = false;
            else (it->second.*m).push_back(p);
        }
    };
    place(files.transactions, &EtlFiles::transactions);
    place(files.receipts, &EtlFiles::receipts);
    place(files.logs, &EtlFiles::logs);
    place(files.token_transfers, &EtlFiles::token_transfers);
    place(files.traces, &EtlFiles::traces);
    if (!aligned) {
        groups.clear();
        groups[""] = files;
    }
    for (const auto& [key, g] : groups) {
        GroupReader r(sink, rep);
        for (const auto& p : g.blocks) r.blocks(p);
        for (const auto& p : g.transactions) r.transactions(p);
        for (const auto& p : g.receipts) r.receipts(p);
        if (use_logs)
            for (const auto& p : g.logs) r.logs(p);
        else
            for (const auto& p : g.token_transfers) r.token_transfers(p);
        for (const auto& p : g.traces) r.traces(p);
        r.emit();
        if (after_group) after_group();
    }
    return rep;
}

}  // namespace chainward::eth
