// Server: the service behind the HTTP transport; `chainward serve` runs it until a signal.
#include <csignal>

#include <fmt/format.h>

#include "api/http.hpp"
#include "api/service.hpp"

namespace chainward::api {

struct Server::Impl {
    Service service;
    HttpServer http;
    explicit Impl(const ServerOptions& o) : service(o), http(o, service) {}
};

Server::Server(ServerOptions opt) : m_(std::make_unique<Impl>(opt)) {}
Server::~Server() { stop(); }
std::uint16_t Server::port() const { return m_->http.port(); }

void Server::run() {
    m_->service.start_refresher();
    m_->http.run();
    m_->service.stop_refresher();
}

void Server::stop() { m_->http.stop(); }

void serve_until_signal(const ServerOptions& opt) {
    // Signals are taken by a thread of their own (sigwait), so no handler runs inside the server.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    Server srv(opt);
    const auto colon = opt.listen.rfind(':');
    fmt::print("listening on {}:{}\n", opt.listen.substr(0, colon), srv.port());
    std::fflush(stdout);
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&set, &sig);
        srv.stop();
    });
    srv.run();
    // run() returned: after a signal the waiter is done; otherwise wake it
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
}

}  // namespace chainward::api
