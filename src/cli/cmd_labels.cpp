// labels: import, list, show and export the label store (docs/labels.md).
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "label/label.hpp"

namespace chainward::cli {
namespace {

struct LabelsArgs {
    std::string data_dir, labels_db, format = "auto", source, category, entity, chain, columns, out;
    std::vector<std::string> files;
    std::string address;
    int confidence = -1;
    bool keep = false, json = false, all = false;
};

std::unique_ptr<label::LabelStore> open_store(const LabelsArgs& a, bool create) {
    const std::string where = label_store_location(a.labels_db, a.data_dir);
    if (!where.starts_with("postgres")) {
        auto dir = std::filesystem::path(where).parent_path();
        if (!dir.empty() && !std::filesystem::exists(dir)) {
            if (!create) throw InputError(fmt::format("{}: no label store here (import labels first, or give --labels-db)", where));
            std::filesystem::create_directories(dir);
        }
        if (!create && !std::filesystem::exists(where))
            throw InputError(fmt::format("{}: no label store here (import labels first, or give --labels-db)", where));
    }
    return label::LabelStore::open(where);
}

std::string record_json(const label::Record& r) {
    return fmt::format(
        "{{\"chain\":\"{}\",\"address\":\"{}\",\"category\":\"{}\",\"entity\":\"{}\",\"source\":\"{}\",\"confidence\":{},"
        "\"valid_from\":{},\"valid_to\":{},\"note\":\"{}\",\"listed\":{}}}",
        r.chain, json_escape(r.address), json_escape(r.category), json_escape(r.entity), json_escape(r.source), r.confidence,
        r.valid_from.set() ? "\"" + r.valid_from.str() + "\"" : "null", r.valid_to.set() ? "\"" + r.valid_to.str() + "\"" : "null",
        json_escape(r.note), r.listed ? "true" : "false");
}

std::string shown_address(const label::Record& r) {
    return label::is_evm_chain(r.chain) ? parse_address(r.address).checksum() : r.address;
}

std::string validity(const label::Record& r) {
    if (!r.valid_from.set() && !r.valid_to.set()) return "always";
    return fmt::format("{} .. {}", r.valid_from.set() ? r.valid_from.str() : "", r.valid_to.set() ? r.valid_to.str() : "");
}

label::Filter filter_of(const LabelsArgs& a) {
    label::Filter f;
    f.category = a.category;
    f.source = a.source;
    f.chain = a.chain;
    f.listed_only = !a.all;
    return f;
}

void add_filter_options(CLI::App& cmd, LabelsArgs& a, const char* source_help) {
    cmd.add_option("--category", a.category, "only this category");
    cmd.add_option("--source", a.source, source_help);
    cmd.add_option("--chain", a.chain, "only this chain");
    cmd.add_flag("--all", a.all, "also labels ended by a re-import");
}

void run_import(const LabelsArgs& a) {
    auto fmt_opt = label::format_from_name(a.format);
    if (!fmt_opt) throw InputError(fmt::format("--format \"{}\": want ofac-xml, ofac-csv, tagpack, csv, json or list", a.format));
    label::ImportOptions o;
    o.format = *fmt_opt;
    o.category = a.category;
    o.entity = a.entity;
    o.chain = a.chain;
    o.confidence = a.confidence;
    o.columns = a.columns;
    if (o.confidence > 100) throw InputError("--confidence: want 0..100");
    label::Batch all;
    std::string suggested;
    for (const auto& f : a.files) {
        label::Batch b = label::read_file(f, o);  // every file is read before anything is stored
        if (suggested.empty()) suggested = b.source;
        all.records.insert(all.records.end(), b.records.begin(), b.records.end());
        all.entities.insert(all.entities.end(), b.entities.begin(), b.entities.end());
        all.warnings.insert(all.warnings.end(), b.warnings.begin(), b.warnings.end());
    }
    std::string source = !a.source.empty() ? a.source : !suggested.empty() ? suggested : std::filesystem::path(a.files.at(0)).stem().string();
    for (const auto& w : all.warnings) fmt::print(stderr, "chainward: warning: {}\n", w);
    auto store = open_store(a, true);
    auto r = store->import(all, source, a.format, a.files, !a.keep);
    fmt::print("source \"{}\": {} labels read from {} file{}: {} added, {} changed, {} ended, {} unchanged ({} warning{})\n", source,
               r.records, a.files.size(), a.files.size() == 1 ? "" : "s", r.added, r.changed, r.ended, r.unchanged, all.warnings.size(),
               all.warnings.size() == 1 ? "" : "s");
}

void print_records(const std::vector<label::Record>& rs, bool json) {
    if (json) {
        fmt::print("[");
        for (std::size_t i = 0; i < rs.size(); ++i) fmt::print("{}{}", i ? ",\n " : "", record_json(rs[i]));
        fmt::print("]\n");
        return;
    }
    for (const auto& r : rs)
        fmt::print("{:<5} {:<44} {:<16} {:<28} {:<18} {:>3}  {}{}\n", r.chain, shown_address(r), r.category, r.entity.empty() ? "-" : r.entity,
                   r.source, r.confidence, validity(r), r.listed ? "" : "  (ended)");
}

void run_list(const LabelsArgs& a) {
    print_records(open_store(a, false)->list(filter_of(a)), a.json);
}

void run_show(const LabelsArgs& a) {
    auto store = open_store(a, false);
    auto rs = store->find(a.address);
    if (a.json) {
        fmt::print("{{\"address\":\"{}\",\"labels\":[", json_escape(a.address));
        for (std::size_t i = 0; i < rs.size(); ++i) fmt::print("{}{}", i ? "," : "", record_json(rs[i]));
        fmt::print("],\"entities\":[");
        std::vector<std::string> seen;
        for (const auto& r : rs) {
            if (r.entity.empty() || std::find(seen.begin(), seen.end(), r.entity) != seen.end()) continue;
            auto e = store->entity(r.entity);
            if (!e) continue;
            fmt::print("{}{{\"name\":\"{}\",\"category\":\"{}\",\"jurisdiction\":\"{}\"}}", seen.empty() ? "" : ",", json_escape(e->name),
                       json_escape(e->category), json_escape(e->jurisdiction));
            seen.push_back(r.entity);
        }
        fmt::print("],\"history\":[");
        bool first = true;
        for (const auto& r : rs)
            for (const auto& h : store->history(r.id)) {
                fmt::print("{}{{\"label\":\"{}\",\"action\":\"{}\",\"detail\":\"{}\",\"at\":\"{}\",\"source\":\"{}\",\"files\":\"{}\"}}",
                           first ? "" : ",", json_escape(r.category + " / " + r.entity), h.action, json_escape(h.detail),
                           label::Bound::time(h.at).str(), json_escape(h.source), json_escape(h.files));
                first = false;
            }
        fmt::print("]}}\n");
        return;
    }
    if (rs.empty()) {
        fmt::print("{}: no labels\n", a.address);
        return;
    }
    fmt::print("{} ({}): {} label{}\n", shown_address(rs[0]), rs[0].chain, rs.size(), rs.size() == 1 ? "" : "s");
    for (const auto& r : rs) {
        fmt::print("  {:<16} {:<28} source {:<18} confidence {:>3}  valid {}{}\n", r.category, r.entity.empty() ? "-" : r.entity, r.source,
                   r.confidence, validity(r), r.listed ? "" : "  (ended)");
        if (!r.note.empty()) fmt::print("    {}\n", r.note);
        if (auto e = r.entity.empty() ? std::nullopt : store->entity(r.entity); e && (!e->category.empty() || !e->jurisdiction.empty()))
            fmt::print("    entity: {} ({}{}{})\n", e->name, e->category, e->jurisdiction.empty() ? "" : ", ", e->jurisdiction);
        for (const auto& h : store->history(r.id))
            fmt::print("    {} {:<6} {} [{}: {}]\n", label::Bound::time(h.at).str(), h.action, h.detail, h.source, h.files);
    }
}

void run_export(const LabelsArgs& a) {
    if (a.format != "tagpack" && a.format != "csv") throw InputError(fmt::format("--format \"{}\": want tagpack or csv", a.format));
    auto store = open_store(a, false);
    auto rs = store->list(filter_of(a));
    std::string text = a.format == "csv" ? label::export_csv(rs) : label::export_tagpack(rs, store->entities(), a.source.empty() ? "chainward labels" : a.source);
    if (a.out.empty()) {
        fmt::print("{}", text);
        return;
    }
    std::ofstream o(a.out, std::ios::binary);
    o << text;
    if (!o) throw InputError(fmt::format("--out {}: cannot write", a.out));
}

void add_store_options(CLI::App& cmd, LabelsArgs& a) {
    add_data_dir_option(cmd, a.data_dir);
    cmd.add_option("--labels-db", a.labels_db,
                   "label store: a SQLite file or postgresql://user@host:port/db (default $CHAINWARD_LABELS_DB, else DATA_DIR/labels.db)");
}

}  // namespace

void add_labels_command(CLI::App& app) {
    auto* labels = app.add_subcommand("labels", "Import, list, show and export address labels (sanctions, thefts, services). docs/labels.md");
    labels->require_subcommand(1);

    auto ai = std::make_shared<LabelsArgs>();
    auto* imp = labels->add_subcommand(
        "import",
        "Store FILEs as the current content of a source: adds, changes and ends labels (never duplicates).\n"
        "  chainward labels import --format ofac-xml sdn_advanced.xml\n"
        "  chainward labels import --format list --category sanctioned --entity 'OFAC SDN' --source ofac-eth sanctioned_addresses_ETH.txt\n"
        "  chainward labels import --format csv --columns entity=incident,category=role --source dprk attribution.csv");
    add_store_options(*imp, *ai);
    imp->add_option("--format", ai->format, "ofac-xml, ofac-csv, tagpack, csv, json or list (default: from the file name and content)");
    imp->add_option("--source", ai->source, "source name (default: ofac-sdn for OFAC, the TagPack title, else the first file's stem)");
    imp->add_option("--category", ai->category, "category for lists (and CSV/JSON rows without one)");
    imp->add_option("--entity", ai->entity, "entity for lists (and CSV/JSON rows without one)");
    imp->add_option("--chain", ai->chain, "chain for lists and rows without one (eth, btc, trx, …; default: from the address form)");
    imp->add_option("--confidence", ai->confidence, "confidence 0..100 (default: 60 for OFAC, 50 otherwise, or the TagPack's level)");
    imp->add_option("--columns", ai->columns, "CSV/JSON column mapping field=column,… (fields: address, entity, category, chain, valid_from, valid_to, confidence, note, jurisdiction)");
    imp->add_flag("--keep", ai->keep, "only add and change: do not end the source's labels missing from these files");
    imp->add_option("files", ai->files, "files to import (together one snapshot of the source)")->required();
    imp->callback([ai] { run_import(*ai); });

    auto al = std::make_shared<LabelsArgs>();
    auto* list = labels->add_subcommand("list", "List labels (default: the ones their source still lists)");
    add_store_options(*list, *al);
    add_filter_options(*list, *al, "only this source");
    list->add_flag("--json", al->json, "JSON array of labels");
    list->callback([al] { run_list(*al); });

    auto as = std::make_shared<LabelsArgs>();
    auto* show = labels->add_subcommand("show", "Labels of one address with their entity and history");
    add_store_options(*show, *as);
    show->add_option("address", as->address, "address (any chain)")->required();
    show->add_flag("--json", as->json, "JSON: labels, entities, history");
    show->callback([as] { run_show(*as); });

    auto ae = std::make_shared<LabelsArgs>();
    auto* exp = labels->add_subcommand("export", "Export labels as a GraphSense TagPack (YAML) or CSV");
    add_store_options(*exp, *ae);
    exp->add_option("--format", ae->format, "tagpack or csv")->required();
    add_filter_options(*exp, *ae, "only this source (also the TagPack title)");
    exp->add_option("--out", ae->out, "write to this file (default: standard output)");
    exp->callback([ae] { run_export(*ae); });
}

}  // namespace chainward::cli
