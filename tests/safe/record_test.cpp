#include <gtest/gtest.h>

#include "safe/safe.hpp"

using namespace chainward;
using namespace chainward::safe;

namespace {

std::string error_of(std::string_view text, const CheckOptions& o = {}) {
    try {
        check_text(text, o);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

const char* kRecord = R"({"safe":"0x1111111111111111111111111111111111111111",
  "to":"0x0000000000000000000000000000000000000b0b","value":"12","data":null,"operation":0,
  "safeTxGas":0,"baseGas":"0","gasPrice":"0","gasToken":"0x0000000000000000000000000000000000000000",
  "refundReceiver":"0x0000000000000000000000000000000000000000","nonce":3})";

}  // namespace

TEST(SafeRecord, SingleRecordArrayAndPage) {
    EXPECT_EQ(parse_proposals(kRecord).size(), 1u);
    EXPECT_EQ(parse_proposals(std::string("[") + kRecord + "," + kRecord + "]").size(), 2u);
    auto page = parse_proposals(std::string(R"({"count":1,"next":null,"results":[)") + kRecord + "]}");
    ASSERT_EQ(page.size(), 1u);
    EXPECT_EQ(page[0].source, "results[0]");
    EXPECT_EQ(page[0].tx.value, 12);
    EXPECT_EQ(page[0].tx.nonce, 3);
    EXPECT_TRUE(page[0].tx.data.empty());
}

TEST(SafeRecord, MalformedFieldsNameTheField) {
    std::string bad_hex = kRecord;
    bad_hex.replace(bad_hex.find("\"data\":null"), 11, "\"data\":\"0xzz\"");
    EXPECT_NE(error_of(bad_hex).find("field 'data'"), std::string::npos) << error_of(bad_hex);
    std::string odd = kRecord;
    odd.replace(odd.find("\"data\":null"), 11, "\"data\":\"0xabc\"");
    EXPECT_NE(error_of(odd).find("field 'data'"), std::string::npos);
    std::string short_addr = kRecord;
    short_addr.replace(short_addr.find("0x0000000000000000000000000000000000000b0b"), 42, "0xb0b");
    EXPECT_NE(error_of(short_addr).find("field 'to'"), std::string::npos) << error_of(short_addr);
    std::string op = kRecord;
    op.replace(op.find("\"operation\":0"), 13, "\"operation\":2");
    EXPECT_NE(error_of(op).find("operation"), std::string::npos);
    std::string no_nonce = kRecord;
    no_nonce.replace(no_nonce.find(",\"nonce\":3"), 10, "");
    EXPECT_NE(error_of(no_nonce).find("nonce unknown"), std::string::npos) << error_of(no_nonce);
    EXPECT_NE(error_of("{\"to\": ").find("not valid JSON"), std::string::npos);
    EXPECT_NE(error_of("[]").find("no Safe transaction"), std::string::npos);
}

TEST(SafeRecord, UnknownVersionAndMissingChainId) {
    CheckOptions o;
    o.version = "2.0";
    EXPECT_NE(error_of(kRecord, o).find("unknown Safe version"), std::string::npos);
    o.version = "1.4.1";
    EXPECT_NE(error_of(kRecord, o).find("--chain-id"), std::string::npos) << error_of(kRecord, o);
    o.chain_id = U256(1);
    EXPECT_EQ(error_of(kRecord, o), "");
}

TEST(SafeRecord, RecordHashThatMatchesNoVersionIsCritical) {
    std::string rec = kRecord;
    rec.insert(rec.size() - 1,
               ",\"safeTxHash\":\"0x00000000000000000000000000000000000000000000000000000000000000aa\"");
    CheckOptions o;
    o.chain_id = U256(1);
    auto r = check_text(rec, o);
    EXPECT_FALSE(r.proposals[0].version);
    EXPECT_EQ(r.exit_code(), 2);
}

TEST(SafeRecord, RawTransactionErrors) {
    EXPECT_NE(error_of("0xzz").find("raw transaction"), std::string::npos);
    EXPECT_NE(error_of("0xc0").find("needs 9 fields"), std::string::npos) << error_of("0xc0");
    EXPECT_NE(error_of("0xf9ffff").find("claims 65535 bytes, 0 present"), std::string::npos) << error_of("0xf9ffff");
    EXPECT_NE(error_of("0xf9").find("truncated"), std::string::npos) << error_of("0xf9");
    EXPECT_NE(error_of("0x05c0").find("unsupported transaction type"), std::string::npos);
}

TEST(SafeRecord, ExecTransactionCalldataMustHaveTheSelector) {
    ByteVec d = {0xa9, 0x05, 0x9c, 0xbb};
    EXPECT_THROW(decode_exec_transaction(d), InputError);
}
