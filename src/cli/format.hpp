// Shared CLI helpers: resolving --asset and rendering amounts/assets for people and JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "eth/eth.hpp"
#include "store/store.hpp"

namespace chainward::cli {

/// Parses an address argument; throws InputError naming the argument.
Address parse_address_arg(const std::string& s, const char* what);

/// --asset: "native"/"ETH", a token contract (0x…), or a known symbol (USDT, WETH…). Returns the
/// matching stored asset ids (one per token id for NFTs); an empty list when nothing is stored.
struct AssetSelection {
    std::string label;                     ///< what to print ("ETH", "USDT", "0x…")
    std::string json_asset;                ///< "native" or the contract address
    std::vector<store::AssetId> ids;
    unsigned decimals = 18;
};
AssetSelection select_asset(const store::TransferStore& st, const std::string& arg);

/// Symbol and decimals of a stored asset, from the token table (decimals 0 for NFTs).
using eth::AssetDisplay;
using eth::display_asset;

std::string json_escape(const std::string& s);

/// Where the label store is: --labels-db (a SQLite path or postgresql://…) when given, else
/// $CHAINWARD_LABELS_DB when set, else DATA_DIR/labels.db.
std::string label_store_location(const std::string& labels_db, const std::string& data_dir);

/// Registers the token metadata a store directory holds (tokens.json, written by `ingest --rpc`).
void load_token_metadata(const store::TransferStore& st);

}  // namespace chainward::cli
