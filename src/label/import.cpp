// Importers for CSV and JSON lists with a column mapping and for plain address lists, and the
// format dispatch. Every error names the file and the line (or the JSON record index).
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "label/csv.hpp"
#include "label/import.hpp"

namespace chainward::label {

namespace detail {

Record make_record(const std::string& where, std::string_view address, std::string chain, std::string category,
                   std::string entity, int confidence, std::vector<std::string>& warnings) {
    Record r;
    if (!chain.empty()) {
        std::string c = chain_of_currency(chain);
        chain = c.empty() ? lower(chain) : c;
    }
    try {
        r.address = normalize_address(address, chain);
    } catch (const std::invalid_argument& e) {
        std::string detected;
        try {
            if (chain.empty()) throw;
            r.address = normalize_address(address, detected);
        } catch (const std::invalid_argument&) {
            throw InputError(fmt::format("{}: field address: {} (\"{}\")", where, e.what(), address));
        }
        warnings.push_back(fmt::format("{}: {} is not a valid {} address ({}) but a valid {} address: stored for {}", where, address, chain,
                                       e.what(), detected, detected));
        chain = detected;
    }
    r.chain = chain;
    r.category = lower(trim(category));
    if (r.category.empty()) throw InputError(fmt::format("{}: field category: empty (give a category column or --category)", where));
    r.entity = trim(entity);
    r.confidence = confidence;
    return r;
}

Bound parse_bound(const std::string& where, const char* field, std::string_view text) {
    try {
        return Bound::parse(text);
    } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("{}: field {}: {}", where, field, e.what()));
    }
}

namespace {

constexpr const char* kFields[] = {"address", "entity", "category", "chain", "valid_from", "valid_to", "confidence", "note", "jurisdiction"};

/// field -> column names, from "field=column,…" (default: each field's own name). A field may
/// join several columns with '+' ("note=incident+role+source_url"): their non-empty values are
/// joined with "; ".
std::map<std::string, std::vector<std::string>> column_map(const std::string& spec, const std::string& name) {
    std::map<std::string, std::vector<std::string>> m;
    for (const char* f : kFields) m[f] = {f};
    std::stringstream ss(spec);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (trim(item).empty()) continue;
        auto eq = item.find('=');
        std::string field = lower(trim(item.substr(0, eq)));
        if (eq == std::string::npos || !m.count(field))
            throw InputError(fmt::format("{}: column mapping \"{}\": want field=column with field one of address, entity, category, chain, "
                                         "valid_from, valid_to, confidence, note, jurisdiction",
                                         name, item));
        m[field].clear();
        std::stringstream cs(item.substr(eq + 1));
        for (std::string c; std::getline(cs, c, '+');) m[field].push_back(lower(trim(c)));
    }
    return m;
}

int confidence_of(const std::string& where, const std::string& text, int fallback) {
    if (trim(text).empty()) return fallback;
    try {
        std::size_t used = 0;
        int v = std::stoi(trim(text), &used);
        if (used == trim(text).size() && v >= 0 && v <= 100) return v;
    } catch (const std::exception&) {
    }
    throw InputError(fmt::format("{}: field confidence: \"{}\" (want 0..100)", where, text));
}

/// One row given as field -> text; shared by CSV and JSON lists.
Record record_of_fields(const std::string& where, std::map<std::string, std::string> f, const ImportOptions& opt,
                        std::vector<std::string>& warnings) {
    auto get = [&](const char* k, const std::string& fallback) {
        auto it = f.find(k);
        return it == f.end() || trim(it->second).empty() ? fallback : it->second;
    };
    if (trim(get("address", "")).empty()) throw InputError(fmt::format("{}: field address: empty", where));
    Record r = make_record(where, get("address", ""), get("chain", opt.chain), get("category", opt.category), get("entity", opt.entity),
                           confidence_of(where, get("confidence", ""), opt.confidence < 0 ? 50 : opt.confidence), warnings);
    r.valid_from = parse_bound(where, "valid_from", get("valid_from", ""));
    r.valid_to = parse_bound(where, "valid_to", get("valid_to", ""));
    r.note = trim(get("note", ""));
    return r;
}

void add_entity(Batch& b, const Record& r, const std::string& jurisdiction = "") {
    if (!r.entity.empty()) b.entities.push_back({r.entity, r.category, trim(jurisdiction)});
}

}  // namespace

Batch read_csv_list(std::string_view text, const std::string& name, const ImportOptions& opt) {
    Batch b;
    auto cols = column_map(opt.columns, name);
    std::size_t pos = 0, line = 1;
    if (text.starts_with("\xEF\xBB\xBF")) pos = 3;
    std::vector<std::string> rec;
    if (!next_record(text, pos, line, rec, name)) throw InputError(fmt::format("{}: empty file (want a header line)", name));
    std::map<std::string, std::vector<std::size_t>> at;  // field -> column indexes
    for (const auto& [field, columns] : cols)
        for (const auto& column : columns)
            for (std::size_t i = 0; i < rec.size(); ++i)
                if (lower(rec[i]) == column) at[field].push_back(i);
    if (!at.count("address")) throw InputError(fmt::format("{}: line 1: no \"{}\" column for the address", name, cols["address"][0]));
    if (!at.count("category") && opt.category.empty())
        throw InputError(fmt::format("{}: line 1: no \"{}\" column and no --category", name, cols["category"][0]));
    for (;;) {
        const std::size_t rec_line = line;
        if (!next_record(text, pos, line, rec, name)) break;
        if (rec.size() == 1 && rec[0].empty()) continue;
        const std::string where = fmt::format("{}: line {}", name, rec_line);
        std::map<std::string, std::string> f;
        for (const auto& [field, idx] : at)
            for (auto i : idx) {
                if (i >= rec.size()) throw InputError(fmt::format("{}: {} fields, want at least {}", where, rec.size(), i + 1));
                if (trim(rec[i]).empty()) continue;
                auto& v = f[field];
                v += (v.empty() ? "" : "; ") + rec[i];
            }
        const std::string jurisdiction = f["jurisdiction"];
        b.records.push_back(record_of_fields(where, std::move(f), opt, b.warnings));
        add_entity(b, b.records.back(), jurisdiction);
    }
    return b;
}

Batch read_json_list(std::string_view text, const std::string& name, const ImportOptions& opt) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(text);
    simdjson::dom::element doc;
    if (auto err = parser.parse(padded).get(doc)) throw InputError(fmt::format("{}: not JSON: {}", name, simdjson::error_message(err)));
    simdjson::dom::array arr;
    if (doc.get_array().get(arr)) throw InputError(fmt::format("{}: want a JSON array of addresses or of objects", name));
    auto cols = column_map(opt.columns, name);
    Batch b;
    std::size_t i = 0;
    for (auto el : arr) {
        const std::string where = fmt::format("{}: record {}", name, i++);
        std::map<std::string, std::string> f;
        if (el.is_string()) {
            f["address"] = std::string(el.get_string().value());
        } else if (el.is_object()) {
            for (auto [k, v] : el.get_object()) {
                std::string key = lower(std::string(k));
                for (const auto& [field, columns] : cols) {
                    if (std::find(columns.begin(), columns.end(), key) == columns.end()) continue;
                    std::string val;
                    if (v.is_string()) val = std::string(v.get_string().value());
                    else if (v.is_int64()) val = std::to_string(v.get_int64().value());
                    else if (v.is_uint64()) val = std::to_string(v.get_uint64().value());
                    else if (!v.is_null()) throw InputError(fmt::format("{}: field {}: want a string or an integer", where, key));
                    if (val.empty()) continue;
                    auto& to = f[field];
                    to += (to.empty() ? "" : "; ") + val;
                }
            }
        } else {
            throw InputError(fmt::format("{}: want an address string or an object", where));
        }
        const std::string jurisdiction = f["jurisdiction"];
        b.records.push_back(record_of_fields(where, std::move(f), opt, b.warnings));
        add_entity(b, b.records.back(), jurisdiction);
    }
    return b;
}

Batch read_plain_list(std::string_view text, const std::string& name, const ImportOptions& opt) {
    std::string_view t = text;
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
    if (t.starts_with("[")) return read_json_list(text, name, opt);
    if (opt.category.empty()) throw InputError(fmt::format("{}: a plain address list needs --category", name));
    Batch b;
    std::size_t pos = 0, line = 0;
    while (pos < text.size()) {
        ++line;
        auto nl = text.find('\n', pos);
        std::string_view l = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        auto hash = l.find('#');  // comments
        std::string a = trim(l.substr(0, hash));
        if (a.empty()) continue;
        b.records.push_back(make_record(fmt::format("{}: line {}", name, line), a, opt.chain, opt.category, opt.entity,
                                        opt.confidence < 0 ? 50 : opt.confidence, b.warnings));
        add_entity(b, b.records.back());
    }
    return b;
}

}  // namespace detail

std::optional<Format> format_from_name(std::string_view n) {
    if (n == "ofac-xml") return Format::OfacXml;
    if (n == "ofac-csv") return Format::OfacCsv;
    if (n == "tagpack") return Format::TagPack;
    if (n == "csv") return Format::Csv;
    if (n == "json") return Format::Json;
    if (n == "list") return Format::List;
    if (n == "auto") return Format::Auto;
    return std::nullopt;
}

namespace {

Format detect(std::string_view text, const std::string& name) {
    std::string ext = detail::lower(std::filesystem::path(name).extension().string());
    if (ext == ".xml") return Format::OfacXml;
    if (ext == ".yaml" || ext == ".yml") return Format::TagPack;
    if (ext == ".txt") return Format::List;
    if (ext == ".json") return Format::Json;
    // The legacy SDN.CSV has no header: its first field is a number (ent_num) and nulls are -0-.
    std::string_view first = text.substr(0, text.find('\n'));
    if (!first.empty() && std::isdigit(static_cast<unsigned char>(first[0])) && first.find("-0-") != std::string_view::npos) return Format::OfacCsv;
    return Format::Csv;
}

}  // namespace

Batch read_text(std::string_view text, const std::string& name, const ImportOptions& opt) {
    Format f = opt.format == Format::Auto ? detect(text, name) : opt.format;
    switch (f) {
    case Format::OfacXml: return detail::read_ofac_xml(text, name, opt);
    case Format::OfacCsv: return detail::read_ofac_csv(text, name, opt);
    case Format::TagPack: return detail::read_tagpack(text, name, opt);
    case Format::Json: return detail::read_json_list(text, name, opt);
    case Format::List: return detail::read_plain_list(text, name, opt);
    case Format::Csv:
    case Format::Auto: break;
    }
    return detail::read_csv_list(text, name, opt);
}

Batch read_file(const std::filesystem::path& file, const ImportOptions& opt) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: cannot open", file.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    return read_text(ss.str(), file.string(), opt);
}

}  // namespace chainward::label
