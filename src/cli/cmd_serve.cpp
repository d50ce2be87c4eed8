// serve: the screening service over HTTP (docs/api.md); keys: its API keys.
#include <fmt/format.h>

#include <ctime>

#include "api/api.hpp"
#include "cli/commands.hpp"
#include "core/core.hpp"

namespace chainward::cli {
namespace {

std::string utc(std::int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

void add_serve_command(CLI::App& app) {
    auto o = std::make_shared<api::ServerOptions>();
    auto dir = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("serve",
                                   "HTTP/1.1 JSON screening service over the data dir: addresses, transfers, alerts, traces, "
                                   "labels (docs/api.md)");
    add_data_dir_option(*cmd, *dir);
    cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any free port)");
    cmd->add_option("--threads", o->threads, "I/O threads (default: half the cores, at least one)")->check(CLI::Range(1, 64));
    cmd->add_option("--body-limit", o->body_limit, "largest request body in bytes (default 65536)")->check(CLI::Range(1, 64 << 20));
    cmd->add_option("--max-connections", o->max_connections, "open connections at most (default 1024)")->check(CLI::Range(1, 1 << 20));
    cmd->add_option("--web", o->web_dir, "directory of static files served under / (the web view; index.html for /)")
        ->check(CLI::ExistingDirectory);
    auto timeout = std::make_shared<unsigned>(10);
    cmd->add_option("--request-timeout", *timeout, "seconds a request may take to arrive and its answer to be taken (default 10)")
        ->check(CLI::Range(1, 3600));
    cmd->callback([o, dir, timeout] {
        o->request_timeout = std::chrono::seconds(*timeout);
        o->data_dir = *dir;
        api::serve_until_signal(*o);
    });

    auto* keys = app.add_subcommand("keys", "API keys of `chainward serve`: create, list, revoke (docs/api.md)");
    keys->require_subcommand(1);
    struct CreateArgs {
        std::string dir, name, role = "read";
        double rate = 0;
    };
    auto c = std::make_shared<CreateArgs>();
    auto* create = keys->add_subcommand("create", "Create a key; the key is printed once, on the last line (only its hash is kept)");
    add_data_dir_option(*create, c->dir);
    create->add_option("--name", c->name, "who or what uses the key (recorded with alert changes)")->required();
    create->add_option("--role", c->role, "read (GET), write (+ transfers, traces, alert changes) or admin (+ labels)");
    create->add_option("--rate-limit", c->rate, "requests per second allowed (token bucket; default 0 = unlimited)");
    create->callback([c] {
        auto role = api::role_from_name(c->role);
        if (!role) throw InputError(fmt::format("--role \"{}\": want read, write or admin", c->role));
        auto [info, key] = api::KeyStore::open(c->dir)->create(c->name, *role, c->rate);
        fmt::print("created key {} (id {}, role {}, rate limit {})\n", info.name, info.id, api::role_name(info.role),
                   info.rate_limit > 0 ? fmt::format("{}/s", info.rate_limit) : std::string("none"));
        fmt::print("{}\n", key);
    });
    auto ldir = std::make_shared<std::string>();
    auto* list = keys->add_subcommand("list", "List keys (never the keys themselves)");
    add_data_dir_option(*list, *ldir);
    list->callback([ldir] {
        fmt::print("{:>4}  {:<24} {:<6} {:>10}  {:<12} {:<20} {}\n", "id", "name", "role", "rate/s", "prefix", "created", "revoked");
        for (const auto& k : api::KeyStore::open(*ldir)->list())
            fmt::print("{:>4}  {:<24} {:<6} {:>10}  {:<12} {:<20} {}\n", k.id, k.name, api::role_name(k.role),
                       k.rate_limit > 0 ? fmt::format("{}", k.rate_limit) : "-", k.prefix, utc(k.created),
                       k.revoked ? utc(*k.revoked) : "");
    });
    struct RevokeArgs {
        std::string dir, which;
    };
    auto r = std::make_shared<RevokeArgs>();
    auto* revoke = keys->add_subcommand("revoke", "Revoke a key by name or id (the server refuses it within a second)");
    add_data_dir_option(*revoke, r->dir);
    revoke->add_option("KEY", r->which, "name or id of the key")->required();
    revoke->callback([r] {
        if (!api::KeyStore::open(r->dir)->revoke(r->which))
            throw InputError(fmt::format("keys revoke {}: no such key that is not revoked", r->which));
        fmt::print("revoked {}\n", r->which);
    });
}

}  // namespace chainward::cli
