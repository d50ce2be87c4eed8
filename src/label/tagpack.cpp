#include <fmt/format.h>

#include "label/import.hpp"

namespace chainward::label {
namespace detail {
Batch read_tagpack(std::string_view, const std::string& name, const ImportOptions&) {
    throw InputError(fmt::format("{}: the TagPack importer is not built yet", name));
}
}  // namespace detail
std::string export_tagpack(const std::vector<Record>&, const std::vector<Entity>&, const std::string&) {
    throw InputError("TagPack export is not built yet");
}
std::string export_csv(const std::vector<Record>&) { throw InputError("CSV export is not built yet"); }
}  // namespace chainward::label
