#include <fmt/format.h>

#include "label/import.hpp"

namespace chainward::label::detail {
Batch read_ofac_csv(std::string_view, const std::string& name, const ImportOptions&) {
    throw InputError(fmt::format("{}: the sdn.csv importer is not built yet", name));
}
Batch read_ofac_xml(std::string_view, const std::string& name, const ImportOptions&) {
    throw InputError(fmt::format("{}: the sdn_advanced.xml importer is not built yet", name));
}
}  // namespace chainward::label::detail
