// Routes over the transfer registry, the policy and the alert store.
#include "api/service.hpp"
#include "risk/risk.hpp"

namespace chainward::api {

Decision Service::policy_decide(const risk::ScreenResult& r) {
    Decision d;
    if (r.risk.level == risk::Level::Severe) d.decision = "block";
    else if (r.risk.level >= risk::Level::Medium) d.decision = "review";
    d.reasons = r.risk.reasons;
    return d;
}

std::string Service::alert_metrics() { return {}; }

void register_alert_routes(Service&) {}

}  // namespace chainward::api
