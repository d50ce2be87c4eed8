// GraphSense TagPack import and export (YAML, yaml-cpp). TagPacks carry no validity, so a tag's
// `context` JSON holds valid_from / valid_to, and on export also the exact category, confidence and
// note, which makes a round trip exact. Header-level fields are defaults for every tag.
#include <fmt/format.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include "label/categories.hpp"
#include "label/csv.hpp"
#include "label/import.hpp"

namespace chainward::label {

namespace {

constexpr std::pair<std::string_view, int> kConfidence[] = {
    {"override", 100},      {"ownership", 100}, {"manual_transaction", 90}, {"service_api", 70},
    {"authority_data", 60}, {"trusted_provider", 50}, {"service_data", 50}, {"forensic", 50},
    {"untrusted_transaction", 40}, {"web_crawl", 20}, {"heuristic", 10}, {"unknown", 5}};

std::string native_currency(const std::string& chain) {
    static const std::pair<std::string_view, std::string_view> m[] = {{"eth", "ETH"}, {"btc", "BTC"}, {"trx", "TRX"}, {"bsc", "BNB"},
                                                                      {"polygon", "MATIC"}, {"avax", "AVAX"}, {"ftm", "FTM"}, {"arb", "ETH"},
                                                                      {"op", "ETH"}, {"base", "ETH"}};
    for (const auto& [k, v] : m)
        if (k == chain) return std::string(v);
    std::string u = chain;
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
}

/// The value of `key` in a mapping, or a null node (never inserts, never throws).
YAML::Node value_of(const YAML::Node& map, std::string_view key) {
    for (auto it = map.begin(); it != map.end(); ++it)
        if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
    return YAML::Node(YAML::NodeType::Null);
}

}  // namespace

namespace detail {

Batch read_tagpack(std::string_view text, const std::string& name, const ImportOptions& opt) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw InputError(fmt::format("{}: line {}: not YAML: {}", name, e.mark.line + 1, e.msg));
    }
    if (!root.IsMap()) throw InputError(fmt::format("{}: want a TagPack (a mapping with title, creator and tags)", name));
    auto tags = value_of(root, "tags");
    if (!tags.IsSequence()) throw InputError(fmt::format("{}: no tags list", name));
    Batch b;
    if (auto t = value_of(root, "title"); t.IsScalar()) b.source = t.Scalar();
    std::size_t i = 0;
    for (const auto& tag : tags) {
        const std::string where = fmt::format("{}: line {} (tag {})", name, tag.Mark().line + 1, i++);
        if (!tag.IsMap()) throw InputError(fmt::format("{}: want a mapping", where));
        // a tag field, else the header's default
        auto field = [&](const char* k) -> std::string {
            YAML::Node v = value_of(tag, k);
            if (v.IsNull()) v = value_of(root, k);
            if (v.IsNull()) return "";
            if (!v.IsScalar()) throw InputError(fmt::format("{}: field {}: want a single value", where, k));
            return v.as<std::string>();
        };
        std::string address = field("address");
        if (address.empty()) {
            b.warnings.push_back(fmt::format("{}: no address (a transaction or cluster tag): skipped", where));
            continue;
        }
        std::string category, valid_from, valid_to, note, conf_override, entity_override;
        bool has_note = false, has_entity = false;
        if (std::string ctx = field("context"); !ctx.empty()) {
            simdjson::dom::parser p;
            simdjson::padded_string ps(ctx);
            simdjson::dom::element doc;
            simdjson::dom::object obj;
            if (p.parse(ps).get(doc) || doc.get_object().get(obj))
                throw InputError(fmt::format("{}: field context: not a JSON object", where));
            for (auto [k, v] : obj) {
                std::string val;
                if (v.is_string()) val = std::string(v.get_string().value());
                else if (v.is_int64()) val = std::to_string(v.get_int64().value());
                else if (v.is_uint64()) val = std::to_string(v.get_uint64().value());
                else continue;  // other context keys (GraphSense uses refs, images, …) are not ours
                if (k == "valid_from") valid_from = val;
                else if (k == "valid_to") valid_to = val;
                else if (k == "category") category = val;
                else if (k == "note") note = val, has_note = true;
                else if (k == "entity") entity_override = val, has_entity = true;
                else if (k == "confidence") conf_override = val;
            }
        }
        auto concept_category = [](const std::string& c) -> std::string {
            for (const auto& [concept_, cat] : kConceptToCategory)
                if (concept_ == c) return std::string(cat);
            return c;  // unknown concepts are kept as categories
        };
        if (category.empty() && !field("abuse").empty()) category = concept_category(field("abuse"));
        if (category.empty() && !field("category").empty()) category = concept_category(field("category"));
        if (category.empty()) category = opt.category;
        int confidence = opt.confidence < 0 ? 50 : opt.confidence;
        if (std::string c = field("confidence"); !c.empty()) {
            bool known = false;
            for (const auto& [id, level] : kConfidence)
                if (id == c) confidence = level, known = true;
            if (!known) throw InputError(fmt::format("{}: field confidence: \"{}\" is not a GraphSense confidence level", where, c));
        }
        if (!conf_override.empty()) {
            try {
                confidence = std::stoi(conf_override);
            } catch (const std::exception&) {
                throw InputError(fmt::format("{}: context confidence: \"{}\"", where, conf_override));
            }
        }
        std::string chain = field("network");
        if (chain.empty()) chain = field("currency");
        if (chain.empty()) chain = opt.chain;
        std::string entity = field("actor");
        if (entity.empty()) entity = field("label");
        if (has_entity) entity = entity_override;
        Record r = make_record(where, address, chain, category, entity, confidence, b.warnings);
        r.valid_from = parse_bound(where, "context valid_from", valid_from);
        r.valid_to = parse_bound(where, "context valid_to", valid_to);
        r.note = has_note ? note : field("source");
        b.records.push_back(std::move(r));
        if (!b.records.back().entity.empty()) b.entities.push_back({b.records.back().entity, b.records.back().category, ""});
    }
    return b;
}

}  // namespace detail

std::string export_tagpack(const std::vector<Record>& records, const std::vector<Entity>& entities, const std::string& title) {
    (void)entities;
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "title" << YAML::Value << title;
    out << YAML::Key << "creator" << YAML::Value << "chainward labels export";
    out << YAML::Key << "description" << YAML::Value
        << "Labels exported from a chainward label store. A tag's context JSON carries the exact category, confidence, note and "
           "validity (valid_from, valid_to: UTC time or block:N).";
    out << YAML::Key << "tags" << YAML::Value << YAML::BeginSeq;
    for (const auto& r : records) {
        std::string_view concept_ = "", abuse = "";
        for (const auto& c : detail::kCategories)
            if (c.category == r.category) concept_ = c.concept_, abuse = c.abuse;
        std::string conf = "unknown";
        for (const auto& [id, level] : kConfidence)
            if (level <= r.confidence) {
                conf = std::string(id);
                break;
            }
        std::string ctx = fmt::format("{{\"category\": \"{}\", \"confidence\": {}", json_escape(r.category), r.confidence);
        if (r.valid_from.set()) ctx += fmt::format(", \"valid_from\": \"{}\"", r.valid_from.str());
        if (r.valid_to.set()) ctx += fmt::format(", \"valid_to\": \"{}\"", r.valid_to.str());
        ctx += fmt::format(", \"note\": \"{}\"", json_escape(r.note));
        if (r.entity.empty()) ctx += ", \"entity\": \"\"";
        ctx += "}";
        out << YAML::BeginMap;
        out << YAML::Key << "address" << YAML::Value << r.address;
        out << YAML::Key << "label" << YAML::Value << (r.entity.empty() ? r.category : r.entity);
        if (!r.entity.empty()) out << YAML::Key << "actor" << YAML::Value << r.entity;
        out << YAML::Key << "source" << YAML::Value << r.source;
        out << YAML::Key << "currency" << YAML::Value << native_currency(r.chain);
        out << YAML::Key << "network" << YAML::Value << r.chain;
        if (!concept_.empty()) out << YAML::Key << "category" << YAML::Value << std::string(concept_);
        if (!abuse.empty()) out << YAML::Key << "abuse" << YAML::Value << std::string(abuse);
        out << YAML::Key << "confidence" << YAML::Value << conf;
        out << YAML::Key << "context" << YAML::Value << YAML::SingleQuoted << ctx;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

std::string export_csv(const std::vector<Record>& records) {
    std::string out = "address,chain,entity,category,source,confidence,valid_from,valid_to,note,listed\n";
    for (const auto& r : records)
        out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", r.address, r.chain, csv_quote(r.entity), csv_quote(r.category), csv_quote(r.source), r.confidence,
                           r.valid_from.str(), r.valid_to.str(), csv_quote(r.note), r.listed ? 1 : 0);
    return out;
}

}  // namespace chainward::label
