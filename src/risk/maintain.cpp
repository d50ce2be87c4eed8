// Keeping a data dir's stored exposure up to date: reading the labels (a file or the label
// store), noticing when they changed, and applying new blocks. Shared by `chainward exposure`,
// `ingest` and `serve`, which may run at the same time on one data dir: an update holds an
// exclusive lock on exposure/LOCK, so two processes never write a generation at once.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

#include "risk/risk.hpp"
#include "trace/trace.hpp"

namespace chainward::risk {
namespace {

LabelInput read_file_labels(const std::string& path, const store::TransferStore& st) {
    label::ImportOptions io;
    auto batch = label::read_file(path, io);
    for (auto& r : batch.records)
        if (r.source.empty()) r.source = std::filesystem::path(path).filename().string();
    bool pending = false;
    LabelInput in{facts_from_records(batch.records, st, "eth", &pending), "file:" + path};
    if (pending) in.origin += " pending";
    return in;
}

LabelInput read_db_labels(const std::string& where, const store::TransferStore& st) {
    auto db = label::LabelStore::open(where);
    bool pending = false;
    const auto version = db->version();
    LabelInput in{facts_from_records(db->list(), st, "eth", &pending),
                  fmt::format("db:{}#{}", where, version)};
    if (pending) in.origin += " pending";
    return in;
}

/// flock(2) on exposure/LOCK, released on destruction.
class UpdateLock {
  public:
    explicit UpdateLock(const std::filesystem::path& dir) {
        std::filesystem::create_directories(dir);
        fd_ = ::open((dir / "LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) throw StoreError("exposure: cannot open " + (dir / "LOCK").string());
        while (::flock(fd_, LOCK_EX) != 0)
            if (errno != EINTR) throw StoreError("exposure: cannot lock " + (dir / "LOCK").string());
    }
    ~UpdateLock() { ::close(fd_); }
    UpdateLock(const UpdateLock&) = delete;
    UpdateLock& operator=(const UpdateLock&) = delete;

  private:
    int fd_ = -1;
};

}  // namespace

std::optional<LabelInput> read_labels(const std::string& file, const std::string& labels_db,
                                      const std::filesystem::path& data_dir,
                                      const store::TransferStore& st) {
    if (!file.empty()) return read_file_labels(file, st);
    std::string where = labels_db;
    if (where.empty()) {
        const auto def = label::LabelStore::default_path(data_dir);
        if (!std::filesystem::exists(def)) return std::nullopt;
        where = def.string();
    }
    return read_db_labels(where, st);
}

std::optional<LabelInput> refresh_labels(const std::string& origin, const store::TransferStore& st) {
    const bool pending = origin.ends_with(" pending");
    const std::string o = pending ? origin.substr(0, origin.size() - 8) : origin;
    if (o.starts_with("file:")) return pending ? std::optional(read_file_labels(o.substr(5), st)) : std::nullopt;
    if (!o.starts_with("db:")) return std::nullopt;
    const auto hash = o.rfind('#');
    const std::string where = o.substr(3, hash - 3);
    if (!std::filesystem::exists(where) && !where.starts_with("postgres")) return std::nullopt;
    if (!pending && fmt::format("{}", label::LabelStore::open(where)->version()) == o.substr(hash + 1))
        return std::nullopt;
    return read_db_labels(where, st);
}

std::unique_ptr<Engine> update_stored(const store::TransferStore& st, const std::filesystem::path& data_dir,
                                      const UpdateRequest& req, double* seconds) {
    const auto t0 = std::chrono::steady_clock::now();
    trace::StoreGraph g(st);
    const auto chain = store_chain(st, g);
    const auto dir = exposure_dir(data_dir);
    if (!req.create && !std::filesystem::exists(dir / "CURRENT")) return nullptr;
    UpdateLock lock(dir);
    auto e = Engine::load(chain, dir);
    if (!e && !req.create) return nullptr;
    std::vector<LabelFact> facts;
    if (e && req.hops && *req.hops != e->hops()) {  // another hop limit: start again with the same labels
        facts = e->labels();
        e.reset();
    }
    const std::string origin = e ? e->label_origin() : "";
    // Without a label file or store given, an existing state keeps its own label origin (read
    // again if it changed); only a fresh one falls back to the data dir's label store.
    const bool given = !req.labels_file.empty() || !req.labels_db.empty();
    auto labels = given || !e || origin.empty() ? read_labels(req.labels_file, req.labels_db, data_dir, st)
                                                : refresh_labels(origin, st);
    bool rebuild = req.rebuild;
    if (!e) {
        if (!labels && facts.empty())
            throw InputError("no labels: give --labels FILE or --labels-db URL, or import labels into " +
                             label::LabelStore::default_path(data_dir).string());
        e = std::make_unique<Engine>(chain, Options{req.hops.value_or(4), {}});
        e->set_labels(std::move(facts));
        rebuild = false;  // a fresh engine applies everything anyway
    }
    const bool label_change = labels.has_value();
    if (rebuild) {
        if (labels) e->set_labels(std::move(labels->facts));
        e->rebuild();
    } else {
        e->advance();  // new blocks first: label validity times convert against the newest block
        if (labels) e->set_labels(std::move(labels->facts));
    }
    if (labels) e->set_label_origin(labels->origin);
    else if (!origin.empty()) e->set_label_origin(origin);
    if (!req.save_unchanged && !rebuild && !label_change && e->stats().transfers == 0 && !e->stats().rebuilt &&
        !e->stats().colours_added && !e->stats().colours_removed) {
        if (seconds) *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return e;  // nothing new: no generation written
    }
    e->save(dir);
    if (seconds) *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return e;
}

}  // namespace chainward::risk
