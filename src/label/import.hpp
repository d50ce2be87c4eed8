// Internal to src/label: the per-format readers behind read_text (import.cpp dispatches).
#pragma once

#include <string>
#include <string_view>

#include "label/label.hpp"

namespace chainward::label::detail {

Batch read_csv_list(std::string_view text, const std::string& name, const ImportOptions& opt);
Batch read_json_list(std::string_view text, const std::string& name, const ImportOptions& opt);
Batch read_plain_list(std::string_view text, const std::string& name, const ImportOptions& opt);
Batch read_ofac_csv(std::string_view text, const std::string& name, const ImportOptions& opt);
Batch read_ofac_xml(std::string_view text, const std::string& name, const ImportOptions& opt);
Batch read_tagpack(std::string_view text, const std::string& name, const ImportOptions& opt);

/// Builds a record: checks and normalizes the address for its chain (chain "" = detect from the
/// form) and lowercases the category. `where` ("file: line 12") prefixes the InputError. An
/// address that fails its given chain's checks but is a valid address of the chain its form shows
/// (OFAC lists a Tron address under XBT) is stored for that chain, with a warning.
Record make_record(const std::string& where, std::string_view address, std::string chain, std::string category,
                   std::string entity, int confidence, std::vector<std::string>& warnings);
/// Parses a validity bound; InputError naming `where` and the field on failure.
Bound parse_bound(const std::string& where, const char* field, std::string_view text);

}  // namespace chainward::label::detail
