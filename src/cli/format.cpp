#include "cli/format.hpp"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "eth/eth.hpp"

namespace chainward::cli {

Address parse_address_arg(const std::string& s, const char* what) {
    try {
        return parse_address(s);
    } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("{} \"{}\": {}", what, s, e.what()));
    }
}

AssetSelection select_asset(const store::TransferStore& st, const std::string& arg) {
    load_token_metadata(st);
    AssetSelection sel;
    std::string lower;
    for (char c : arg) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "native" || lower == "eth") {
        sel.label = "ETH";
        sel.json_asset = "native";
        sel.ids = {store::kNativeAsset};
        return sel;
    }
    std::optional<Address> contract;
    if (arg.rfind("0x", 0) == 0 || arg.rfind("0X", 0) == 0)
        contract = parse_address_arg(arg, "--asset");
    else
        contract = eth::known_token_by_symbol(arg);
    if (!contract)
        throw InputError(fmt::format("--asset \"{}\": not native, a token contract address or a known symbol", arg));
    sel.json_asset = contract->hex();
    sel.ids = st.assets_of_contract(*contract);
    auto t = eth::known_token(*contract);
    sel.label = t ? t->symbol : contract->checksum();
    sel.decimals = t ? t->decimals : 0;
    if (!sel.ids.empty() && st.asset(sel.ids[0]).type != AssetType::Erc20) sel.decimals = 0;
    return sel;
}

void load_token_metadata(const store::TransferStore& st) {
    static std::string loaded;
    if (loaded == st.dir().string()) return;
    loaded = st.dir().string();
    eth::register_tokens(eth::read_token_file(st.dir() / "tokens.json"));
}

std::string json_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            o += fmt::format("\\u{:04x}", c);
            continue;
        }
        o += c;
    }
    return o;
}

std::string label_store_location(const std::string& labels_db, const std::string& data_dir) {
    if (!labels_db.empty()) return labels_db;
    if (const char* env = std::getenv("CHAINWARD_LABELS_DB"); env && *env) return env;
    return (std::filesystem::path(data_dir) / "labels.db").string();
}

}  // namespace chainward::cli
