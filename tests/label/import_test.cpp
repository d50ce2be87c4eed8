// Importers on real published data (OFAC lists from 0xB10C, the legacy SDN.CSV, the attribution
// lists) and on an sdn_advanced.xml written here from OFAC's schema; address checks against the
// EIP-55 and BIP-173/350 examples; TagPack and CSV round trips through a store.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "label/label.hpp"
#include "../test_util.hpp"

namespace chainward::label {

void PrintTo(const Record& r, std::ostream* os) {
    *os << "{" << r.chain << " " << r.address << " " << r.category << " '" << r.entity << "' " << r.source << " " << r.confidence << " ["
        << r.valid_from.str() << ", " << r.valid_to.str() << ") '" << r.note << "' " << r.listed << "}";
}

namespace {

const std::filesystem::path kData = CHAINWARD_SHARED_DATA;

std::vector<std::string> lines_of(const std::filesystem::path& p) {
    std::vector<std::string> out;
    std::ifstream f(p);
    for (std::string l; std::getline(f, l);) {
        if (!l.empty() && l.back() == '\r') l.pop_back();
        if (!l.empty()) out.push_back(l);
    }
    return out;
}

std::string canonical(std::string_view a, std::string chain = "") { return normalize_address(a, chain); }

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

// ---- addresses ---------------------------------------------------------------------------------

TEST(Address, Eip55ExamplesPassAndAFlippedLetterFails) {
    // the examples of EIP-55
    for (const char* a : {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                          "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
        std::string chain;
        EXPECT_EQ(normalize_address(a, chain), parse_address(a).hex());
        EXPECT_EQ(chain, "eth");
        std::string bad = a;
        auto i = bad.find_first_of("abcdef", 2);
        bad[i] = static_cast<char>(std::toupper(bad[i]));
        EXPECT_THROW(canonical(bad), std::invalid_argument) << bad;
    }
    // all lower or all upper case carries no checksum and is accepted
    EXPECT_EQ(canonical("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"), "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    EXPECT_EQ(canonical("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "bsc"), "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
}

TEST(Address, BitcoinBase58AndSegwitExamples) {
    std::string chain;
    EXPECT_EQ(normalize_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", chain), "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
    EXPECT_EQ(chain, "btc");
    // BIP-173 (v0, bech32) and BIP-350 (v1, bech32m) valid examples
    EXPECT_EQ(canonical("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    EXPECT_EQ(canonical("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"),
              "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0");
    // BIP-350: a v0 program with a bech32m checksum is invalid
    EXPECT_THROW(canonical("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh"), std::invalid_argument);
    // one changed character breaks each checksum
    EXPECT_THROW(canonical("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"), std::invalid_argument);
    EXPECT_THROW(canonical("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"), std::invalid_argument);
    EXPECT_THROW(canonical("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj1"), std::invalid_argument);
    EXPECT_THROW(canonical("Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"), std::invalid_argument);  // mixed case
    EXPECT_THROW(canonical("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "btc"), std::invalid_argument);
    EXPECT_THROW(canonical("4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRJ5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge"),
                 std::invalid_argument);  // Monero: no chain from the form
    EXPECT_NO_THROW(canonical("4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRJ5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge", "xmr"));
}

TEST(Address, EveryOfacPublishedAddressPassesItsChainsChecks) {
    // OFAC's own lists (as extracted by 0xB10C): every checksum must hold, and a changed last
    // character must break it, for Ethereum, Bitcoin (base58 and bech32) and Tron.
    std::size_t checked = 0, mislisted = 0;
    for (const auto& [file, chain] : {std::pair{"ETH", "eth"}, {"XBT", "btc"}, {"TRX", "trx"}, {"LTC", "ltc"}, {"ARB", "arb"}, {"BSC", "bsc"}}) {
        for (const auto& a : lines_of(kData / "ofac-b10c" / (std::string("sanctioned_addresses_") + file + ".txt"))) {
            std::string c = chain;
            if (std::string_view(chain) == "btc" && a.starts_with("T")) {
                // OFAC lists a few Tron addresses under XBT: they are valid Tron addresses
                c = "trx";
                EXPECT_NO_THROW(normalize_address(a, c)) << a;
                ++mislisted;
                continue;
            }
            ASSERT_NO_THROW(normalize_address(a, c)) << file << " " << a;
            std::string detected;
            if (std::string_view(chain) != "ltc" && std::string_view(chain) != "arb" && std::string_view(chain) != "bsc") {
                normalize_address(a, detected);
                EXPECT_EQ(detected, chain) << a;
            }
            std::string bad = a;
            char& last = bad.back();
            last = last == 'q' ? 'p' : (last == '2' ? '3' : (last == 'a' ? 'b' : (last == 'A' ? 'B' : 'q')));
            if (a.starts_with("0x") && a.substr(2) == parse_address(a).hex().substr(2)) continue;  // lowercase: no checksum
            std::string c2 = chain;
            EXPECT_THROW(normalize_address(bad, c2), std::invalid_argument) << bad;
            ++checked;
        }
    }
    EXPECT_GT(checked, 500u);
    EXPECT_LT(mislisted, 5u);
}

// ---- OFAC lists (0xB10C extracts: one address per line, or a JSON array) ---------------------

TEST(Import, OfacPerCurrencyListsAsTextAndJsonGiveTheSameLabels) {
    test::TempDir dir("cw-labels");
    auto store = LabelStore::open(LabelStore::default_path(dir.p).string());
    std::size_t lines = 0;
    Batch all, all_json;
    for (const auto& e : std::filesystem::directory_iterator(kData / "ofac-b10c")) {
        const std::string stem = e.path().stem().string();
        if (!stem.starts_with("sanctioned_addresses_")) continue;
        ImportOptions o;
        o.format = Format::List;
        o.category = "sanctioned";
        o.entity = "OFAC SDN";
        o.chain = chain_of_currency(stem.substr(21));  // "" for USDT/USDC: the address form decides
        Batch b = read_file(e.path(), o);
        auto& into = e.path().extension() == ".txt" ? all : all_json;
        if (e.path().extension() == ".txt") lines += lines_of(e.path()).size();
        into.records.insert(into.records.end(), b.records.begin(), b.records.end());
    }
    EXPECT_EQ(all.records.size(), lines);
    EXPECT_EQ(all_json.records.size(), lines);
    auto r1 = store->import(all, "ofac-b10c", "list", {"sanctioned_addresses_*.txt"});
    // an address listed under two currencies (e.g. ETH and USDT) is one label per chain
    std::set<std::pair<std::string, std::string>> distinct;
    for (const auto& r : all.records) distinct.insert({r.chain, r.address});
    EXPECT_EQ(r1.added, distinct.size());
    auto r2 = store->import(all_json, "ofac-b10c", "list", {"sanctioned_addresses_*.json"});
    EXPECT_EQ(r2.added + r2.changed + r2.ended, 0u);  // the same content in the other format
    // Expected per chain, from the files by address form: Ethereum from ETH and the 0x addresses
    // of the stablecoin lists; Bitcoin from XBT (less the Tron addresses OFAC lists there) and
    // the Omni-layer USDT addresses; Tron from TRX and T… addresses anywhere.
    std::set<std::string> eth, btc, trx;
    for (const char* f : {"ETH", "XBT", "TRX", "USDT", "USDC"})
        for (const auto& a : lines_of(kData / "ofac-b10c" / (std::string("sanctioned_addresses_") + f + ".txt"))) {
            std::string lower = a;
            for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (a.starts_with("0x")) eth.insert(lower);
            else if (a.starts_with("T")) trx.insert(a);
            else if (a.starts_with("bc1")) btc.insert(lower);
            else if (a.starts_with("1") || a.starts_with("3")) btc.insert(a);
        }
    EXPECT_EQ(store->list({.category = "sanctioned", .chain = "eth"}).size(), eth.size());
    EXPECT_EQ(store->list({.chain = "btc"}).size(), btc.size());
    EXPECT_EQ(store->list({.chain = "trx"}).size(), trx.size());
    // Lazarus Group's Ronin address, published mixed-case
    auto ronin = store->find(std::string_view("0x098B716B8Aaf21512996dC57EB0615e2383E2f96"));
    ASSERT_EQ(ronin.size(), 1u);
    EXPECT_EQ(ronin[0].chain, "eth");
}

TEST(Import, PlainListErrorsNameFileAndLine) {
    ImportOptions o;
    o.format = Format::List;
    o.category = "sanctioned";
    auto e = error_of([&] { read_text("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n# comment\n\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD\n", "l.txt", o); });
    EXPECT_NE(e.find("l.txt: line 4: field address: EIP-55 checksum mismatch"), std::string::npos) << e;
    e = error_of([&] { read_text("[\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\", 7]", "l.json", o); });
    EXPECT_NE(e.find("l.json: record 1"), std::string::npos) << e;
    o.category.clear();
    e = error_of([&] { read_text("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n", "l.txt", o); });
    EXPECT_NE(e.find("--category"), std::string::npos) << e;
}

// ---- legacy SDN.CSV ------------------------------------------------------------------------------

TEST(Import, SdnCsvFindsTheRemarksAddressesAndWarnsAboutEveryCutEntry) {
    ImportOptions o;
    Batch b = read_file(kData / "ofac-sdn-csv/sdn_2024-05-03.csv", o);  // detected as ofac-csv
    EXPECT_EQ(b.source, "ofac-sdn");
    // 18 entries reach the 1,000-character limit (counted independently in SOURCES.md)
    EXPECT_EQ(std::count_if(b.warnings.begin(), b.warnings.end(), [](const std::string& w) { return w.find("Remarks cut") != std::string::npos; }), 18);
    for (const char* who : {"LAZARUS GROUP", "TORNADO CASH", "BLENDER.IO"}) {
        auto it = std::find_if(b.warnings.begin(), b.warnings.end(), [&](const std::string& w) { return w.find(who) != std::string::npos; });
        ASSERT_NE(it, b.warnings.end()) << who;
        EXPECT_NE(it->find("cut at 1000 characters"), std::string::npos) << *it;
    }
    // The addresses equal the regex extract published next to the file (ent_num, asset, address),
    // except the ones the cut runs through (never stored).
    std::set<std::tuple<std::string, std::string>> want;
    for (const auto& l : lines_of(kData / "ofac-sdn-csv/sdn_2024-05-03_digital_currency_addresses.csv")) {
        auto last = l.rfind(',');
        if (l.starts_with("ent_num")) continue;
        want.insert({l.substr(0, l.find(',')), l.substr(last + 1)});
    }
    std::set<std::tuple<std::string, std::string>> got;
    for (const auto& r : b.records) {
        auto ent = r.note.substr(9, r.note.find(';') - 9);  // "OFAC SDN 27307; …"
        std::string shown = r.address;
        got.insert({ent, shown});
    }
    auto stored_form = [](const std::string& a) {
        std::string c;
        try {
            return normalize_address(a, c);
        } catch (const std::invalid_argument&) {
            return a;
        }
    };
    std::set<std::tuple<std::string, std::string>> want_stored;
    std::set<std::string> cut_through;  // entries whose last address the cut runs through
    for (const auto& [ent, addr] : want) {
        if (got.count({ent, stored_form(addr)})) {
            want_stored.insert({ent, stored_form(addr)});
            continue;
        }
        // not stored: it must be the cut-through fragment of a cut entry, which fails its checks
        std::string c;
        EXPECT_THROW(normalize_address(addr, c = addr.starts_with("0x") ? "eth" : "btc"), std::invalid_argument) << ent << " " << addr;
        cut_through.insert(ent);
    }
    EXPECT_EQ(got, want_stored);  // nothing stored that the reference extract lacks
    EXPECT_EQ(cut_through.size(), 6u);
    for (const auto& ent : cut_through)
        EXPECT_TRUE(std::any_of(b.warnings.begin(), b.warnings.end(), [&](const std::string& w) {
            return w.find("entry " + ent + " ") != std::string::npos && w.find("1 cut through and skipped") != std::string::npos;
        })) << ent;
    // Every Ethereum address of SDN.CSV is also in OFAC's advanced-XML extract (B10C: ETH, USDT, USDC).
    std::set<std::string> b10c;
    for (const char* f : {"ETH", "USDT", "USDC"})
        for (const auto& a : lines_of(kData / "ofac-b10c" / (std::string("sanctioned_addresses_") + f + ".txt")))
            if (a.starts_with("0x")) b10c.insert(canonical(a));
    std::size_t eth = 0;
    for (const auto& r : b.records)
        if (r.chain == "eth") {
            ++eth;
            EXPECT_TRUE(b10c.count(r.address)) << r.address;
        }
    EXPECT_GT(eth, 40u);
    // entity names come from the SDN_Name column
    auto lazarus = std::find_if(b.records.begin(), b.records.end(), [](const Record& r) { return r.entity == "LAZARUS GROUP"; });
    ASSERT_NE(lazarus, b.records.end());
    EXPECT_EQ(lazarus->category, "sanctioned");
    EXPECT_NE(lazarus->note.find("DPRK3"), std::string::npos) << lazarus->note;
}

TEST(Import, SdnCsvErrorsNameLineAndEntry) {
    ImportOptions o;
    o.format = Format::OfacCsv;
    auto e = error_of([&] {
        read_text("1,\"A\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
                  "2,\"B\",-0- ,\"CYBER2\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Digital Currency Address - ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD;\"\n",
                  "sdn.csv", o);
    });
    EXPECT_NE(e.find("sdn.csv: line 2 (entry 2 B): field address: EIP-55"), std::string::npos) << e;
    e = error_of([&] { read_text("1,\"A\",-0-\n", "sdn.csv", o); });
    EXPECT_NE(e.find("sdn.csv: line 1: 3 fields"), std::string::npos) << e;
}

// ---- sdn_advanced.xml, written from OFAC's advanced schema -----------------------------------

// Two parties with Digital Currency Address features (ETH, XBT, USDT on Tron), their sanctions
// entries (program in the measure's Comment, listing date in the entry event), a party without
// addresses, and an element in a foreign namespace that looks like a feature and must be ignored.
// `P` is the prefix used for OFAC's namespace ("" = default namespace).
std::string sdn_xml(const std::string& P, const std::string& eth_address = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96") {
    const std::string p = P.empty() ? "" : P + ":";
    const std::string ns = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML";
    return fmt::format(R"(<?xml version="1.0" encoding="utf-8"?>
<{p}Sanctions xmlns{colon}{P}="{ns}" xmlns:x="urn:example:other" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <{p}DateOfIssue><{p}Year>2024</{p}Year><{p}Month>9</{p}Month><{p}Day>27</{p}Day></{p}DateOfIssue>
  <{p}ReferenceValueSets>
    <{p}FeatureTypeValues>
      <{p}FeatureType ID="8" FeatureTypeGroupID="1">Birthdate</{p}FeatureType>
      <{p}FeatureType ID="344" FeatureTypeGroupID="1">Digital Currency Address - XBT</{p}FeatureType>
      <{p}FeatureType ID="345" FeatureTypeGroupID="1">Digital Currency Address - ETH</{p}FeatureType>
      <{p}FeatureType ID="887" FeatureTypeGroupID="1">Digital Currency Address - USDT</{p}FeatureType>
    </{p}FeatureTypeValues>
  </{p}ReferenceValueSets>
  <{p}DistinctParties>
    <{p}DistinctParty FixedRef="27307">
      <{p}Profile ID="27307" PartySubTypeID="4">
        <{p}Identity ID="9999" FixedRef="27307" Primary="true" False="false">
          <{p}Alias FixedRef="27307" AliasTypeID="1400" Primary="false" LowQuality="false">
            <{p}DocumentedName ID="1" FixedRef="27307" DocNameStatusID="2">
              <{p}DocumentedNamePart><{p}NamePartValue NamePartGroupID="1">HIDDEN COBRA</{p}NamePartValue></{p}DocumentedNamePart>
            </{p}DocumentedName>
          </{p}Alias>
          <{p}Alias FixedRef="27307" AliasTypeID="1403" Primary="true" LowQuality="false">
            <{p}DocumentedName ID="2" FixedRef="27307" DocNameStatusID="1">
              <{p}DocumentedNamePart><{p}NamePartValue NamePartGroupID="2">LAZARUS GROUP</{p}NamePartValue></{p}DocumentedNamePart>
            </{p}DocumentedName>
          </{p}Alias>
        </{p}Identity>
        <{p}Feature ID="36616" FeatureTypeID="345">
          <{p}FeatureVersion ID="34335" ReliabilityID="1">
            <{p}Comment />
            <{p}VersionDetail DetailTypeID="1432">{eth}</{p}VersionDetail>
          </{p}FeatureVersion>
          <{p}IdentityReference IdentityID="9999" IdentityFeatureLinkTypeID="1" />
        </{p}Feature>
        <{p}Feature ID="36617" FeatureTypeID="344">
          <{p}FeatureVersion ID="34336" ReliabilityID="1">
            <{p}VersionDetail DetailTypeID="1432">bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4</{p}VersionDetail>
          </{p}FeatureVersion>
        </{p}Feature>
        <x:Feature ID="1" FeatureTypeID="345"><x:FeatureVersion><x:VersionDetail>0x0000000000000000000000000000000000000001</x:VersionDetail></x:FeatureVersion></x:Feature>
      </{p}Profile>
    </{p}DistinctParty>
    <{p}DistinctParty FixedRef="40001">
      <{p}Profile ID="40001" PartySubTypeID="3">
        <{p}Identity ID="1" Primary="true"><{p}Alias Primary="true"><{p}DocumentedName>
          <{p}DocumentedNamePart><{p}NamePartValue>EXAMPLE</{p}NamePartValue></{p}DocumentedNamePart>
          <{p}DocumentedNamePart><{p}NamePartValue>TRADING LLC</{p}NamePartValue></{p}DocumentedNamePart>
        </{p}DocumentedName></{p}Alias></{p}Identity>
        <{p}Feature ID="50001" FeatureTypeID="887">
          <{p}FeatureVersion ID="1"><{p}VersionDetail DetailTypeID="1432">TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre</{p}VersionDetail></{p}FeatureVersion>
        </{p}Feature>
        <{p}Feature ID="50002" FeatureTypeID="8">
          <{p}FeatureVersion ID="2"><{p}DatePeriod><{p}Start><{p}From><{p}Year>1980</{p}Year></{p}From></{p}Start></{p}DatePeriod></{p}FeatureVersion>
        </{p}Feature>
      </{p}Profile>
    </{p}DistinctParty>
    <{p}DistinctParty FixedRef="306">
      <{p}Profile ID="306" PartySubTypeID="3">
        <{p}Identity ID="2" Primary="true"><{p}Alias Primary="true"><{p}DocumentedName>
          <{p}DocumentedNamePart><{p}NamePartValue>BANCO NACIONAL DE CUBA</{p}NamePartValue></{p}DocumentedNamePart>
        </{p}DocumentedName></{p}Alias></{p}Identity>
      </{p}Profile>
    </{p}DistinctParty>
  </{p}DistinctParties>
  <{p}SanctionsEntries>
    <{p}SanctionsEntry ID="27307" ProfileID="27307" ListID="1550">
      <{p}EntryEvent ID="1" EntryEventTypeID="1" LegalBasisID="1">
        <{p}Date CalendarTypeID="1"><{p}Year>2019</{p}Year><{p}Month>9</{p}Month><{p}Day>13</{p}Day></{p}Date>
      </{p}EntryEvent>
      <{p}SanctionsMeasure ID="1" SanctionsTypeID="1"><{p}Comment>DPRK3</{p}Comment></{p}SanctionsMeasure>
      <{p}SanctionsMeasure ID="2" SanctionsTypeID="1"><{p}Comment>CYBER2</{p}Comment></{p}SanctionsMeasure>
    </{p}SanctionsEntry>
    <{p}SanctionsEntry ID="40001" ProfileID="40001" ListID="1550">
      <{p}EntryEvent ID="2" EntryEventTypeID="1"><{p}Date><{p}Year>2023</{p}Year><{p}Month>11</{p}Month><{p}Day>2</{p}Day></{p}Date></{p}EntryEvent>
      <{p}SanctionsMeasure ID="3" SanctionsTypeID="1"><{p}Comment>RUSSIA-EO14024</{p}Comment></{p}SanctionsMeasure>
    </{p}SanctionsEntry>
  </{p}SanctionsEntries>
</{p}Sanctions>
)",
                       fmt::arg("p", p), fmt::arg("P", P), fmt::arg("colon", P.empty() ? "" : ":"), fmt::arg("ns", ns), fmt::arg("eth", eth_address));
}

TEST(Import, SdnAdvancedXmlWithPrefixedOrDefaultNamespace) {
    for (const std::string prefix : {"", "sdn"}) {
        ImportOptions o;
        Batch b = read_text(sdn_xml(prefix), "sdn_advanced.xml", o);
        EXPECT_EQ(b.source, "ofac-sdn");
        ASSERT_EQ(b.records.size(), 3u) << "prefix " << prefix;
        const Record& eth = b.records[0];
        EXPECT_EQ(eth.chain, "eth");
        EXPECT_EQ(eth.address, "0x098b716b8aaf21512996dc57eb0615e2383e2f96");
        EXPECT_EQ(eth.entity, "LAZARUS GROUP");  // the primary alias, not the a.k.a.
        EXPECT_EQ(eth.category, "sanctioned");
        EXPECT_EQ(eth.valid_from, Bound::time(1568332800));  // 2019-09-13T00:00:00Z
        EXPECT_EQ(eth.note, "OFAC SDN 27307; ETH; program DPRK3, CYBER2; listed 2019-09-13");
        EXPECT_EQ(eth.confidence, 60);
        EXPECT_EQ(b.records[1].chain, "btc");
        EXPECT_EQ(b.records[1].address, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
        const Record& usdt = b.records[2];
        EXPECT_EQ(usdt.chain, "trx");
        EXPECT_EQ(usdt.entity, "EXAMPLE TRADING LLC");
        EXPECT_EQ(usdt.valid_from, Bound::time(1698883200));  // 2023-11-02
        ASSERT_EQ(b.entities.size(), 2u);
        EXPECT_EQ(b.entities[0].name, "LAZARUS GROUP");
    }
}

TEST(Import, SdnAdvancedXmlErrorsNameLineAndParty) {
    ImportOptions o;
    auto e = error_of([&] { read_text(sdn_xml("sdn", "0x098B716B8Aaf21512996dC57EB0615e2383E2f97"), "adv.xml", o); });
    EXPECT_NE(e.find("adv.xml: line 27 (DistinctParty 27307, Feature 36616): field address"), std::string::npos) << e;
    // the right element names in the wrong namespace are not OFAC's schema
    std::string wrong = sdn_xml("");
    wrong.replace(wrong.find("https://sanctionslistservice"), 5, "http:");
    e = error_of([&] { read_text(wrong, "adv.xml", o); });
    EXPECT_NE(e.find("want <Sanctions> of OFAC's advanced schema"), std::string::npos) << e;
    e = error_of([&] { read_text("<Sanctions><DistinctParties>", "adv.xml", o); });
    EXPECT_NE(e.find("adv.xml: line 1: not well-formed XML"), std::string::npos) << e;
}

TEST(Import, SdnAdvancedXmlReimportIsIdempotentAndADelistingEndsTheLabel) {
    test::TempDir dir("cw-labels");
    auto store = LabelStore::open(LabelStore::default_path(dir.p).string());
    ImportOptions o;
    Batch b = read_text(sdn_xml("sdn"), "sdn_advanced.xml", o);
    EXPECT_EQ(store->import(b, b.source, "ofac-xml", {"sdn_advanced.xml"}).added, 3u);
    EXPECT_EQ(store->import(b, b.source, "ofac-xml", {"sdn_advanced.xml"}).unchanged, 3u);
    b.records.pop_back();  // EXAMPLE TRADING LLC delisted
    auto r = store->import(b, b.source, "ofac-xml", {"sdn_advanced.xml"});
    EXPECT_EQ(r.ended, 1u);
    auto t = store->find(std::string_view("TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre"));
    ASSERT_EQ(t.size(), 1u);
    EXPECT_FALSE(t[0].listed);
    EXPECT_TRUE(t[0].valid_to.set());
    EXPECT_EQ(store->entity("LAZARUS GROUP")->category, "sanctioned");
}

// ---- CSV and JSON lists ----------------------------------------------------------------------

TEST(Import, CsvWithDefaultAndMappedColumns) {
    ImportOptions o;
    Batch b = read_text("address,entity,category,valid_from,valid_to\n"
                        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,Tornado Cash,Mixer,2022-08-08,2025-03-21T00:00:00Z\n"
                        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,\"Genesis, the\",exchange,block:0,\n",
                        "l.csv", o);
    ASSERT_EQ(b.records.size(), 2u);
    EXPECT_EQ(b.records[0].category, "mixer");
    EXPECT_EQ(b.records[0].valid_to, Bound::time(1742515200));
    EXPECT_EQ(b.records[1].chain, "btc");
    EXPECT_EQ(b.records[1].entity, "Genesis, the");
    EXPECT_EQ(b.records[1].valid_from, Bound::block(0));
    EXPECT_FALSE(b.records[1].valid_to.set());
    Batch j = read_text("address,entity,category,jurisdiction\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,Garantex,exchange,RU\n", "j.csv", o);
    ASSERT_EQ(j.entities.size(), 1u);
    EXPECT_EQ(j.entities[0], (Entity{"Garantex", "exchange", "RU"}));

    // the attribution lists' columns mapped onto ours: incident as entity, role as category
    o.columns = "entity=incident,category=role";
    Batch l = read_file(kData / "lazarus-hacks/ALL_lazarus_attributed_addresses.csv", o);
    EXPECT_EQ(l.records.size(), lines_of(kData / "lazarus-hacks/ALL_lazarus_attributed_addresses.csv").size() - 1);
    std::map<std::string, std::size_t> by_chain;
    for (const auto& r : l.records) ++by_chain[r.chain];
    EXPECT_EQ(by_chain["btc"], 39u);  // the file's chain column says bitcoin 39 times
    EXPECT_EQ(by_chain["trx"], 3u);

    auto e = error_of([&] { read_text("address,entity,category\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,a,\n", "m.csv", ImportOptions{}); });
    EXPECT_NE(e.find("m.csv: line 2: field category: empty"), std::string::npos) << e;
    e = error_of([&] { read_text("address,entity,category,valid_from\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,a,mixer,2022-13-01\n", "m.csv", ImportOptions{}); });
    EXPECT_NE(e.find("m.csv: line 2: field valid_from"), std::string::npos) << e;
    ImportOptions bad;
    bad.columns = "wallet=addr";
    EXPECT_THROW(read_text("addr\n", "m.csv", bad), InputError);
}

TEST(Import, JsonObjectsWithValidity) {
    ImportOptions o;
    o.format = Format::Json;
    o.category = "scam";
    Batch b = read_text(R"([{"address": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "entity": "X", "valid_from": 19000000},
                            {"address": "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre", "category": "phishing", "confidence": "90"}])",
                        "l.json", o);
    ASSERT_EQ(b.records.size(), 2u);
    EXPECT_EQ(b.records[0].category, "scam");
    EXPECT_EQ(b.records[0].valid_from, Bound::block(19000000));
    EXPECT_EQ(b.records[1].chain, "trx");
    EXPECT_EQ(b.records[1].category, "phishing");
    EXPECT_EQ(b.records[1].confidence, 90);
}

// ---- TagPack ---------------------------------------------------------------------------------

TEST(Import, GraphSenseTagPackWithHeaderDefaultsConceptsAndContext) {
    const char* pack = R"(title: Example pack
creator: someone
description: test
network: ETH
currency: ETH
confidence: authority_data
tags:
  - address: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
    label: Tornado Cash Router
    actor: tornado_cash
    source: https://home.treasury.gov/news/press-releases/jy0916
    category: mixing_service
    abuse: sanction
    context: '{"valid_from": "2022-08-08", "valid_to": "2025-03-21", "refs": ["x"]}'
  - address: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4
    network: BTC
    currency: BTC
    label: Some exchange
    category: exchange
    confidence: service_data
  - tx_hash: "0xabc"
    label: a transaction tag
)";
    ImportOptions o;
    Batch b = read_text(pack, "pack.yaml", o);
    EXPECT_EQ(b.source, "Example pack");
    ASSERT_EQ(b.records.size(), 2u);
    ASSERT_EQ(b.warnings.size(), 1u);  // the transaction tag
    EXPECT_NE(b.warnings[0].find("pack.yaml: line 21 (tag 2)"), std::string::npos) << b.warnings[0];
    const Record& t = b.records[0];
    EXPECT_EQ(t.chain, "eth");
    EXPECT_EQ(t.category, "sanctioned");  // abuse before category
    EXPECT_EQ(t.entity, "tornado_cash");
    EXPECT_EQ(t.confidence, 60);
    EXPECT_EQ(t.valid_from, Bound::time(1659916800));
    EXPECT_EQ(t.valid_to, Bound::time(1742515200));
    EXPECT_EQ(t.note, "https://home.treasury.gov/news/press-releases/jy0916");
    EXPECT_EQ(b.records[1].chain, "btc");
    EXPECT_EQ(b.records[1].category, "exchange");
    EXPECT_EQ(b.records[1].confidence, 50);
    auto e = error_of([&] { read_text("title: x\ntags:\n  - address: 0x12\n    label: y\n    category: exchange\n", "p.yaml", o); });
    EXPECT_NE(e.find("p.yaml: line 3 (tag 0): field address"), std::string::npos) << e;
    e = error_of([&] { read_text("title: x\ntags: [\n", "p.yaml", o); });
    EXPECT_NE(e.find("p.yaml: line"), std::string::npos) << e;
    e = error_of([&] { read_text("title: x\ntags:\n  - address: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n    category: exchange\n    confidence: sure\n", "p.yaml", o); });
    EXPECT_NE(e.find("confidence: \"sure\""), std::string::npos) << e;
}

std::vector<Record> without_ids(std::vector<Record> v) {
    for (auto& r : v) r.id = 0;
    return v;
}

TEST(Import, TagPackAndCsvRoundTripsAreExact) {
    test::TempDir dir("cw-labels");
    auto a = LabelStore::open((dir.p / "a.db").string());
    Batch b;
    auto add = [&](const char* addr, const char* chain, const char* cat, const char* ent, int conf, Bound from, Bound to, const char* note) {
        Record r;
        r.address = canonical(addr, chain);
        r.chain = chain;
        r.category = cat;
        r.entity = ent;
        r.confidence = conf;
        r.valid_from = from;
        r.valid_to = to;
        r.note = note;
        b.records.push_back(r);
    };
    add("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "eth", "sanctioned", "Tornado Cash", 60, Bound::time(1659916800), Bound::time(1742515200),
        "program CYBER2; \"quoted\", with comma");
    add("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "eth", "mixer", "Tornado Cash", 100, {}, {}, "");
    add("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "eth", "exchange_deposit", "", 73, Bound::block(100), Bound::block(200), "");
    add("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "btc", "ransomware", "Maui", 50, Bound::time(1600000000), {}, "x");
    add("TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre", "trx", "custom_category", "Someone", 5, {}, {}, "");
    a->import(b, "src", "csv", {"mem"});
    const auto orig = without_ids(a->list());

    auto tp = export_tagpack(orig, a->entities(), "round trip");
    ImportOptions o;
    Batch back = read_text(tp, "rt.yaml", o);
    auto c = LabelStore::open((dir.p / "c.db").string());
    c->import(back, "src", "tagpack", {"rt.yaml"});
    EXPECT_EQ(without_ids(c->list()), orig) << tp;

    auto csv = export_csv(orig);
    Batch back2 = read_text(csv, "rt.csv", o);
    auto d = LabelStore::open((dir.p / "d.db").string());
    d->import(back2, "src", "csv", {"rt.csv"});
    EXPECT_EQ(without_ids(d->list()), orig) << csv;
}

// Damaged input of every format either parses or fails with an InputError: never another
// exception, never a crash (the ASan build runs this too).
TEST(Import, DamagedInputFailsWithAnInputErrorOnly) {
    const std::string tagpack = "title: t\ncreator: c\nnetwork: ETH\ntags:\n  - address: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n"
                                "    label: x\n    category: exchange\n    confidence: forensic\n    context: '{\"valid_from\": \"2022-08-08\"}'\n";
    const std::string csv = "address,entity,category,valid_from\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,\"a, b\",mixer,block:5\n"
                            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,c,exchange,2020-01-01T00:00:00Z\n";
    const std::string json = R"([{"address": "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre", "category": "scam", "valid_to": 7}, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"])";
    std::string sdn;
    {
        std::ifstream f(kData / "ofac-sdn-csv/sdn_2024-05-03.csv", std::ios::binary);
        std::string l;
        for (int i = 0; i < 40000 && std::getline(f, l);) {
            if (l.find("Digital Currency") == std::string::npos && i++ > 3) continue;
            sdn += l + "\n";
            if (sdn.size() > 20000) break;
        }
    }
    struct Case {
        std::string text, name;
        Format format;
    };
    const Case cases[] = {{sdn_xml("sdn"), "a.xml", Format::OfacXml}, {tagpack, "p.yaml", Format::TagPack}, {csv, "l.csv", Format::Csv},
                          {json, "l.json", Format::Json}, {sdn, "sdn.csv", Format::OfacCsv}};
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    auto next = [&] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    std::size_t parsed = 0, rejected = 0;
    for (const auto& c : cases) {
        ImportOptions o;
        o.format = c.format;
        o.category = "scam";
        for (int i = 0; i < 400; ++i) {
            std::string t = c.text;
            switch (next() % 3) {
            case 0: t.resize(next() % (t.size() + 1)); break;                                   // cut anywhere
            case 1: t[next() % t.size()] = static_cast<char>(next() % 256); break;              // one byte changed
            default: t.insert(next() % t.size(), std::string(1 + next() % 3, "\",:<>'{}[]\n-"[next() % 12]));  // syntax inserted
            }
            try {
                read_text(t, c.name, o);
                ++parsed;
            } catch (const InputError& e) {
                ++rejected;
                EXPECT_EQ(std::string(e.what()).rfind(c.name, 0), 0u) << e.what();  // names the file first
            }
        }
    }
    EXPECT_GT(rejected, 200u);
    EXPECT_GT(parsed, 50u);
}

}  // namespace
}  // namespace chainward::label
