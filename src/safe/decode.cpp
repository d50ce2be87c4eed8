// Decodes what a Safe transaction calls: ERC-20/721/1155, the Safe's own management functions,
// MultiSend batches (recursively), SignMessageLib and SafeMigration. Selectors are computed from
// the signatures at start-up, so the table below is the only place a function is named.
#include <fmt/core.h>

#include <map>

#include "safe/abi.hpp"
#include "safe/safe.hpp"

namespace chainward::safe {

namespace {

struct KnownFunction {
    std::string signature;
    std::vector<std::string> names;
    std::string category;
};

const std::vector<KnownFunction>& known_functions() {
    static const std::vector<KnownFunction> f = {
        // ERC-20 (approve/transferFrom are shared with ERC-721: same selector)
        {"transfer(address,uint256)", {"to", "amount"}, "erc20"},
        {"approve(address,uint256)", {"spender", "amount"}, "erc20"},
        {"transferFrom(address,address,uint256)", {"from", "to", "amountOrTokenId"}, "erc20"},
        {"increaseAllowance(address,uint256)", {"spender", "addedValue"}, "erc20"},
        // ERC-721
        {"safeTransferFrom(address,address,uint256)", {"from", "to", "tokenId"}, "erc721"},
        {"safeTransferFrom(address,address,uint256,bytes)", {"from", "to", "tokenId", "data"}, "erc721"},
        {"setApprovalForAll(address,bool)", {"operator", "approved"}, "erc721"},
        // ERC-1155
        {"safeTransferFrom(address,address,uint256,uint256,bytes)",
         {"from", "to", "id", "amount", "data"}, "erc1155"},
        {"safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
         {"from", "to", "ids", "amounts", "data"}, "erc1155"},
        // Safe owner, threshold, module, guard, fallback and implementation management
        {"addOwnerWithThreshold(address,uint256)", {"owner", "threshold"}, "safe"},
        {"removeOwner(address,address,uint256)", {"prevOwner", "owner", "threshold"}, "safe"},
        {"swapOwner(address,address,address)", {"prevOwner", "oldOwner", "newOwner"}, "safe"},
        {"changeThreshold(uint256)", {"threshold"}, "safe"},
        {"enableModule(address)", {"module"}, "safe"},
        {"disableModule(address,address)", {"prevModule", "module"}, "safe"},
        {"setGuard(address)", {"guard"}, "safe"},
        {"setModuleGuard(address)", {"moduleGuard"}, "safe"},
        {"setFallbackHandler(address)", {"handler"}, "safe"},
        {"changeMasterCopy(address)", {"masterCopy"}, "safe"},
        {"approveHash(bytes32)", {"hashToApprove"}, "safe"},
        // Safe libraries
        {"multiSend(bytes)", {"transactions"}, "multisend"},
        {"signMessage(bytes)", {"message"}, "signmessage"},
        {"migrateSingleton()", {}, "migration"},
        {"migrateWithFallbackHandler()", {}, "migration"},
        {"migrateL2Singleton()", {}, "migration"},
        {"migrateL2WithFallbackHandler()", {}, "migration"},
    };
    return f;
}

const std::map<std::string, const KnownFunction*>& by_selector() {
    static const auto m = [] {
        std::map<std::string, const KnownFunction*> out;
        for (const auto& f : known_functions()) out.emplace(abi::selector_hex(f.signature), &f);
        return out;
    }();
    return m;
}

std::vector<std::string> param_types(const std::string& signature) {
    auto open = signature.find('('), close = signature.rfind(')');
    std::string inside = signature.substr(open + 1, close - open - 1);
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < inside.size()) {
        auto comma = inside.find(',', start);
        if (comma == std::string::npos) comma = inside.size();
        out.push_back(inside.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

constexpr int kMaxDepth = 4;  // MultiSend inside MultiSend is legal; unbounded nesting is not useful

std::string name_of(const std::string& signature) { return signature.substr(0, signature.find('(')); }

const U256 kMaxU256 = ~U256(0);

std::string amount_text(const U256& v) { return v == kMaxU256 ? "an unlimited amount" : to_decimal(v); }

std::string summarize(DecodedCall& c, const std::optional<Address>& safe) {
    const std::string to = c.to.checksum();
    const bool to_safe = safe && c.to == *safe;
    const std::string fn = c.function.empty() ? "" : name_of(c.function);
    const auto& A = c.address_args;
    const auto& N = c.amount_args;
    std::string s;
    if (c.data.empty()) {
        s = fmt::format("Send {} ETH ({} wei) to {}", format_units(c.value, 18), to_decimal(c.value), to);
    } else if (!c.error.empty() || c.function.empty()) {
        s = fmt::format("Call unknown function {} on {} with {} bytes of data", c.selector, to,
                        c.data.size());
    } else if (fn == "transfer") {
        s = fmt::format("Transfer {} base units of token {} to {}", to_decimal(N[0]), to, A[0].checksum());
    } else if (fn == "approve") {
        s = fmt::format("Allow {} to spend {} of token {} (or to move NFT #{} of {})", A[0].checksum(),
                        amount_text(N[0]), to, to_decimal(N[0]), to);
    } else if (fn == "increaseAllowance") {
        s = fmt::format("Raise the allowance of {} on token {} by {}", A[0].checksum(), to,
                        amount_text(N[0]));
    } else if (fn == "transferFrom") {
        s = fmt::format("Move {} (amount or NFT id) of token {} from {} to {}", to_decimal(N[0]), to,
                        A[0].checksum(), A[1].checksum());
    } else if (fn == "safeTransferFrom" && c.category == "erc721") {
        s = fmt::format("Transfer NFT #{} of {} from {} to {}", to_decimal(N[0]), to, A[0].checksum(),
                        A[1].checksum());
    } else if (fn == "safeTransferFrom") {
        s = fmt::format("Transfer {} of token id {} of {} from {} to {}", to_decimal(N[1]),
                        to_decimal(N[0]), to, A[0].checksum(), A[1].checksum());
    } else if (fn == "safeBatchTransferFrom") {
        s = fmt::format("Transfer a batch of ERC-1155 tokens of {} from {} to {}", to, A[0].checksum(),
                        A[1].checksum());
    } else if (fn == "setApprovalForAll") {
        s = N[0] != 0 ? fmt::format("Allow {} to move every NFT of collection {} held by the Safe",
                                    A[0].checksum(), to)
                      : fmt::format("Revoke {}'s right to move NFTs of collection {}", A[0].checksum(), to);
    } else if (c.category == "safe") {
        std::string who = to_safe ? "the Safe" : to;
        if (fn == "addOwnerWithThreshold")
            s = fmt::format("Add {} as an owner of {} and set the threshold to {}", A[0].checksum(), who,
                            to_decimal(N[0]));
        else if (fn == "removeOwner")
            s = fmt::format("Remove owner {} from {} and set the threshold to {}", A[1].checksum(), who,
                            to_decimal(N[0]));
        else if (fn == "swapOwner")
            s = fmt::format("Replace owner {} of {} with {}", A[1].checksum(), who, A[2].checksum());
        else if (fn == "changeThreshold")
            s = fmt::format("Change the signature threshold of {} to {}", who, to_decimal(N[0]));
        else if (fn == "enableModule")
            s = fmt::format("Enable module {} on {}: a module can move every asset without owner "
                            "signatures", A[0].checksum(), who);
        else if (fn == "disableModule")
            s = fmt::format("Disable module {} on {}", A[1].checksum(), who);
        else if (fn == "setGuard" || fn == "setModuleGuard")
            s = fmt::format("Set the {} of {} to {}: it can veto or inspect every transaction",
                            fn == "setGuard" ? "transaction guard" : "module guard", who, A[0].checksum());
        else if (fn == "setFallbackHandler")
            s = fmt::format("Set the fallback handler of {} to {}: it answers every call the Safe does "
                            "not know", who, A[0].checksum());
        else if (fn == "changeMasterCopy")
            s = fmt::format("Replace the implementation (master copy) of {} with {}: that code then "
                            "controls the Safe", who, A[0].checksum());
        else if (fn == "approveHash")
            s = fmt::format("Approve a transaction hash on {} ({})", who, c.args[0].value);
    } else if (c.category == "multisend") {
        s = fmt::format("Batch of {} transactions through {} ({})", c.inner.size(), to,
                        c.operation == Operation::DelegateCall ? "sent from the Safe" : "sent from the "
                                                                                         "batch contract");
    } else if (c.category == "signmessage") {
        s = fmt::format("Sign a message on behalf of the Safe through {}", to);
    } else if (c.category == "migration") {
        s = fmt::format("Migrate the Safe's implementation through {} ({})", to, fn);
    }
    if (s.empty()) s = fmt::format("Call {} on {}", c.function, to);
    if (c.value != 0 && !c.data.empty())
        s += fmt::format(", sending {} ETH along", format_units(c.value, 18));
    if (c.operation == Operation::DelegateCall && c.category != "multisend" &&
        c.category != "signmessage" && c.category != "migration")
        s = fmt::format("DELEGATECALL: run the code of {} as if it were the Safe's own code "
                        "(it can rewrite the Safe's storage, owners and implementation); the call "
                        "data reads: {}", to, s);
    return s;
}

DecodedCall decode_at_depth(const Address& to, const U256& value, std::span<const std::uint8_t> data,
                            Operation op, const std::optional<Address>& safe, int depth) {
    DecodedCall c;
    c.to = to;
    c.value = value;
    c.operation = op;
    c.data.assign(data.begin(), data.end());
    c.category = data.empty() ? "native" : "unknown";
    if (!data.empty() && data.size() < 4) {
        c.selector = to_hex(data);
        c.error = fmt::format("data is {} bytes: too short for a function selector", data.size());
    } else if (data.size() >= 4) {
        c.selector = to_hex(data.first(4));
        auto it = by_selector().find(c.selector);
        if (it != by_selector().end()) {
            const KnownFunction& f = *it->second;
            // ERC-20 transfer and ERC-721 transferFrom share selectors; a Safe function called on
            // another contract is still decoded (and summarised) by its ABI.
            try {
                abi::Reader r(data.subspan(4), fmt::format("data of {}", f.signature));
                auto types = param_types(f.signature);
                std::vector<DecodedArg> args;
                for (std::size_t i = 0; i < types.size(); ++i) {
                    const std::size_t head = 32 * i;
                    const std::string& t = types[i];
                    DecodedArg a{f.names[i], t, {}};
                    if (t == "address") {
                        Address x = r.address_at(head);
                        c.address_args.push_back(x);
                        a.value = x.checksum();
                    } else if (t == "uint256" || t == "uint8") {
                        U256 x = r.uint_at(head);
                        c.amount_args.push_back(x);
                        a.value = to_decimal(x);
                    } else if (t == "bool") {
                        bool x = r.bool_at(head);
                        c.amount_args.push_back(x ? 1 : 0);
                        a.value = x ? "true" : "false";
                    } else if (t == "bytes32") {
                        a.value = to_hex(r.word_at(head));
                    } else if (t == "bytes") {
                        auto b = r.bytes_at(head);
                        a.value = to_hex(b);
                        if (f.category == "multisend") {
                            if (depth >= kMaxDepth)
                                throw InputError("MultiSend nested deeper than 4 levels");
                            for (auto& sub : split_multisend(b))
                                c.inner.push_back(decode_at_depth(sub.to, sub.value, sub.data,
                                                                  sub.operation, safe, depth + 1));
                        }
                    } else if (t == "uint256[]") {
                        std::string list;
                        for (const auto& x : r.uint_array_at(head))
                            list += (list.empty() ? "" : ",") + to_decimal(x);
                        a.value = "[" + list + "]";
                    }
                    args.push_back(std::move(a));
                }
                c.args = std::move(args);
                c.function = f.signature;
                c.category = f.category;
            } catch (const InputError& e) {
                c.function = f.signature;
                c.category = f.category;
                c.error = e.what();
                c.args.clear();
                c.inner.clear();
                c.address_args.clear();
                c.amount_args.clear();
            }
        }
    }
    if (!c.error.empty())
        c.summary = fmt::format("Call {} on {} with malformed data ({})",
                                c.function.empty() ? c.selector : c.function, to.checksum(), c.error);
    else
        c.summary = summarize(c, safe);
    return c;
}

}  // namespace

std::vector<DecodedCall> split_multisend(std::span<const std::uint8_t> packed) {
    std::vector<DecodedCall> out;
    std::size_t pos = 0;
    while (pos < packed.size()) {
        const std::size_t header = 1 + 20 + 32 + 32;
        if (packed.size() - pos < header)
            throw InputError(fmt::format(
                "MultiSend transactions: truncated header of transaction {} at byte {} ({} bytes "
                "left, 85 needed)", out.size(), pos, packed.size() - pos));
        DecodedCall c;
        std::uint8_t op = packed[pos];
        if (op > 1)
            throw InputError(fmt::format(
                "MultiSend transactions: operation {} of transaction {} at byte {} is not 0 or 1",
                op, out.size(), pos));
        c.operation = static_cast<Operation>(op);
        std::copy_n(packed.begin() + static_cast<std::ptrdiff_t>(pos + 1), 20, c.to.b.begin());
        c.value = u256_from_be(packed.subspan(pos + 21, 32));
        U256 len = u256_from_be(packed.subspan(pos + 53, 32));
        pos += header;
        if (len > packed.size() - pos)
            throw InputError(fmt::format(
                "MultiSend transactions: transaction {} claims {} data bytes but only {} remain",
                out.size(), to_decimal(len), packed.size() - pos));
        auto n = static_cast<std::size_t>(len);
        c.data.assign(packed.begin() + static_cast<std::ptrdiff_t>(pos),
                      packed.begin() + static_cast<std::ptrdiff_t>(pos + n));
        pos += n;
        out.push_back(std::move(c));
    }
    return out;
}

DecodedCall decode_call(const Address& to, const U256& value, std::span<const std::uint8_t> data,
                        Operation op, const std::optional<Address>& safe) {
    return decode_at_depth(to, value, data, op, safe, 0);
}

}  // namespace chainward::safe
