// chainward safe-check: an offline second opinion on a Safe transaction before signing.
// Exit codes: 0 nothing above info, 1 warnings, 2 critical findings, 3 input error.
#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/commands.hpp"
#include "safe/safe.hpp"

namespace chainward::cli {

namespace {


template <class F>
auto flag(const char* name, const std::string& text, F&& parse) {
    try {
        return parse(text);
    } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("{}: {}", name, e.what()));
    }
}

Address address_flag(const char* name, const std::string& s) {
    return flag(name, s, [](const std::string& t) { return parse_address(t); });
}

std::vector<Address> address_list(const char* name, const std::string& s) {
    std::vector<Address> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(address_flag(name, item));
    return out;
}

struct Flags {
    std::string file, chain_id, safe, version, owners, threshold, rpc, labels;
    std::string to, value, data, operation, safe_tx_gas, base_gas, gas_price, gas_token, refund_receiver,
        nonce, signatures, expect_to, expect_value;
    std::vector<std::string> allow_delegate, allow_spender;
    bool json = false;
    bool simulate = false;
};

std::string read_input(const std::string& file) {
    if (file == "-") return {std::istreambuf_iterator<char>(std::cin), {}};
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: cannot open", file));
    return {std::istreambuf_iterator<char>(in), {}};
}

void run(const Flags& f) {
    safe::CheckOptions o;
    auto u256 = [](const char* name, const std::string& s) {
        return flag(name, s, [](const std::string& t) { return parse_u256(t); });
    };
    if (!f.chain_id.empty()) o.chain_id = u256("--chain-id", f.chain_id);
    if (!f.safe.empty()) o.safe = address_flag("--safe", f.safe);
    if (!f.version.empty()) o.version = safe::version_rules(f.version).version;
    if (!f.owners.empty()) o.owners = address_list("--owners", f.owners);
    if (!f.threshold.empty()) o.threshold = u256("--threshold", f.threshold);
    auto& ov = o.overrides;
    if (!f.to.empty()) ov.to = address_flag("--to", f.to);
    if (!f.value.empty()) ov.value = u256("--value", f.value);
    if (!f.data.empty()) ov.data = flag("--data", f.data, [](const std::string& t) { return parse_hex_bytes(t); });
    if (!f.operation.empty()) {
        if (f.operation == "0" || f.operation == "call" || f.operation == "CALL") ov.operation = safe::Operation::Call;
        else if (f.operation == "1" || f.operation == "delegatecall" || f.operation == "DELEGATECALL")
            ov.operation = safe::Operation::DelegateCall;
        else throw InputError("--operation: must be 0 (call) or 1 (delegatecall)");
    }
    if (!f.safe_tx_gas.empty()) ov.safe_tx_gas = u256("--safe-tx-gas", f.safe_tx_gas);
    if (!f.base_gas.empty()) ov.base_gas = u256("--base-gas", f.base_gas);
    if (!f.gas_price.empty()) ov.gas_price = u256("--gas-price", f.gas_price);
    if (!f.gas_token.empty()) ov.gas_token = address_flag("--gas-token", f.gas_token);
    if (!f.refund_receiver.empty()) ov.refund_receiver = address_flag("--refund-receiver", f.refund_receiver);
    if (!f.nonce.empty()) ov.nonce = u256("--nonce", f.nonce);
    if (!f.signatures.empty())
        ov.signatures = flag("--signatures", f.signatures, [](const std::string& t) { return parse_hex_bytes(t); });
    if (!f.expect_to.empty()) o.expect_to = address_flag("--expect-to", f.expect_to);
    if (!f.expect_value.empty()) o.expect_value = u256("--expect-value", f.expect_value);
    for (const auto& a : f.allow_delegate) o.delegatecall_allowlist.push_back(address_flag("--allow-delegatecall", a));
    for (const auto& a : f.allow_spender) o.spender_allowlist.push_back(address_flag("--allow-spender", a));
    if (!f.labels.empty()) o.label_of = safe::load_label_csv(f.labels);

    std::vector<safe::Proposal> proposals;
    if (!f.file.empty()) {
        proposals = safe::parse_proposals(read_input(f.file));
    } else {
        if (!ov.to) throw InputError("no input: give a FILE (or -) or the fields (--to, --nonce, ...)");
        safe::Proposal p;
        p.source = "command line";
        proposals.push_back(std::move(p));
    }
    if (!f.rpc.empty()) {
        auto safe_addr = o.safe ? o.safe : proposals.front().safe;
        if (!safe_addr) throw InputError("--rpc: the Safe address is unknown: pass --safe");
        safe::SafeState st = safe::read_safe_state(f.rpc, *safe_addr);
        if (!o.chain_id) o.chain_id = st.chain_id;
        if (!o.version) o.version = st.version;
        if (!o.owners) o.owners = st.owners;
        if (!o.threshold) o.threshold = st.threshold;
        if (!ov.nonce && st.nonce)
            for (auto& p : proposals)
                if (!p.has_nonce) {
                    p.tx.nonce = *st.nonce;
                    p.has_nonce = true;
                }
    }
    if (f.simulate && f.rpc.empty()) throw InputError("--simulate needs --rpc");
    safe::CheckReport report = safe::check(std::move(proposals), o);
    if (f.simulate) {
        for (std::size_t i = 0; i < report.proposals.size(); ++i) {
            const auto& p = report.proposals[i].proposal;
            auto sim = safe::simulate(f.rpc, *p.safe, p.tx);
            for (auto& x : safe::simulation_findings(sim, i)) report.findings.push_back(std::move(x));
        }
        std::stable_sort(report.findings.begin(), report.findings.end(),
                         [](const auto& a, const auto& b) { return a.severity > b.severity; });
    }
    if (f.json) fmt::print("{}", safe::report_json(report));
    else fmt::print("{}", safe::report_text(report));
    std::fflush(stdout);
    throw Exit{report.exit_code()};
}

}  // namespace

void add_safe_check_command(CLI::App& app) {
    auto flags = std::make_shared<Flags>();
    auto* cmd = app.add_subcommand(
        "safe-check",
        "Verify a Safe multisig transaction offline before signing: hashes for every Safe version, "
        "decoded call, recovered signers, findings. Exit 0 ok, 1 warnings, 2 critical, 3 input error.");
    cmd->add_option("FILE", flags->file,
                    "Safe Transaction Service record or list (JSON), or a raw signed execTransaction "
                    "(hex); - for stdin");
    cmd->add_option("--chain-id", flags->chain_id, "chain id (needed for Safe 1.3.0 and later)");
    cmd->add_option("--safe", flags->safe, "Safe address");
    cmd->add_option("--safe-version", flags->version, "Safe version (1.0.0 ... 1.5.0)");
    cmd->add_option("--owners", flags->owners, "owner addresses, comma-separated");
    cmd->add_option("--threshold", flags->threshold, "signature threshold");
    cmd->add_option("--rpc", flags->rpc, "JSON-RPC URL to read chain id, version, owners, threshold, nonce");
    cmd->add_option("--labels", flags->labels, "CSV of risk-labelled addresses (address first)");
    cmd->add_option("--to", flags->to, "SafeTx to");
    cmd->add_option("--value", flags->value, "SafeTx value (wei)");
    cmd->add_option("--data", flags->data, "SafeTx data (hex)");
    cmd->add_option("--operation", flags->operation, "0/call or 1/delegatecall");
    cmd->add_option("--safe-tx-gas", flags->safe_tx_gas, "SafeTx safeTxGas");
    cmd->add_option("--base-gas", flags->base_gas, "SafeTx baseGas");
    cmd->add_option("--gas-price", flags->gas_price, "SafeTx gasPrice");
    cmd->add_option("--gas-token", flags->gas_token, "SafeTx gasToken");
    cmd->add_option("--refund-receiver", flags->refund_receiver, "SafeTx refundReceiver");
    cmd->add_option("--nonce", flags->nonce, "SafeTx nonce");
    cmd->add_option("--signatures", flags->signatures, "signatures blob (hex)");
    cmd->add_option("--expect-to", flags->expect_to, "the recipient you intend");
    cmd->add_option("--expect-value", flags->expect_value, "the amount you intend (wei or token base units)");
    repeatable(cmd->add_option("--allow-delegatecall", flags->allow_delegate,
                               "extra trusted DELEGATECALL target (repeatable, or comma-separated)"));
    repeatable(cmd->add_option("--allow-spender", flags->allow_spender, "trusted token spender (repeatable, or comma-separated)"));
    cmd->add_flag("--json", flags->json, "JSON output");
    cmd->add_flag("--simulate", flags->simulate,
                  "with --rpc: run the call on the node (debug_traceCall) and report writes to the Safe's storage");
    cmd->callback([flags] {
        try {
            run(*flags);
        } catch (const InputError& e) {
            fmt::print(stderr, "chainward: error: {}\n", e.what());
            throw Exit{kExitSafeCheckInput};
        }
    });
}

}  // namespace chainward::cli
