// Minimal Boost.Beast server (async, N io threads, keep-alive) returning a fixed JSON body: the
// Beast side of the HTTP library choice (docs/benchmarks.md, "Service: HTTP library").
#include <utility>  // Boost 1.74 Asio uses std::exchange without including it (C++20, g++ 12)
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
static std::string body;
struct Session : std::enable_shared_from_this<Session> {
    beast::tcp_stream s;
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
    explicit Session(tcp::socket sock) : s(std::move(sock)) {}
    void read() {
        req = {};
        s.expires_after(std::chrono::seconds(30));
        http::async_read(s, buf, req, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return;
            self->res = {http::status::ok, self->req.version()};
            self->res.set(http::field::content_type, "application/json");
            self->res.keep_alive(self->req.keep_alive());
            self->res.body() = body;
            self->res.prepare_payload();
            http::async_write(self->s, self->res, [self](beast::error_code ec, std::size_t) {
                if (!ec && self->res.keep_alive()) self->read();
            });
        });
    }
};
void accept(tcp::acceptor& a) {
    a.async_accept([&a](beast::error_code ec, tcp::socket sock) {
        if (!ec) std::make_shared<Session>(std::move(sock))->read();
        accept(a);
    });
}
int main(int argc, char** argv) {
    int port = std::stoi(argv[1]);
    int threads = argc > 2 ? std::stoi(argv[2]) : 2;
    body = std::string("{\"address\":\"0x") + std::string(40, 'a') + "\",\"risk\":\"none\",\"pad\":\"" + std::string(900, 'x') + "\"}";
    asio::io_context io(threads);
    tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    accept(a);
    std::vector<std::thread> ts;
    for (int i = 1; i < threads; ++i) ts.emplace_back([&] { io.run(); });
    io.run();
}
