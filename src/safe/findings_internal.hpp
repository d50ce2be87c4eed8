// Internal: the rules that turn a checked proposal into findings (findings.cpp).
#pragma once

#include "safe/safe.hpp"

namespace chainward::safe::detail {

/// Findings of one proposal (index `i` of `report.proposals`).
void proposal_findings(const CheckReport& report, std::size_t i, const CheckOptions& options,
                       std::vector<Finding>& out);
/// Findings across proposals (two proposals for one nonce).
void cross_findings(const CheckReport& report, std::vector<Finding>& out);

}  // namespace chainward::safe::detail
