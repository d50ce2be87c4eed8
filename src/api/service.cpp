// The service: routing, keys, rate limits, and the refresher that keeps the data a request reads
// fresh (store, exposure, labels, keys) while other processes write them.
#include "api/service.hpp"

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>

#include "label/label.hpp"
#include "risk/risk.hpp"
#include "store/store.hpp"

namespace chainward::api {
namespace {

const std::string kRefused = "(refused)", kUnmatched = "(unmatched)", kStatic = "(static)";
std::atomic<std::uint64_t> next_service_id{1};

std::string url_decode(std::string_view s) {
    std::string o;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            o += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            o += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            o += s[i];
        }
    }
    return o;
}

std::vector<std::string> split_path(std::string_view p) {
    std::vector<std::string> parts;
    std::size_t i = 0;
    while (i < p.size()) {
        if (p[i] == '/') {
            ++i;
            continue;
        }
        auto j = p.find('/', i);
        if (j == std::string_view::npos) j = p.size();
        parts.emplace_back(p.substr(i, j - i));
        i = j;
    }
    return parts;
}

/// Identity of a file as (inode, size, mtime): changes when it is replaced.
std::string file_id(const std::filesystem::path& p) {
    struct stat st{};
    if (::stat(p.c_str(), &st) != 0) return {};
    return fmt::format("{}:{}:{}.{}", st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

std::string read_small(const std::filesystem::path& p) {
    std::ifstream f(p);
    std::string s;
    std::getline(f, s);
    return s;
}

}  // namespace

std::string Call::query(std::string_view name) const {
    std::string_view q = req.query;
    while (!q.empty()) {
        auto amp = q.find('&');
        std::string_view kv = q.substr(0, amp);
        auto eq = kv.find('=');
        if (url_decode(kv.substr(0, eq)) == name) return eq == std::string_view::npos ? "" : url_decode(kv.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    return {};
}

bool Call::has_query(std::string_view name) const {
    std::string_view q = req.query;
    while (!q.empty()) {
        auto amp = q.find('&');
        std::string_view kv = q.substr(0, amp);
        if (url_decode(kv.substr(0, kv.find('='))) == name) return true;
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    return false;
}

HttpResponse json_response(unsigned status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

HttpResponse error_response(const ApiError& e) { return json_response(e.status, error_json(e)); }

std::string chain_code(const std::string& name, bool in_path, const std::string& field) {
    if (name == "ethereum") return "eth";
    if (in_path) fail(404, "unknown_chain", fmt::format("unknown chain \"{}\" (served: ethereum)", name), field);
    fail(400, "unknown_chain", fmt::format("unknown chain \"{}\" (served: ethereum)", name), field);
}

Address checked_address(const std::string& text, const std::string& field) {
    if (text.size() != 42 || !(text.starts_with("0x") || text.starts_with("0X")))
        fail(400, "invalid_address", fmt::format("\"{}\" must be 0x and 40 hex digits", field), field);
    try {
        std::string chain = "eth";
        return parse_address(label::normalize_address(text, chain));
    } catch (const std::invalid_argument& e) {
        fail(400, "invalid_address", fmt::format("\"{}\": {}", field, e.what()), field);
    }
}

Service::Service(const ServerOptions& opt) : opt_(opt), id_(next_service_id++) {
    keys_ = KeyStore::open(opt_.data_dir);
    labels_ = label::LabelStore::open(label::LabelStore::default_path(opt_.data_dir).string());
    reload_keys();
    register_screen_routes(*this);
    register_alert_routes(*this);
    refresh_once();
}

Service::~Service() { stop_refresher(); }

void Service::add(std::string method, std::string tmpl, std::optional<Role> role, bool blocking,
                  std::function<HttpResponse(Service&, Call&)> fn) {
    routes_.push_back(Route{std::move(method), split_path(tmpl), tmpl, role, blocking, std::move(fn)});
}

const Service::Route* Service::match(const std::string& method, const std::string& path,
                                     std::vector<std::string>& params, bool& path_known) const {
    thread_local std::vector<std::string> parts;  // no allocation per request once warm
    parts.clear();
    for (std::size_t i = 0; i < path.size();) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        auto j = std::min(path.find('/', i), path.size());
        parts.emplace_back(path, i, j - i);
        i = j;
    }
    path_known = false;
    for (const auto& r : routes_) {
        if (r.parts.size() != parts.size()) continue;
        std::vector<std::string> ps;
        bool ok = true;
        for (std::size_t i = 0; i < parts.size() && ok; ++i) {
            if (r.parts[i].starts_with('{')) ps.push_back(url_decode(parts[i]));
            else ok = r.parts[i] == parts[i];
        }
        if (!ok) continue;
        path_known = true;
        if (r.method != method) continue;
        params = std::move(ps);
        return &r;
    }
    return nullptr;
}

bool Service::blocking(const HttpRequest& r) const {
    if (r.method == "GET") return false;  // no GET route blocks: skip the match
    std::vector<std::string> params;
    bool known = false;
    const Route* route = match(r.method, r.path, params, known);
    return route && route->blocking;
}

void Service::refused(unsigned status) { metrics_.request(&kRefused, "-", status, 0); }

void Service::reload_keys() {
    std::lock_guard lk(keys_mu_);
    keys_version_ = keys_->version();
    keys_gen_.fetch_add(1);  // every thread drops what it cached (a revoked key is refused from now on)
}

std::optional<KeyInfo> Service::authenticate(const std::string& authorization, HttpResponse& refusal) {
    auto unauthorized = [&](const char* code, std::string message) {
        refusal = error_response({401, code, std::move(message), {}});
        refusal.headers.push_back({"WWW-Authenticate", "Bearer realm=\"chainward\""});
        return std::nullopt;
    };
    std::string_view a = authorization;
    if (a.size() < 7 || !(a.substr(0, 7) == "Bearer " || a.substr(0, 7) == "bearer "))
        return unauthorized("unauthorized", "an API key is required: Authorization: Bearer KEY");
    std::string_view key = a.substr(7);
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    if (key.empty() || key.size() > 200) return unauthorized("unauthorized", "unknown API key");
    // Each thread caches what the key store said about the keys it saw (unknown ones too, so a
    // flood of wrong keys does not reach SQLite), until the keys change.
    struct Cache {
        std::uint64_t service = 0, gen = 0;
        std::unordered_map<std::string, std::optional<KeyInfo>> keys;
    };
    thread_local Cache cache;
    const std::uint64_t gen = keys_gen_.load();
    if (cache.service != id_ || cache.gen != gen || cache.keys.size() > 10000) {
        cache.keys.clear();
        cache.service = id_;
        cache.gen = gen;
    }
    std::optional<KeyInfo> k;
    if (auto it = cache.keys.find(std::string(key)); it != cache.keys.end()) {
        k = it->second;
    } else {
        std::lock_guard lk(keys_mu_);
        k = keys_->find(key);
        cache.keys.emplace(std::string(key), k);
    }
    if (!k) return unauthorized("unauthorized", "unknown API key");
    if (k->revoked) return unauthorized("key_revoked", "this API key was revoked");
    return k;
}

bool Service::rate_limited(const KeyInfo& k, HttpResponse& refusal) {
    if (k.rate_limit <= 0) return false;
    const auto now = std::chrono::steady_clock::now();
    const double cap = std::max(1.0, k.rate_limit);
    std::lock_guard lk(rate_mu_);
    auto [it, fresh] = buckets_.try_emplace(k.id, Bucket{cap, now});
    Bucket& b = it->second;
    if (!fresh) {
        b.tokens = std::min(cap, b.tokens + std::chrono::duration<double>(now - b.last).count() * k.rate_limit);
        b.last = now;
    }
    if (b.tokens >= 1) {
        b.tokens -= 1;
        return false;
    }
    const auto wait = static_cast<long>(std::ceil((1 - b.tokens) / k.rate_limit));
    refusal = error_response({429, "rate_limited",
                              fmt::format("rate limit of {} requests per second exceeded", k.rate_limit), {}});
    refusal.headers.push_back({"Retry-After", std::to_string(std::max(1L, wait))});
    return true;
}

HttpResponse Service::dispatch(const HttpRequest& r, const std::string*& route_name) {
    std::vector<std::string> params;
    bool known = false;
    const Route* route = match(r.method, r.path, params, known);
    route_name = route ? &route->tmpl : &kUnmatched;
    const bool v1 = r.path == "/v1" || r.path.starts_with("/v1/");
    KeyInfo key;
    if (v1 || (route && route->role)) {
        HttpResponse refusal;
        auto k = authenticate(r.authorization, refusal);
        if (!k) return refusal;
        key = *k;
        if (rate_limited(key, refusal)) return refusal;
    }
    if (!route) {
        if (!known && !v1 && r.method == "GET" && !opt_.web_dir.empty()) {
            route_name = &kStatic;
            return serve_static(r.path);
        }
        if (known) {
            auto res = error_response({405, "method_not_allowed", fmt::format("{} is not allowed on {}", r.method, r.path), {}});
            std::string allow;
            const auto parts = split_path(r.path);
            for (const auto& x : routes_) {
                bool same = x.parts.size() == parts.size();
                for (std::size_t i = 0; same && i < parts.size(); ++i) same = x.parts[i].starts_with('{') || x.parts[i] == parts[i];
                if (same) allow += (allow.empty() ? "" : ", ") + x.method;
            }
            res.headers.push_back({"Allow", allow});
            return res;
        }
        return error_response({404, "not_found", fmt::format("no route {} {}", r.method, r.path), {}});
    }
    if (route->role && static_cast<int>(key.role) < static_cast<int>(*route->role))
        return error_response({403, "forbidden",
                               fmt::format("a {} key may not {} {} (needs {})", role_name(key.role), r.method,
                                           route->tmpl, role_name(*route->role)),
                               {}});
    Call c{r, key, std::move(params)};
    return route->fn(*this, c);
}

HttpResponse Service::handle(const HttpRequest& r) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string* route = &kUnmatched;
    HttpResponse res;
    try {
        res = dispatch(r, route);
    } catch (const ApiError& e) {
        res = error_response(e);
    } catch (const InputError& e) {
        res = error_response({400, "invalid_request", e.what(), {}});
    } catch (const std::exception& e) {
        res = error_response({500, "internal", fmt::format("internal error: {}", e.what()), {}});
    }
    metrics_.request(route, r.method, res.status,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return res;
}

/// A file of the web view (--web DIR): "/" is index.html; no path may leave DIR (no "..", no
/// hidden files, no links out of it), and only regular files are served.
HttpResponse Service::serve_static(const std::string& raw_path) const {
    const std::string path = url_decode(raw_path);
    auto not_found = [&] { return error_response({404, "not_found", fmt::format("no route GET {}", raw_path), {}}); };
    if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos) return not_found();
    std::filesystem::path rel;
    for (const auto& part : split_path(path)) {
        if (part.starts_with('.')) return not_found();  // "..", ".git", ".env"
        rel /= part;
    }
    if (rel.empty()) rel = "index.html";
    std::error_code ec;
    const auto root = std::filesystem::canonical(opt_.web_dir, ec);
    if (ec) return not_found();
    auto file = std::filesystem::canonical(root / rel, ec);
    if (!ec && std::filesystem::is_directory(file)) file = std::filesystem::canonical(file / "index.html", ec);
    if (ec || !std::filesystem::is_regular_file(file)) return not_found();
    const auto r = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
    if (r.first != root.end()) return not_found();  // a link pointing out of the web dir
    if (std::filesystem::file_size(file, ec) > (64u << 20) || ec) return not_found();
    std::ifstream f(file, std::ios::binary);
    HttpResponse res;
    res.body.assign(std::istreambuf_iterator<char>(f), {});
    static const std::pair<const char*, const char*> kTypes[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".json", "application/json"},             {".svg", "image/svg+xml"},
        {".png", "image/png"},                 {".ico", "image/x-icon"},                  {".woff2", "font/woff2"},
        {".map", "application/json"},          {".txt", "text/plain; charset=utf-8"},     {".wasm", "application/wasm"}};
    res.content_type = "application/octet-stream";
    for (const auto& [ext, type] : kTypes)
        if (file.extension() == ext) res.content_type = type;
    res.headers.push_back({"X-Content-Type-Options", "nosniff"});
    res.headers.push_back({"Cache-Control", file.filename() == "index.html" ? "no-cache" : "public, max-age=3600"});
    return res;
}

const Snapshot& Service::snapshot() const {
    // A thread keeps its copy until the refresher publishes a new one (no lock on the hot path).
    struct Mine {
        std::uint64_t service = 0, gen = 0;
        Snapshot snap;
    };
    thread_local Mine mine;
    const std::uint64_t gen = snap_gen_.load(std::memory_order_acquire);
    if (mine.service != id_ || mine.gen != gen) {
        std::lock_guard lk(snap_mu_);
        mine.snap = snap_;
        mine.gen = snap_gen_.load();
        mine.service = id_;
    }
    return mine.snap;
}

void Service::with_labels(const std::function<void(label::LabelStore&)>& f) {
    std::lock_guard lk(labels_mu_);
    f(*labels_);
}

void Service::poke() {
    {
        std::lock_guard lk(refresh_mu_);
        refresh_poked_ = true;
    }
    refresh_cv_.notify_all();
}

void Service::refresh_once() {
    const auto& dir = opt_.data_dir;
    Snapshot s;
    {
        std::lock_guard lk(snap_mu_);
        s = snap_;
    }
    bool changed = false;
    // the store: reopened when its manifest was replaced (a commit by another process)
    if (auto id = file_id(dir / "MANIFEST.json"); id != manifest_id_ && !id.empty()) {
        s.store = store::TransferStore::open(dir, store::TransferStore::Mode::ReadOnly);
        manifest_id_ = id;
        changed = true;
    }
    // labels changed (through the API or by another process): exposure follows them
    std::uint64_t lv = 0;
    {
        std::lock_guard lk(labels_mu_);
        lv = labels_->version();
    }
    const bool labels_moved = lv != label_version_seen_;
    const bool no_exposure = !std::filesystem::exists(risk::exposure_dir(dir) / "CURRENT");
    // new blocks another process stored without updating exposure (tried once per head)
    const bool behind = s.store && s.exposure && s.store->last_block() && s.store->last_block() != head_tried_ &&
                        (!s.exposure->last_block() || *s.exposure->last_block() < *s.store->last_block());
    if (s.store && (labels_moved || behind || (no_exposure && lv > 0))) {
        risk::UpdateRequest req;
        req.create = lv > 0;
        req.save_unchanged = false;
        risk::update_stored(*s.store, dir, req);
        label_version_seen_ = lv;
        head_tried_ = s.store->last_block();
    } else if (!s.store) {
        label_version_seen_ = lv;
    }
    const std::string cur = read_small(risk::exposure_dir(dir) / "CURRENT");
    if (cur != exposure_id_ && !cur.empty()) {
        s.exposure = risk::Index::open(risk::exposure_dir(dir));
        exposure_id_ = cur;
        changed = true;
    }
    if (changed) {
        std::lock_guard lk(snap_mu_);
        snap_ = s;
        snap_gen_.fetch_add(1, std::memory_order_release);
    }
    std::uint64_t kv = 0;
    {
        std::lock_guard lk(keys_mu_);
        kv = keys_->version();
    }
    if (kv != keys_version_) reload_keys();
}

void Service::start_refresher() {
    refresher_ = std::thread([this] {
        std::unique_lock lk(refresh_mu_);
        while (!refresh_stop_) {
            refresh_cv_.wait_for(lk, opt_.refresh_interval, [this] { return refresh_stop_ || refresh_poked_; });
            if (refresh_stop_) break;
            refresh_poked_ = false;
            lk.unlock();
            try {
                refresh_once();
            } catch (const std::exception& e) {
                // a half-written file of another process, a locked database: try again next round
                std::fprintf(stderr, "serve: refresh: %s\n", e.what());
            }
            lk.lock();
        }
    });
}

void Service::stop_refresher() {
    {
        std::lock_guard lk(refresh_mu_);
        refresh_stop_ = true;
    }
    refresh_cv_.notify_all();
    if (refresher_.joinable()) refresher_.join();
}

}  // namespace chainward::api
