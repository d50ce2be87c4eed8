// Internal to src/api: the service behind the transport — data kept fresh, keys and rate limits,
// routing, and the route handlers (routes_*.cpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/api.hpp"
#include "api/http.hpp"
#include "api/json.hpp"
#include "api/metrics.hpp"
#include "core/core.hpp"

namespace chainward::store {
class TransferStore;
}
namespace chainward::risk {
class Index;
struct ScreenResult;
}
namespace chainward::label {
class LabelStore;
struct Record;
}

namespace chainward::api {

/// What a request carries once its key is checked.
struct Call {
    const HttpRequest& req;
    KeyInfo key;                        ///< empty name for routes without a key
    std::vector<std::string> params;    ///< the path's {placeholders}, in order
    std::string query(std::string_view name) const;  ///< decoded query parameter ("" if absent)
    bool has_query(std::string_view name) const;
};

/// The data a request reads: swapped as a whole when the store or the exposure changed.
struct Snapshot {
    std::shared_ptr<const store::TransferStore> store;  ///< null before the first block is stored
    std::shared_ptr<const risk::Index> exposure;        ///< null before exposure is built
};

/// A screening decision with its reasons.
struct Decision {
    std::string decision = "allow";  ///< allow, review, block
    std::vector<std::string> reasons;
};

class Service final : public Handler {
  public:
    explicit Service(const ServerOptions& opt);
    ~Service() override;

    bool blocking(const HttpRequest& r) const override;
    HttpResponse handle(const HttpRequest& r) override;
    void refused(unsigned status) override;

    /// Starts the thread that keeps store, exposure, labels and keys fresh.
    void start_refresher();
    void stop_refresher();
    /// Asks the refresher to look now (after a label change).
    void poke();

    // ---- what the routes use ----
    /// The current data; the reference stays valid until this thread's next call.
    const Snapshot& snapshot() const;
    const ServerOptions& options() const { return opt_; }
    Metrics& metrics() { return metrics_; }
    /// The label store under its lock.
    void with_labels(const std::function<void(label::LabelStore&)>& f);
    /// Decision for a screened address under the policy.
    Decision decide(const risk::ScreenResult& r);
    /// Gauges of the alert store for /metrics (routes_alerts.cpp).
    std::string alert_metrics();

  private:
    struct Route {
        std::string method;
        std::vector<std::string> parts;  ///< "{x}" matches one segment
        std::string tmpl;
        std::optional<Role> role;  ///< none: no key needed
        bool blocking = false;
        std::function<HttpResponse(Service&, Call&)> fn;
    };
    void add(std::string method, std::string tmpl, std::optional<Role> role, bool blocking,
             std::function<HttpResponse(Service&, Call&)> fn);
    const Route* match(const std::string& method, const std::string& path, std::vector<std::string>& params,
                       bool& path_known) const;
    HttpResponse dispatch(const HttpRequest& r, const std::string*& route_name);
    std::optional<KeyInfo> authenticate(const std::string& authorization, HttpResponse& refusal);
    bool rate_limited(const KeyInfo& k, HttpResponse& refusal);
    void refresh_once();
    HttpResponse serve_static(const std::string& raw_path) const;
    Decision policy_decide(const risk::ScreenResult& r);
    void reload_keys();

    ServerOptions opt_;
    Metrics metrics_;
    std::vector<Route> routes_;

    std::uint64_t id_;  ///< tells thread-local caches of different services apart
    mutable std::mutex snap_mu_;
    Snapshot snap_;
    std::atomic<std::uint64_t> snap_gen_{1};
    std::string manifest_id_, exposure_id_;
    std::optional<std::uint64_t> head_tried_;

    std::mutex labels_mu_;
    std::unique_ptr<label::LabelStore> labels_;
    std::uint64_t label_version_seen_ = 0;

    std::mutex keys_mu_;
    std::unique_ptr<KeyStore> keys_;
    std::uint64_t keys_version_ = 0;
    std::atomic<std::uint64_t> keys_gen_{1};  ///< moves when keys change (threads drop their caches)

    struct Bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point last;
    };
    std::mutex rate_mu_;
    std::unordered_map<std::int64_t, Bucket> buckets_;

    std::thread refresher_;
    std::mutex refresh_mu_;
    std::condition_variable refresh_cv_;
    bool refresh_stop_ = false, refresh_poked_ = false;

    friend void register_screen_routes(Service& s);
    friend void register_alert_routes(Service& s);
};

/// Route registrations, one per routes_*.cpp.
void register_screen_routes(Service& s);
void register_alert_routes(Service& s);

/// JSON response helpers.
HttpResponse json_response(unsigned status, std::string body);
HttpResponse error_response(const ApiError& e);
/// Path chain name ("ethereum") to the label store's chain code; fails 404 (path) or 400 (body).
std::string chain_code(const std::string& name, bool in_path, const std::string& field = "chain");
/// An EVM address, lowercase or with a valid EIP-55 checksum; fails 400 naming `field`.
Address checked_address(const std::string& text, const std::string& field);

}  // namespace chainward::api
