// Request inputs a cell cannot use: a cell that throws std::invalid_argument makes the request a
// 400 naming the input it rejected (other failures stay 500), and BYTES inputs in JSON form may be
// base64 of raw bytes (parameters.content_type "base64").
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

// std::string -> int; "boom" is a server-side failure, anything not a number a bad input.
class ParseNumber final : public Cell {
 public:
  Input<std::string> in{*this, "in"};
  Output<std::int64_t> out{*this, "out"};
  void process(Context& ctx) override {
    const std::string& text = ctx.get(in);
    if (text == "boom") throw std::runtime_error("the parser broke");
    std::size_t used = 0;
    std::int64_t value = 0;
    try {
      value = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size())
      throw std::invalid_argument("'" + text + "' is not a number");
    ctx.emit(out, value);
  }
};

// Passes its bytes through and reports their size.
class ByteCount final : public Cell {
 public:
  Input<std::string> in{*this, "in"};
  Output<std::int64_t> size{*this, "size"};
  Output<std::string> first{*this, "first"};
  void process(Context& ctx) override {
    const std::string& bytes = ctx.get(in);
    ctx.emit(size, static_cast<std::int64_t>(bytes.size()));
    ctx.emit(first, bytes.substr(0, 2));
  }
};

std::string text_request(const std::string& text) {
  return json{
      {"inputs", {{{"name", "text"}, {"datatype", "BYTES"}, {"shape", {1}}, {"data", {text}}}}}}
      .dump();
}

class HttpInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parse = std::make_unique<Pipeline>("parse");
    auto& number = parse->add<ParseNumber>("number");
    parse->expose(number.in, "text");
    parse->expose(number.out, "value");
    auto count = std::make_unique<Pipeline>("count");
    auto& bytes = count->add<ByteCount>("bytes");
    count->expose(bytes.in, "blob");
    count->expose(bytes.size, "size");
    count->expose(bytes.first, "first");
    server_.add(std::move(parse));
    server_.add(std::move(count));
    http_ = client(server_.start());
    ASSERT_TRUE(eventually([&] { return server_.ready(); }));
  }
  httplib::Result post(const std::string& model, const std::string& body) {
    return http_->Post("/v2/models/" + model + "/infer", body, "application/json");
  }
  json blob_request(const json& element, const json& content_type) {
    json input = {{"name", "blob"}, {"datatype", "BYTES"}, {"shape", {1}}, {"data", {element}}};
    if (!content_type.is_null()) input["parameters"] = {{"content_type", content_type}};
    return json{{"inputs", {input}}};
  }

  HttpServer server_{test_options()};
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(HttpInputs, InvalidArgumentFromACellIs400NamingTheInput) {
  const auto result = post("parse", text_request("twelve"));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400) << result->body;
  const std::string error = error_of(result);
  EXPECT_NE(error.find("input 'text'"), std::string::npos) << error;
  EXPECT_NE(error.find("cell 'number'"), std::string::npos) << error;
  EXPECT_NE(error.find("'twelve' is not a number"), std::string::npos) << error;
  // The model keeps serving.
  const auto ok = post("parse", text_request("12"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(body_json(ok)["outputs"][0]["data"][0], 12);
}

TEST_F(HttpInputs, OtherCellFailuresStay500) {
  const auto result = post("parse", text_request("boom"));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 500) << result->body;
  EXPECT_NE(error_of(result).find("the parser broke"), std::string::npos) << result->body;
}

TEST_F(HttpInputs, Base64ContentTypeDeliversTheRawBytes) {
  // "\xff\xd8" (a JPEG's first bytes) is not UTF-8, so JSON can only carry it as base64.
  const auto result = post("count", blob_request("/9j/AAEC", "base64").dump());
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  const json body = body_json(result);
  EXPECT_EQ(body["outputs"][0]["data"][0], 6);  // ff d8 ff 00 01 02
  const auto plain = post("count", blob_request("/9j/AAEC", nullptr).dump());
  ASSERT_TRUE(plain);
  EXPECT_EQ(body_json(plain)["outputs"][0]["data"][0], 8) << "without content_type: the text";
}

TEST_F(HttpInputs, BadBase64AndUnknownContentTypeAre400) {
  const auto bad = post("count", blob_request("not base64!", "base64").dump());
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_NE(error_of(bad).find("input 'blob'"), std::string::npos) << bad->body;
  EXPECT_NE(error_of(bad).find("base64"), std::string::npos) << bad->body;
  const auto unknown = post("count", blob_request("abc", "hex").dump());
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400) << unknown->body;
  EXPECT_NE(error_of(unknown).find("content_type"), std::string::npos) << unknown->body;
}

}  // namespace
}  // namespace cellflow::server::testing
