// Minimal cpp-httplib server returning the same fixed JSON body as beast_hello.cpp: the
// cpp-httplib side of the HTTP library choice. argv[2]: worker threads (0 = the library default).
#include <httplib.h>
#include <string>
int main(int argc, char** argv) {
    int port = std::stoi(argv[1]);
    int threads = argc > 2 ? std::stoi(argv[2]) : 0;
    std::string body = std::string("{\"address\":\"0x") + std::string(40, 'a') + "\",\"risk\":\"none\",\"pad\":\"" + std::string(900, 'x') + "\"}";
    httplib::Server svr;
    if (threads) svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    svr.set_keep_alive_max_count(1000000);
    svr.set_tcp_nodelay(true);
    svr.Get("/", [&](const httplib::Request&, httplib::Response& r) { r.set_content(body, "application/json"); });
    svr.listen("127.0.0.1", port);
}
