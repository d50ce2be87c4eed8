// Internal to src/api: the HTTP transport (Boost.Beast) and what it hands to the routes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/api.hpp"

namespace chainward::api {

struct HttpRequest {
    std::string method;  ///< "GET", "POST", …
    std::string path;    ///< the target before '?', not decoded
    std::string query;   ///< after '?', not decoded
    std::string authorization;
    std::string body;
};

/// A server-sent event source: poll() returns the text of the events that arrived since the last
/// call ("" when none); the transport writes it and adds a comment line now and then.
struct EventStream {
    virtual ~EventStream() = default;
    virtual std::string poll() = 0;
};

struct HttpResponse {
    unsigned status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::shared_ptr<EventStream> stream;  ///< set: the response is an event stream
};

/// What the transport calls. handle() may run on any thread; `blocking` requests (long work:
/// traces, label writes) are run on a separate pool so they never hold up the I/O threads.
struct Handler {
    virtual ~Handler() = default;
    virtual bool blocking(const HttpRequest& r) const = 0;
    virtual HttpResponse handle(const HttpRequest& r) = 0;
    /// A request refused by the transport itself (413, 431, 400): counted by the metrics.
    virtual void refused(unsigned status) = 0;
};

/// The listening server: I/O threads, connection limits, timeouts.
class HttpServer {
  public:
    HttpServer(const ServerOptions& opt, Handler& h);
    ~HttpServer();
    std::uint16_t port() const;
    void run();  ///< on this thread and opt.threads - 1 more, until stop()
    void stop();
    std::size_t connections() const;

    struct Impl;

  private:
    std::shared_ptr<Impl> m_;
};

}  // namespace chainward::api
