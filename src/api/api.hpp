// chainward api: the screening service (`chainward serve`), an HTTP/1.1 JSON server over the store,
// labels, exposure, transfers and alerts of one data dir, and its API keys. Public header of
// src/api. Routes, errors and limits: docs/api.md; the contract: docs/api.yaml (OpenAPI 3.1).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chainward::api {

// ---- API keys ------------------------------------------------------------------------------

/// What a key may do: read (GET), write (+ register transfers, withdrawal checks, traces, alert
/// changes), admin (+ labels).
enum class Role : std::uint8_t { Read = 0, Write = 1, Admin = 2 };
const char* role_name(Role r);
std::optional<Role> role_from_name(std::string_view s);

struct KeyInfo {
    std::int64_t id = 0;
    std::string name;
    Role role = Role::Read;
    double rate_limit = 0;  ///< requests per second (token bucket, burst = one second's worth); 0 = none
    std::int64_t created = 0;               ///< unix seconds
    std::optional<std::int64_t> revoked;    ///< unix seconds
    std::string prefix;                     ///< first characters of the key (to tell keys apart)
};

/// Keys of a data dir (`DATA/api-keys.db`, SQLite). Only a key's SHA-256 is stored; the key itself
/// is shown once, by create(). One connection; not thread-safe.
class KeyStore {
  public:
    static std::unique_ptr<KeyStore> open(const std::filesystem::path& data_dir);
    ~KeyStore();
    /// A new random key (256 bits, "cwk_" + 64 hex digits). Names are unique among keys not revoked.
    /// Throws InputError for a bad name or rate.
    std::pair<KeyInfo, std::string> create(const std::string& name, Role role, double rate_limit);
    std::vector<KeyInfo> list();
    /// Revokes the key with this name (or numeric id); false if there is none to revoke.
    bool revoke(const std::string& name_or_id);
    /// The key's record if it exists (revoked ones included: the caller refuses them).
    std::optional<KeyInfo> find(std::string_view key);
    /// Changes when a key is created or revoked (a reader reloads what it caches).
    std::uint64_t version();

    struct Impl;

  private:
    explicit KeyStore(std::unique_ptr<Impl> m);
    std::unique_ptr<Impl> m_;
};

/// SHA-256 of a key as lowercase hex (what the key store keeps).
std::string key_hash(std::string_view key);

// ---- the server ----------------------------------------------------------------------------

struct ServerOptions {
    std::filesystem::path data_dir;
    std::string listen = "127.0.0.1:8080";  ///< HOST:PORT; port 0 picks a free one
    std::string policy;                      ///< policy.toml; empty: DATA/policy.toml if present, else defaults
    std::filesystem::path web_dir;           ///< static files served under / (the web view); empty: none
    /// I/O threads; 0: half the cores, at least one (leaves cores to long requests, the
    /// refresher and a proxy; on 2 cores one I/O thread had the lower tail: docs/benchmarks.md)
    unsigned threads = 0;
    std::size_t body_limit = 64 * 1024;      ///< larger bodies: 413
    std::size_t header_limit = 8 * 1024;     ///< larger request heads: 431
    std::size_t max_connections = 1024;      ///< connections beyond this are closed at once
    std::chrono::seconds request_timeout{10};  ///< a request must arrive whole within this (slow clients)
    std::chrono::seconds idle_timeout{60};     ///< keep-alive connections idle longer are closed
    std::chrono::milliseconds refresh_interval{250};  ///< how often store, labels, exposure are checked
};

/// Runs the server until stop() (or SIGINT/SIGTERM through run_until_signal). Thread-safe stop().
class Server {
  public:
    explicit Server(ServerOptions opt);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    /// The bound port (after construction; the listen socket is open).
    std::uint16_t port() const;
    /// Serves on the calling thread (plus opt.threads - 1 more) until stop().
    void run();
    void stop();
    struct Impl;

  private:
    std::unique_ptr<Impl> m_;
};

/// `chainward serve`: runs a Server, printing "listening on HOST:PORT" once bound, until SIGINT
/// or SIGTERM.
void serve_until_signal(const ServerOptions& opt);

}  // namespace chainward::api
