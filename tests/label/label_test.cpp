// Labels CSV: header in any order, quotes, several labels per address, errors naming file/line/field.
#include <gtest/gtest.h>

#include "label/label.hpp"

namespace chainward::label {
namespace {

TEST(Labels, ParsesRowsQuotesAndSeveralLabelsPerAddress) {
    auto s = LabelSet::parse_csv(
        "category,address,entity\n"
        "exchange_deposit,0x00000000000000000000000000000000000000aa,\"Exchange, Inc.\"\n"
        "\n"
        "sanctioned,0x00000000000000000000000000000000000000AA,\"The \"\"Group\"\"\"\n"
        "Custom_Thing,0x00000000000000000000000000000000000000bb,x\n",
        "t.csv");
    EXPECT_EQ(s.addresses(), 2u);
    auto* l = s.find(parse_address("0x00000000000000000000000000000000000000aa"));
    ASSERT_NE(l, nullptr);
    ASSERT_EQ(l->size(), 2u);
    EXPECT_EQ((*l)[0], (Label{"Exchange, Inc.", "exchange_deposit"}));
    EXPECT_EQ((*l)[1], (Label{"The \"Group\"", "sanctioned"}));
    auto* u = s.find(parse_address("0x00000000000000000000000000000000000000bb"), "custom_thing");
    ASSERT_NE(u, nullptr);  // unknown categories are kept (lowercased)
    EXPECT_FALSE(is_known_category("custom_thing"));
    EXPECT_TRUE(is_known_category("mixer"));
}

TEST(Labels, ErrorsNameFileLineAndField) {
    try {
        LabelSet::parse_csv("address,entity,category\n0x00000000000000000000000000000000000000aa,a,mixer\n0x12,b,mixer\n", "bad.csv");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.csv: line 3: field address"), std::string::npos) << e.what();
    }
    EXPECT_THROW(LabelSet::parse_csv("address,name\n", "h.csv"), InputError);
    EXPECT_THROW(LabelSet::parse_csv("address,entity,category\n0x00000000000000000000000000000000000000aa,a\n", "f.csv"), InputError);
    EXPECT_THROW(LabelSet::parse_csv("address,entity,category\n0x00000000000000000000000000000000000000aa,\"a,mixer\n", "q.csv"), InputError);
    EXPECT_THROW(LabelSet::load_csv("/nonexistent/labels.csv"), InputError);
}

}  // namespace
}  // namespace chainward::label
