#include "scanner/core/params.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace conformscan::core {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::vector<ParamSpec> schema() {
    return {
        ParamSpec{.name = "min_days",
                  .type = ParamType::integer,
                  .default_value = 14,
                  .minimum = 0,
                  .maximum = 365},
        ParamSpec{.name = "mode",
                  .type = ParamType::string,
                  .default_value = "strict",
                  .choices = {"strict", "lax"}},
        ParamSpec{.name = "allowed",
                  .type = ParamType::string_list,
                  .required = true,
                  .choices = {"TLSv1.2", "TLSv1.3"}},
        ParamSpec{.name = "ports", .type = ParamType::integer_list, .minimum = 1, .maximum = 65535},
        ParamSpec{.name = "ratio", .type = ParamType::number, .minimum = 0.0, .maximum = 1.0},
        ParamSpec{.name = "flag", .type = ParamType::boolean, .default_value = false},
        ParamSpec{.name = "extra", .type = ParamType::any},
    };
}

Error fails(const json& input) {
    auto r = validate_params(schema(), input);
    EXPECT_FALSE(r.ok()) << input.dump();
    return r.ok() ? Error{} : r.error();
}

TEST(ValidateParams, FillsDefaultsAndKeepsGivenValues) {
    auto r = validate_params(schema(), json{{"allowed", {"TLSv1.3"}}, {"ratio", 1}, {"extra", {{"x", 1}}}});
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ((*r)["min_days"], 14);
    EXPECT_EQ((*r)["mode"], "strict");
    EXPECT_EQ((*r)["allowed"], json({"TLSv1.3"}));
    EXPECT_TRUE((*r)["ports"].is_null());  // no default: present as null
    EXPECT_EQ((*r)["ratio"], 1);           // an integer is a number
    EXPECT_EQ((*r)["flag"], false);
    EXPECT_EQ((*r)["extra"], json({{"x", 1}}));
    EXPECT_EQ(r->size(), 7u);
}

TEST(ValidateParams, RefusesUnknownAndMissing) {
    auto unknown = fails({{"allowed", json::array()}, {"min_dayz", 3}});
    EXPECT_EQ(unknown.code, "param_unknown");
    EXPECT_THAT(unknown.message,
                HasSubstr("unknown parameter 'min_dayz'; expected one of [min_days, mode, allowed"));
    auto missing = fails(json::object());
    EXPECT_EQ(missing.code, "param_missing");
    EXPECT_EQ(missing.message, "parameter 'allowed' is required");
    EXPECT_EQ(fails(nullptr).code, "param_missing");  // null is "no parameters"
    EXPECT_EQ(fails(json::array()).code, "param_type");
    EXPECT_EQ(fails("text").code, "param_type");
}

TEST(ValidateParams, ChecksTypesChoicesAndRanges) {
    const json base = {{"allowed", {"TLSv1.2"}}};
    auto with = [&](const char* key, json v) {
        json in = base;
        in[key] = std::move(v);
        return fails(in);
    };
    EXPECT_EQ(with("min_days", "14").code, "param_type");
    EXPECT_EQ(with("min_days", 1.5).code, "param_type");
    EXPECT_THAT(with("min_days", 1.5).message, HasSubstr("integer, got 1.5"));
    EXPECT_EQ(with("min_days", -1).code, "param_range");
    EXPECT_EQ(with("min_days", -1).message, "'min_days' must be at least 0, got -1");
    EXPECT_EQ(with("min_days", 366).message, "'min_days' must be at most 365, got 366");
    EXPECT_EQ(with("mode", "loose").code, "param_choice");
    EXPECT_EQ(with("mode", "loose").message, "'mode' must be one of [strict, lax], got 'loose'");
    EXPECT_EQ(with("mode", 1).code, "param_type");
    EXPECT_EQ(with("allowed", "TLSv1.2").code, "param_type");
    EXPECT_EQ(with("allowed", json({"TLSv1.2", 3})).code, "param_type");
    EXPECT_EQ(with("allowed", json({"SSLv3"})).code, "param_choice");
    EXPECT_EQ(with("ports", json({443, 0})).code, "param_range");
    EXPECT_EQ(with("ports", json({443, "22"})).code, "param_type");
    EXPECT_EQ(with("ports", 443).code, "param_type");
    EXPECT_EQ(with("ratio", 1.5).code, "param_range");
    EXPECT_EQ(with("ratio", "0.5").code, "param_type");
    EXPECT_EQ(with("flag", 1).code, "param_type");
    EXPECT_EQ(with("flag", "true").code, "param_type");
}

TEST(ValidateParamValue, AnyAcceptsEverything) {
    const ParamSpec any{.name = "x", .type = ParamType::any};
    for (const json& v : {json(nullptr), json(1), json("s"), json::array(), json::object()})
        EXPECT_TRUE(validate_param_value(any, v).ok()) << v.dump();
    const ParamSpec open_string{.name = "s", .type = ParamType::string};
    EXPECT_TRUE(validate_param_value(open_string, "anything").ok());  // no choices: any string
    const ParamSpec empty_list{.name = "l", .type = ParamType::string_list};
    EXPECT_TRUE(validate_param_value(empty_list, json::array()).ok());
}

TEST(ParamType, Names) {
    EXPECT_EQ(to_string(ParamType::boolean), "boolean");
    EXPECT_EQ(to_string(ParamType::string_list), "list of strings");
    EXPECT_EQ(to_string(ParamType::integer_list), "list of integers");
    EXPECT_EQ(to_string(ParamType::any), "any value");
}

}  // namespace
}  // namespace conformscan::core
