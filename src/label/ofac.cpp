// OFAC SDN importers: the advanced XML (sdn_advanced.xml, namespaced; Digital Currency Address
// features of each distinct party, with the party's name, programs and listing date) and the
// legacy sdn.csv (addresses inside the Remarks field, which OFAC cuts at 1,000 characters).
#include <map>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "label/csv.hpp"
#include "label/import.hpp"

namespace chainward::label::detail {

namespace {

constexpr int kOfacConfidence = 60;  // GraphSense "authority_data"
constexpr std::string_view kFeaturePrefix = "Digital Currency Address - ";

/// Chain of an OFAC currency code; tokens (USDT, USDC) and unknown codes follow the address form.
std::string chain_for(std::string_view currency) { return chain_of_currency(currency); }

// ---- namespace-aware access (pugixml keeps qualified names; resolve prefixes ourselves) ---------

// Both namespaces OFAC has published the advanced schema under.
constexpr std::string_view kNamespaces[] = {"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML",
                                            "http://www.un.org/sanctions/1.0"};

std::string_view local_name(const pugi::xml_node& n) {
    std::string_view q = n.name();
    auto c = q.find(':');
    return c == std::string_view::npos ? q : q.substr(c + 1);
}

std::string_view namespace_of(const pugi::xml_node& n) {
    std::string_view q = n.name();
    auto c = q.find(':');
    std::string attr = c == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(q.substr(0, c));
    for (pugi::xml_node p = n; p; p = p.parent())
        if (auto a = p.attribute(attr.c_str())) return a.value();
    return "";
}

bool in_ofac_ns(const pugi::xml_node& n) {
    auto ns = namespace_of(n);
    for (auto k : kNamespaces)
        if (ns == k) return true;
    return false;
}

bool is(const pugi::xml_node& n, std::string_view local) { return n.type() == pugi::node_element && local_name(n) == local && in_ofac_ns(n); }

pugi::xml_node child(const pugi::xml_node& n, std::string_view local) {
    for (auto c : n.children())
        if (is(c, local)) return c;
    return {};
}

template <class F>
void each(const pugi::xml_node& n, std::string_view local, F&& f) {
    for (auto c : n.children())
        if (is(c, local)) f(c);
}

struct Lines {
    std::vector<std::size_t> starts{0};
    explicit Lines(std::string_view t) {
        for (std::size_t i = 0; i < t.size(); ++i)
            if (t[i] == '\n') starts.push_back(i + 1);
    }
    std::size_t at(std::ptrdiff_t offset) const {
        return static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, offset))) - starts.begin());
    }
};

std::string text_of(const pugi::xml_node& n) { return trim(n.child_value()); }

/// "YYYY-MM-DD" of a <Date> (Year, Month, Day children), "" if incomplete.
std::string date_of(const pugi::xml_node& d) {
    auto y = child(d, "Year"), m = child(d, "Month"), day = child(d, "Day");
    if (!y || !m || !day) return "";
    try {
        return fmt::format("{:04}-{:02}-{:02}", std::stoi(text_of(y)), std::stoi(text_of(m)), std::stoi(text_of(day)));
    } catch (const std::exception&) {
        return "";
    }
}

/// The primary name of a profile: its first Primary alias (else its first alias), name parts
/// joined with spaces.
std::string primary_name(const pugi::xml_node& profile) {
    std::string first, primary;
    each(profile, "Identity", [&](const pugi::xml_node& id) {
        each(id, "Alias", [&](const pugi::xml_node& alias) {
            std::string name;
            if (auto dn = child(alias, "DocumentedName"))
                each(dn, "DocumentedNamePart", [&](const pugi::xml_node& part) {
                    if (auto v = child(part, "NamePartValue")) name += (name.empty() ? "" : " ") + text_of(v);
                });
            if (first.empty()) first = name;
            if (primary.empty() && std::string_view(alias.attribute("Primary").value()) == "true") primary = name;
        });
    });
    return primary.empty() ? first : primary;
}

}  // namespace

Batch read_ofac_xml(std::string_view text, const std::string& name, const ImportOptions& opt) {
    pugi::xml_document doc;
    auto res = doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_auto);
    Lines lines(text);
    if (!res) throw InputError(fmt::format("{}: line {}: not well-formed XML: {}", name, lines.at(res.offset), res.description()));
    pugi::xml_node root = doc.document_element();
    if (!is(root, "Sanctions"))
        throw InputError(fmt::format("{}: line {}: root element is <{}> in namespace \"{}\", want <Sanctions> of OFAC's advanced schema", name,
                                     lines.at(root.offset_debug()), root.name(), namespace_of(root)));
    // Reference values: which feature types are digital currency addresses (and of what currency)
    std::map<std::string, std::string> currency_of_feature;
    if (auto rvs = child(root, "ReferenceValueSets"))
        if (auto ftv = child(rvs, "FeatureTypeValues"))
            each(ftv, "FeatureType", [&](const pugi::xml_node& ft) {
                std::string label = text_of(ft);
                if (label.starts_with(kFeaturePrefix)) currency_of_feature[ft.attribute("ID").value()] = trim(label.substr(kFeaturePrefix.size()));
            });
    // Sanctions entries: programs and listing date per profile
    struct Entry {
        std::vector<std::string> programs;
        std::string listed;
    };
    std::map<std::string, Entry> entries;
    if (auto se = child(root, "SanctionsEntries"))
        each(se, "SanctionsEntry", [&](const pugi::xml_node& e) {
            Entry& x = entries[e.attribute("ProfileID").value()];
            each(e, "EntryEvent", [&](const pugi::xml_node& ev) {
                if (auto d = child(ev, "Date")) {
                    std::string s = date_of(d);
                    if (!s.empty() && (x.listed.empty() || s < x.listed)) x.listed = s;
                }
            });
            each(e, "SanctionsMeasure", [&](const pugi::xml_node& m) {
                if (auto c = child(m, "Comment")) {
                    std::string p = text_of(c);
                    if (!p.empty() && std::find(x.programs.begin(), x.programs.end(), p) == x.programs.end()) x.programs.push_back(p);
                }
            });
        });
    Batch b;
    b.source = "ofac-sdn";
    auto parties = child(root, "DistinctParties");
    if (!parties) throw InputError(fmt::format("{}: line {}: no <DistinctParties>", name, lines.at(root.offset_debug())));
    each(parties, "DistinctParty", [&](const pugi::xml_node& party) {
        const std::string fixed = party.attribute("FixedRef").value();
        each(party, "Profile", [&](const pugi::xml_node& profile) {
            std::string entity;
            each(profile, "Feature", [&](const pugi::xml_node& f) {
                auto cur = currency_of_feature.find(f.attribute("FeatureTypeID").value());
                if (cur == currency_of_feature.end()) return;
                if (entity.empty()) entity = primary_name(profile);
                const std::string where = fmt::format("{}: line {} (DistinctParty {}, Feature {})", name, lines.at(f.offset_debug()), fixed,
                                                      f.attribute("ID").value());
                if (entity.empty()) throw InputError(fmt::format("{}: the party has no name", where));
                each(f, "FeatureVersion", [&](const pugi::xml_node& v) {
                    auto detail = child(v, "VersionDetail");
                    std::string addr = detail ? text_of(detail) : "";
                    if (addr.empty()) throw InputError(fmt::format("{}: no VersionDetail with the address", where));
                    Record r = make_record(where, addr, chain_for(cur->second), "sanctioned", entity, opt.confidence < 0 ? kOfacConfidence : opt.confidence, b.warnings);
                    const Entry& e = entries[profile.attribute("ID").value()];
                    std::string programs;
                    for (const auto& p : e.programs) programs += (programs.empty() ? "" : ", ") + p;
                    r.note = fmt::format("OFAC SDN {}; {}; {}", fixed, cur->second, programs.empty() ? "no program" : "program " + programs);
                    if (!e.listed.empty()) {
                        r.valid_from = parse_bound(where, "listing date", e.listed);
                        r.note += "; listed " + e.listed;
                    }
                    b.records.push_back(std::move(r));
                });
            });
            if (!entity.empty()) b.entities.push_back({entity, "sanctioned", ""});
        });
    });
    return b;
}

// ---- legacy sdn.csv ------------------------------------------------------------------------------

Batch read_ofac_csv(std::string_view text0, const std::string& name, const ImportOptions& opt) {
    // SDN.CSV is Latin-1; addresses are ASCII, names are converted to UTF-8 for the store.
    std::string text;
    text.reserve(text0.size());
    for (unsigned char c : text0) {
        if (c < 0x80) {
            text += static_cast<char>(c);
        } else {
            text += static_cast<char>(0xC0 | c >> 6);
            text += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    constexpr std::size_t kRemarksLimit = 1000;
    Batch b;
    b.source = "ofac-sdn";
    std::size_t pos = 0, line = 1;
    std::vector<std::string> rec;
    auto null = [](const std::string& s) { return s == "-0-" ? std::string() : s; };
    for (;;) {
        const std::size_t rec_line = line;
        if (!next_record(text, pos, line, rec, name)) break;
        if (rec.size() == 1 && (rec[0].empty() || rec[0] == "\x1a")) continue;  // blank line, DOS end-of-file mark
        const std::string where0 = fmt::format("{}: line {}", name, rec_line);
        if (rec.size() != 12) throw InputError(fmt::format("{}: {} fields, want the 12 of SDN.CSV", where0, rec.size()));
        const std::string ent = rec[0], sdn_name = null(rec[1]), program = null(rec[3]), remarks = null(rec[11]);
        const bool cut = remarks.size() >= kRemarksLimit;
        std::size_t found = 0, lost_partial = 0;
        std::size_t at = 0;
        while ((at = remarks.find(kFeaturePrefix, at)) != std::string::npos) {
            at += kFeaturePrefix.size();
            auto sp = remarks.find(' ', at);
            if (sp == std::string::npos) {  // cut inside the currency code
                ++lost_partial;
                break;
            }
            std::string currency = remarks.substr(at, sp - at);
            auto end = remarks.find_first_of("; ", sp + 1);
            std::string addr = remarks.substr(sp + 1, end == std::string::npos ? std::string::npos : end - sp - 1);
            if (end == std::string::npos) {
                if (cut) {  // runs into the cut: possibly incomplete, never stored
                    ++lost_partial;
                    break;
                }
            }
            while (!addr.empty() && addr.back() == '.') addr.pop_back();  // a sentence's period, never part of an address
            at = sp + 1;
            const std::string where = fmt::format("{} (entry {} {})", where0, ent, sdn_name);
            Record r = make_record(where, addr, chain_for(currency), "sanctioned", sdn_name, opt.confidence < 0 ? kOfacConfidence : opt.confidence, b.warnings);
            std::string prog = program;  // "CYBER2] [DPRK3" -> "CYBER2, DPRK3"
            for (std::size_t k; (k = prog.find("] [")) != std::string::npos;) prog.replace(k, 3, ", ");
            r.note = fmt::format("OFAC SDN {}; {}; program {}", ent, currency, prog);
            b.records.push_back(std::move(r));
            ++found;
        }
        if (found) b.entities.push_back({sdn_name, "sanctioned", ""});
        if (cut)
            b.warnings.push_back(fmt::format("{}: entry {} {}: Remarks cut at {} characters; digital currency addresses after the cut are "
                                             "lost ({} read before it{}). Import sdn_advanced.xml for the full list.",
                                             where0, ent, sdn_name, kRemarksLimit, found, lost_partial ? ", 1 cut through and skipped" : ""));
    }
    return b;
}

}  // namespace chainward::label::detail
