// API keys: random 256-bit keys, of which only the SHA-256 is stored (DATA/api-keys.db).
#include <cryptopp/hex.h>
#include <cryptopp/osrng.h>
#include <cryptopp/sha.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <cmath>
#include <ctime>

#include "api/api.hpp"
#include "core/core.hpp"

namespace chainward::api {

const char* role_name(Role r) {
    switch (r) {
        case Role::Read: return "read";
        case Role::Write: return "write";
        case Role::Admin: return "admin";
    }
    return "read";
}

std::optional<Role> role_from_name(std::string_view s) {
    if (s == "read") return Role::Read;
    if (s == "write") return Role::Write;
    if (s == "admin") return Role::Admin;
    return std::nullopt;
}

std::string key_hash(std::string_view key) {
    CryptoPP::SHA256 h;
    std::uint8_t d[CryptoPP::SHA256::DIGESTSIZE];
    h.CalculateDigest(d, reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
    return to_hex(d).substr(2);
}

struct KeyStore::Impl {
    SQLite::Database db;
    explicit Impl(const std::filesystem::path& p) : db(p.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
        db.exec("PRAGMA journal_mode=WAL");
        db.exec("PRAGMA busy_timeout=5000");
        db.exec(
            "CREATE TABLE IF NOT EXISTS keys (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, "
            "rate_limit REAL NOT NULL, hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created INTEGER NOT NULL, "
            "revoked INTEGER)");
    }
    static KeyInfo row(SQLite::Statement& q) {
        KeyInfo k;
        k.id = q.getColumn(0).getInt64();
        k.name = q.getColumn(1).getString();
        k.role = role_from_name(q.getColumn(2).getString()).value_or(Role::Read);
        k.rate_limit = q.getColumn(3).getDouble();
        k.prefix = q.getColumn(4).getString();
        k.created = q.getColumn(5).getInt64();
        if (!q.getColumn(6).isNull()) k.revoked = q.getColumn(6).getInt64();
        return k;
    }
};

static constexpr const char* kCols = "id, name, role, rate_limit, prefix, created, revoked";

KeyStore::KeyStore(std::unique_ptr<Impl> m) : m_(std::move(m)) {}
KeyStore::~KeyStore() = default;

std::unique_ptr<KeyStore> KeyStore::open(const std::filesystem::path& data_dir) {
    try {
        std::filesystem::create_directories(data_dir);
        return std::unique_ptr<KeyStore>(new KeyStore(std::make_unique<Impl>(data_dir / "api-keys.db")));
    } catch (const SQLite::Exception& e) {
        throw StoreError(fmt::format("{}: {}", (data_dir / "api-keys.db").string(), e.what()));
    }
}

std::pair<KeyInfo, std::string> KeyStore::create(const std::string& name, Role role, double rate_limit) {
    if (name.empty() || name.size() > 64)
        throw InputError("--name: want 1 to 64 characters");
    for (unsigned char c : name)
        if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '@'))
            throw InputError(fmt::format("--name \"{}\": only letters, digits and - _ . @", name));
    if (!(rate_limit >= 0) || !std::isfinite(rate_limit))
        throw InputError("--rate-limit: want requests per second >= 0");
    for (const auto& k : list())
        if (k.name == name && !k.revoked)
            throw InputError(fmt::format("--name {}: a key of that name exists (revoke it first)", name));
    std::uint8_t raw[32];
    CryptoPP::AutoSeededRandomPool rng;
    rng.GenerateBlock(raw, sizeof raw);
    const std::string key = "cwk_" + to_hex(raw).substr(2);
    try {
        SQLite::Statement q(m_->db,
                            "INSERT INTO keys (name, role, rate_limit, hash, prefix, created) VALUES (?, ?, ?, ?, ?, ?)");
        q.bind(1, name);
        q.bind(2, role_name(role));
        q.bind(3, rate_limit);
        q.bind(4, key_hash(key));
        q.bind(5, key.substr(0, 10));
        q.bind(6, static_cast<std::int64_t>(std::time(nullptr)));
        q.exec();
        KeyInfo k{m_->db.getLastInsertRowid(), name, role, rate_limit, static_cast<std::int64_t>(std::time(nullptr)),
                  std::nullopt, key.substr(0, 10)};
        return {k, key};
    } catch (const SQLite::Exception& e) {
        throw StoreError(fmt::format("api-keys.db: {}", e.what()));
    }
}

std::vector<KeyInfo> KeyStore::list() {
    std::vector<KeyInfo> out;
    SQLite::Statement q(m_->db, fmt::format("SELECT {} FROM keys ORDER BY id", kCols));
    while (q.executeStep()) out.push_back(Impl::row(q));
    return out;
}

bool KeyStore::revoke(const std::string& name_or_id) {
    SQLite::Statement q(m_->db,
                        "UPDATE keys SET revoked = ? WHERE revoked IS NULL AND (name = ? OR CAST(id AS TEXT) = ?)");
    q.bind(1, static_cast<std::int64_t>(std::time(nullptr)));
    q.bind(2, name_or_id);
    q.bind(3, name_or_id);
    return q.exec() > 0;
}

std::optional<KeyInfo> KeyStore::find(std::string_view key) {
    SQLite::Statement q(m_->db, fmt::format("SELECT {} FROM keys WHERE hash = ?", kCols));
    q.bind(1, key_hash(key));
    if (!q.executeStep()) return std::nullopt;
    return Impl::row(q);
}

std::uint64_t KeyStore::version() {
    // PRAGMA data_version moves when another connection commits; our own changes are counted too.
    SQLite::Statement q(m_->db, "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(revoked IS NOT NULL), 0) FROM keys");
    q.executeStep();
    return static_cast<std::uint64_t>(q.getColumn(1).getInt64()) * 1000003u +
           static_cast<std::uint64_t>(q.getColumn(2).getInt64());
}

}  // namespace chainward::api
