// The HTTP transport: Boost.Beast, asynchronous, on a few I/O threads (chosen over cpp-httplib's
// thread per connection by a measurement: docs/benchmarks.md, "Service: HTTP library").
// Limits enforced here: request head size (431), body size (413), connection count (503 and
// close), and time: a request must arrive whole within request_timeout and a response must be
// taken within it too, so slow clients cannot hold connections.
#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility> (C++20)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>

#include <optional>
#include <thread>

#include "api/http.hpp"
#include "api/json.hpp"
#include "core/core.hpp"

namespace chainward::api {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// One io_context per I/O thread, each run by its thread alone (no locking inside Asio's scheduler
// for its own work); the acceptor hands connections round robin. Measured: a shared io_context run
// by two threads spent ~15% of its time in futex wake-ups.
struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
    ServerOptions opt;
    Handler& handler;
    std::vector<std::unique_ptr<asio::io_context>> ios;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    std::optional<tcp::acceptor> acceptor;
    asio::thread_pool blocking{2};
    std::atomic<std::size_t> conns{0};
    std::size_t next = 0;

    static std::vector<std::unique_ptr<asio::io_context>> make(unsigned n) {
        std::vector<std::unique_ptr<asio::io_context>> v;
        for (unsigned i = 0; i < std::max(1u, n); ++i) v.push_back(std::make_unique<asio::io_context>(1));
        return v;
    }
    static unsigned io_threads(unsigned asked) {
        return asked ? asked : std::max(1u, std::thread::hardware_concurrency() / 2);
    }
    Impl(const ServerOptions& o, Handler& h) : opt(o), handler(h), ios(make(io_threads(o.threads))), acceptor(std::in_place, *ios[0]) {
        for (auto& io : ios) guards.push_back(asio::make_work_guard(*io));
    }
    void accept();
};

namespace {

/// "HOST:PORT" (IPv6 as "[::1]:PORT").
tcp::endpoint parse_listen(const std::string& s) {
    const auto colon = s.rfind(':');
    if (colon == std::string::npos) throw InputError(fmt::format("--listen \"{}\": want HOST:PORT", s));
    std::string host = s.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    unsigned long port = 0;
    try {
        std::size_t used = 0;
        port = std::stoul(s.substr(colon + 1), &used);
        if (used != s.size() - colon - 1 || port > 65535) throw std::invalid_argument("port");
    } catch (const std::exception&) {
        throw InputError(fmt::format("--listen \"{}\": port must be 0..65535", s));
    }
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(host, ec);
    if (ec) throw InputError(fmt::format("--listen \"{}\": \"{}\" is not an IP address", s, host));
    return {addr, static_cast<unsigned short>(port)};
}

std::string status_text(unsigned status) {
    return std::string(http::obsolete_reason(static_cast<http::status>(status)));
}

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket sock, std::shared_ptr<HttpServer::Impl> srv) : s_(std::move(sock)), srv_(std::move(srv)) {}
    ~Session() { srv_->conns.fetch_sub(1); }

    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(srv_->opt.header_limit));
        parser_->body_limit(srv_->opt.body_limit);
        s_.expires_after(srv_->opt.request_timeout);
        http::async_read_header(s_, buf_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_header(ec);
        });
    }

  private:
    void on_header(beast::error_code ec) {
        if (ec) return on_error(ec);
        auto& req = parser_->get();
        if (beast::iequals(req[http::field::expect], "100-continue")) {
            // The client waits for this before sending the body (curl does above 1 KiB).
            auto cont = std::make_shared<std::string>("HTTP/1.1 100 Continue\r\n\r\n");
            asio::async_write(s_, asio::buffer(*cont), [self = shared_from_this(), cont](beast::error_code ec, std::size_t) {
                if (ec) return;
                self->read_body();
            });
            return;
        }
        read_body();
    }

    void read_body() {
        http::async_read(s_, buf_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_read(ec);
        });
    }

    void on_error(beast::error_code ec) {
        if (ec == http::error::body_limit)
            return refuse(413, "body_too_large", fmt::format("the body is larger than {} bytes", srv_->opt.body_limit));
        if (ec == http::error::header_limit)
            return refuse(431, "header_too_large", fmt::format("the request head is larger than {} bytes", srv_->opt.header_limit));
        if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == asio::error::eof ||
            ec == asio::error::connection_reset || ec == http::error::partial_message || ec == asio::error::operation_aborted)
            return close();
        // Any other parse error: a malformed request line, header or chunk.
        refuse(400, "bad_request", fmt::format("malformed HTTP request: {}", ec.message()));
    }

    void on_read(beast::error_code ec) {
        if (ec) return on_error(ec);
        auto& req = parser_->get();
        keep_alive_ = req.keep_alive();
        version_ = req.version();
        auto r = std::make_shared<HttpRequest>();
        r->method = std::string(req.method_string());
        const std::string_view target(req.target().data(), req.target().size());
        auto q = target.find('?');
        r->path = std::string(target.substr(0, q));
        if (q != std::string_view::npos) r->query = std::string(target.substr(q + 1));
        r->authorization = std::string(req[http::field::authorization].data(), req[http::field::authorization].size());
        r->body = std::move(req.body());
        if (srv_->handler.blocking(*r)) {
            asio::post(srv_->blocking, [self = shared_from_this(), r] {
                auto res = std::make_shared<HttpResponse>(self->srv_->handler.handle(*r));
                asio::post(self->s_.get_executor(), [self, res] { self->respond(std::move(*res)); });
            });
            return;
        }
        respond(srv_->handler.handle(*r));
    }

    void refuse(unsigned status, const char* code, std::string message) {
        srv_->handler.refused(status);
        keep_alive_ = false;
        HttpResponse r;
        r.status = status;
        r.body = error_json(ApiError{status, code, std::move(message), {}});
        respond(std::move(r));
    }

    void respond(HttpResponse r) {
        if (r.stream) return start_stream(std::move(r));
        res_ = {};
        res_.version(version_ ? version_ : 11);
        res_.result(r.status);
        res_.set(http::field::content_type, r.content_type);
        for (auto& [k, v] : r.headers) res_.set(k, v);
        res_.body() = std::move(r.body);
        res_.keep_alive(keep_alive_);
        res_.prepare_payload();
        s_.expires_after(srv_->opt.request_timeout);
        http::async_write(s_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            if (self->keep_alive_) return self->read();
            self->close();
        });
    }

    // ---- server-sent events: a head without a length, then events until either side closes ----
    void start_stream(HttpResponse r) {
        stream_ = std::move(r.stream);
        timer_.emplace(s_.get_executor());
        out_ = std::make_shared<std::string>(fmt::format(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n"
            "X-Accel-Buffering: no\r\n\r\n{}",
            stream_->poll()));
        write_stream();
    }
    void write_stream() {
        s_.expires_after(srv_->opt.request_timeout);
        asio::async_write(s_, asio::buffer(*out_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            self->since_write_ = std::chrono::steady_clock::now();
            self->wait_stream();
        });
    }
    void wait_stream() {
        timer_->expires_after(std::chrono::milliseconds(100));
        timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec) return;
            std::string text;
            try {
                text = self->stream_->poll();
            } catch (const std::exception&) {
                return self->close();
            }
            if (text.empty() && std::chrono::steady_clock::now() - self->since_write_ > std::chrono::seconds(15))
                text = ": keep-alive\n\n";  // tells proxies and the client the stream lives
            if (text.empty()) return self->wait_stream();
            self->out_ = std::make_shared<std::string>(std::move(text));
            self->write_stream();
        });
    }

    void close() {
        beast::error_code ec;
        s_.socket().shutdown(tcp::socket::shutdown_both, ec);
        s_.close();
    }

    beast::tcp_stream s_;
    std::shared_ptr<HttpServer::Impl> srv_;
    beast::flat_buffer buf_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> res_;
    bool keep_alive_ = false;
    unsigned version_ = 11;
    std::shared_ptr<EventStream> stream_;
    std::optional<asio::steady_timer> timer_;
    std::shared_ptr<std::string> out_;
    std::chrono::steady_clock::time_point since_write_;
};

}  // namespace

void HttpServer::Impl::accept() {
    auto& io = *ios[next++ % ios.size()];
    acceptor->async_accept(io, [self = shared_from_this()](beast::error_code ec, tcp::socket sock) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
            sock.set_option(tcp::no_delay(true), ec);
            if (self->conns.fetch_add(1) >= self->opt.max_connections) {
                self->conns.fetch_sub(1);
                self->handler.refused(503);
                static const std::string busy = [] {
                    const std::string body = error_json({503, "too_many_connections", "connection limit reached", {}});
                    return fmt::format(
                        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
                        "Retry-After: 1\r\nContent-Length: {}\r\n\r\n{}",
                        body.size(), body);
                }();
                sock.non_blocking(true, ec);
                sock.write_some(asio::buffer(busy), ec);
                sock.close(ec);
            } else {
                std::make_shared<Session>(std::move(sock), self)->read();
            }
        }
        self->accept();
    });
}

HttpServer::HttpServer(const ServerOptions& opt, Handler& h) : m_(std::make_shared<Impl>(opt, h)) {
    auto ep = parse_listen(opt.listen);
    try {
        m_->acceptor->open(ep.protocol());
        m_->acceptor->set_option(asio::socket_base::reuse_address(true));
        m_->acceptor->bind(ep);
        m_->acceptor->listen(asio::socket_base::max_listen_connections);
    } catch (const boost::system::system_error& e) {
        throw InputError(fmt::format("--listen {}: {}", opt.listen, e.code().message()));
    }
    m_->accept();
}

HttpServer::~HttpServer() {
    stop();
    m_->blocking.stop();
    m_->blocking.join();
    // Pending handlers (the accept, every session) hold the Impl: destroying the io_contexts
    // destroys them, and the sessions with their sockets, before the Impl goes.
    m_->acceptor.reset();
    m_->guards.clear();
    m_->ios.clear();
}

std::uint16_t HttpServer::port() const { return m_->acceptor->local_endpoint().port(); }
std::size_t HttpServer::connections() const { return m_->conns.load(); }

void HttpServer::run() {
    std::vector<std::thread> more;
    for (std::size_t i = 1; i < m_->ios.size(); ++i) more.emplace_back([this, i] { m_->ios[i]->run(); });
    m_->ios[0]->run();
    for (auto& t : more) t.join();
}

void HttpServer::stop() {
    for (auto& io : m_->ios) io->stop();
}

}  // namespace chainward::api
